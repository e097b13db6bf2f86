// When the inbox should get an operator's attention, and how: a sound and, with the browser's permission, a desktop
// notification. Whether at all is the operator's own setting (notificationsEnabled, PUT /api/auth/me/preferences).
import { t } from './i18n.js'

/**
 * Decides whether a conversation update deserves an alert: a new unassigned conversation, or a new visitor message in a
 * conversation that is unassigned or the operator's own and is not the one on screen (or the tab is hidden).
 *
 * @param {any | undefined} previous the summary held before the update (undefined: never seen)
 * @param {any} next the summary from the server
 * @param {{ me: string | null, openId: string | null, hidden: boolean }} context
 * @returns {{ title: string, body: string, conversationId: string } | null}
 */
export function alertFor(previous, next, { me, openId, hidden }) {
  if (!next?.id || next.status === 'Closed') return null
  const name = next.visitorName || t('alerts.aVisitor')
  const forMe = next.status === 'Open' || (next.status === 'Assigned' && next.assignedUserId === me)
  if (!previous) {
    if (next.status !== 'Open') return null
    return { title: t('alerts.newConversation'), body: `${name}: ${next.lastMessagePreview || t('alerts.started')}`, conversationId: next.id }
  }
  const grew = (next.unreadCount ?? 0) > (previous.unreadCount ?? 0)
  const onScreen = next.id === openId && !hidden
  if (!grew || onScreen || !forMe) return null
  return { title: t('alerts.newMessage', { name }), body: next.lastMessagePreview || '', conversationId: next.id }
}

export function notificationsSupported(win = globalThis) {
  return typeof win.Notification === 'function'
}

export function notificationPermission(win = globalThis) {
  return notificationsSupported(win) ? win.Notification.permission : 'unsupported'
}

/** Asks for permission (only from a user's click); resolves to 'granted', 'denied', 'default' or 'unsupported'. */
export async function requestNotificationPermission(win = globalThis) {
  if (!notificationsSupported(win)) return 'unsupported'
  if (win.Notification.permission !== 'default') return win.Notification.permission
  try {
    return await win.Notification.requestPermission()
  } catch {
    return win.Notification.permission
  }
}

/**
 * Shows a desktop notification when allowed; clicking it brings the tab forward and runs onClick.
 * Never throws: notifications are a nicety.
 */
export function showDesktopNotification({ title, body, conversationId }, onClick, win = globalThis) {
  if (notificationPermission(win) !== 'granted') return null
  try {
    // One notification per conversation: a newer one replaces the older (tag).
    const notification = new win.Notification(title, { body, tag: `chatapp-${conversationId}` })
    notification.onclick = () => {
      win.focus?.()
      onClick?.(conversationId)
      notification.close?.()
    }
    return notification
  } catch {
    return null
  }
}
