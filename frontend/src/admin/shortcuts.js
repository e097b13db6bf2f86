// Keyboard shortcuts of the admin app, listed in the "?" dialog. Single keys act only when no text box has the focus;
// Alt+arrows and Escape work everywhere, so an operator can move on from the composer without the mouse.
// Each action's description is the admin locale's "shortcuts.{action}".

export const SHORTCUTS = [
  { keys: ['j', 'Alt+↓'], action: 'next' },
  { keys: ['k', 'Alt+↑'], action: 'previous' },
  { keys: ['r'], action: 'reply' },
  { keys: ['n'], action: 'note' },
  { keys: ['/'], action: 'search' },
  { keys: ['?'], action: 'help' },
  { keys: ['Esc'], action: 'escape' },
]

const SINGLE = { j: 'next', k: 'previous', r: 'reply', n: 'note', '/': 'search', '?': 'help' }

/** Whether the element takes typed text (then single-key shortcuts are typing, not commands). */
export function isTypingTarget(el) {
  if (!el || !el.tagName) return false
  if (el.isContentEditable) return true
  const tag = el.tagName.toLowerCase()
  if (tag === 'textarea' || tag === 'select') return true
  if (tag !== 'input') return false
  return !['button', 'checkbox', 'radio', 'submit', 'reset', 'file', 'range', 'color'].includes((el.type || 'text').toLowerCase())
}

/**
 * The action a key press asks for, or null.
 * @param {KeyboardEvent} event
 */
export function actionFor(event) {
  if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.isComposing) return null
  if (event.altKey) {
    if (event.key === 'ArrowDown') return 'next'
    if (event.key === 'ArrowUp') return 'previous'
    return null
  }
  if (event.key === 'Escape') return 'escape'
  if (isTypingTarget(event.target)) return null
  return SINGLE[event.key] ?? null
}

const handlers = new Set()

/** Pages register what they do for an action (return true when handled); returns the unregister function. */
export function onShortcut(handler) {
  handlers.add(handler)
  return () => handlers.delete(handler)
}

/** Offers an action to the registered pages; true when one of them handled it. */
export function dispatchShortcut(action) {
  for (const handler of [...handlers]) if (handler(action)) return true
  return false
}
