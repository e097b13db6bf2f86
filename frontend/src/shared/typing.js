import { t } from './i18n.js'

// Typing indicators, both ways. The sender tells the hub "typing" at most every `refreshMs` while the
// user types and "stopped" after `idleMs` without input; the watcher hides a peer's indicator if its
// "stopped" never arrives (tab closed, connection lost).

/**
 * @param {(isTyping: boolean) => unknown} setTyping
 * @param {{ idleMs?: number, refreshMs?: number, now?: () => number }} [options]
 */
export function createTypingSender(setTyping, options = {}) {
  const idleMs = options.idleMs ?? 3000
  const refreshMs = options.refreshMs ?? 2500
  const now = options.now ?? (() => Date.now())
  let typing = false
  let lastSent = 0
  let idleTimer = null

  function send(value) {
    try {
      const result = setTyping(value)
      result?.catch?.(() => {})
    } catch {
      // Typing is best effort: a lost connection must never break the composer.
    }
  }

  return {
    /** Call on every input event; `hasText` false (an emptied box) stops at once. */
    input(hasText = true) {
      if (!hasText) return this.stop()
      if (!typing || now() - lastSent >= refreshMs) {
        typing = true
        lastSent = now()
        send(true)
      }
      clearTimeout(idleTimer)
      idleTimer = setTimeout(() => this.stop(), idleMs)
    },
    stop() {
      clearTimeout(idleTimer)
      idleTimer = null
      if (!typing) return
      typing = false
      send(false)
    },
    get isTyping() {
      return typing
    },
  }
}

/**
 * Tracks who else is typing in a conversation.
 * @param {(typists: { key: string, name: string | null, senderKind: string }[]) => void} onChange
 * @param {{ timeoutMs?: number }} [options]
 */
export function createTypingWatcher(onChange, options = {}) {
  const timeoutMs = options.timeoutMs ?? 6000
  const typists = new Map()

  function emit() {
    onChange([...typists.values()].map(({ timer, ...t }) => t))
  }

  return {
    /** @param {{ senderKind: string, senderName?: string | null, isTyping: boolean }} event */
    update(event) {
      const key = `${event.senderKind}:${event.senderName ?? ''}`
      const existing = typists.get(key)
      if (existing) clearTimeout(existing.timer)
      if (event.isTyping) {
        const timer = setTimeout(() => {
          typists.delete(key)
          emit()
        }, timeoutMs)
        typists.set(key, { key, name: event.senderName ?? null, senderKind: event.senderKind, timer })
      } else {
        typists.delete(key)
      }
      emit()
    },
    /** A message from someone ends their typing. */
    messageFrom(senderKind, senderName) {
      this.update({ senderKind, senderName, isTyping: false })
    },
    clear() {
      for (const t of typists.values()) clearTimeout(t.timer)
      typists.clear()
      emit()
    },
  }
}

/** "Anna is typing…", "Support is typing…", "Anna and Ben are typing…" */
export function typingText(typists, fallbackName) {
  if (!typists.length) return ''
  const names = [...new Set(typists.map((t) => t.name || fallbackName(t.senderKind)))]
  if (names.length === 1) return t('typing.one', { name: names[0] })
  return t('typing.many', { names: names.slice(0, -1).join(', '), last: names[names.length - 1] })
}
