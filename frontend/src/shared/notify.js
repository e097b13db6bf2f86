// Attention helpers: an unread counter in the page title and a short beep made with WebAudio (no file).

/**
 * Keeps "(3) Original title" in document.title while there are unread messages.
 * @param {Document} [doc]
 */
export function createTitleCounter(doc = document) {
  let base = doc.title
  let count = 0
  function render() {
    doc.title = count > 0 ? `(${count}) ${base}` : base
  }
  return {
    get count() {
      return count
    },
    add(n = 1) {
      count += n
      render()
      return count
    },
    reset() {
      if (count === 0) return
      count = 0
      render()
    },
    setBase(title) {
      base = title
      render()
    },
  }
}

let audioContext = null

function context() {
  const Ctor = globalThis.AudioContext || globalThis.webkitAudioContext
  if (!Ctor) return null
  audioContext ??= new Ctor()
  return audioContext
}

/**
 * Browsers only let a page make sound after the user interacted with it; the first click or key press
 * creates and resumes the audio context so later beeps can play.
 */
export function unlockAudioOnFirstGesture(target = globalThis.window) {
  if (!target?.addEventListener) return
  const unlock = () => {
    try {
      context()?.resume?.()
    } catch {
      // No sound is fine.
    }
    target.removeEventListener('pointerdown', unlock)
    target.removeEventListener('keydown', unlock)
  }
  target.addEventListener('pointerdown', unlock)
  target.addEventListener('keydown', unlock)
}

/** A short two-tone beep. Never throws: sound is a nicety. */
export function beep() {
  try {
    const ctx = context()
    if (!ctx) return false
    ctx.resume?.()
    const start = ctx.currentTime
    const gain = ctx.createGain()
    gain.connect(ctx.destination)
    gain.gain.setValueAtTime(0.0001, start)
    gain.gain.exponentialRampToValueAtTime(0.15, start + 0.02)
    gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.3)
    const osc = ctx.createOscillator()
    osc.type = 'sine'
    osc.frequency.setValueAtTime(880, start)
    osc.frequency.setValueAtTime(1175, start + 0.12)
    osc.connect(gain)
    osc.start(start)
    osc.stop(start + 0.32)
    return true
  } catch {
    return false
  }
}
