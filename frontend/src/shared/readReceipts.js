// Read receipts: who has read how far. The hub's `MessagesRead { conversationId, readerKind, upToMessageId }`
// only ever moves forward (the server ignores a MarkRead that does not advance), so a client keeps the highest
// id it has heard of for the other side, starting from the conversation's stored `…LastReadMessageId`.

/**
 * The new "seen up to" id after a MessagesRead event: the higher of the two when the event is about this
 * conversation and from the other side (`readerKind`), otherwise the current one.
 * @param {number} current
 * @param {{ conversationId: string, readerKind: string, upToMessageId: number } | null | undefined} event
 * @param {string} conversationId
 * @param {'Visitor' | 'Operator'} readerKind
 */
export function advanceSeen(current, event, conversationId, readerKind) {
  if (!event || event.conversationId !== conversationId || event.readerKind !== readerKind) return current
  const upTo = Number(event.upToMessageId) || 0
  return upTo > current ? upTo : current
}

/**
 * The id of the message that should carry the "Seen" label: the last message that `counts` (e.g. one's own)
 * with an id at or below `seenUpTo`; 0 when none.
 * @param {{ id: number }[]} messages ascending by id
 * @param {number} seenUpTo
 * @param {(message: any) => boolean} counts
 */
export function lastSeenId(messages, seenUpTo, counts) {
  if (!seenUpTo) return 0
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i]
    if (m.id <= seenUpTo && counts(m)) return m.id
  }
  return 0
}

/**
 * Calls `fn` at once, then at most once every `intervalMs`: calls in between are folded into one trailing
 * call at the end of the interval (so `fn` should read the latest state when it runs). `now()` runs any
 * pending call immediately; `cancel()` drops it.
 * @param {() => void} fn
 * @param {number} intervalMs
 */
export function throttle(fn, intervalMs) {
  let last = -Infinity
  let timer = null
  function run() {
    timer = null
    last = Date.now()
    fn()
  }
  function call() {
    if (timer) return
    const wait = last + intervalMs - Date.now()
    if (wait <= 0) run()
    else timer = setTimeout(run, wait)
  }
  call.now = () => {
    if (timer) clearTimeout(timer)
    run()
  }
  call.cancel = () => {
    if (timer) clearTimeout(timer)
    timer = null
  }
  return call
}
