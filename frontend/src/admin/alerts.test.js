import { describe, expect, it, vi } from 'vitest'
import { alertFor, requestNotificationPermission, showDesktopNotification } from './alerts.js'

const ME = 'me'
const base = { id: 'c1', status: 'Open', visitorName: 'Vera', lastMessagePreview: 'Hello', unreadCount: 1 }
const ctx = (extra = {}) => ({ me: ME, openId: null, hidden: false, ...extra })

describe('alertFor', () => {
  it('alerts on a new unassigned conversation, not on one that arrives already assigned or closed', () => {
    expect(alertFor(undefined, base, ctx())).toEqual({ title: 'New conversation', body: 'Vera: Hello', conversationId: 'c1' })
    expect(alertFor(undefined, { ...base, status: 'Assigned', assignedUserId: 'other' }, ctx())).toBeNull()
    expect(alertFor(undefined, { ...base, status: 'Closed' }, ctx())).toBeNull()
  })

  it('alerts on a new visitor message in an unassigned or own conversation that is not on screen', () => {
    const next = { ...base, unreadCount: 2, lastMessagePreview: 'Anyone?' }
    expect(alertFor(base, next, ctx())).toEqual({ title: 'New message from Vera', body: 'Anyone?', conversationId: 'c1' })
    const mine = { ...next, status: 'Assigned', assignedUserId: ME }
    expect(alertFor({ ...base, status: 'Assigned', assignedUserId: ME }, mine, ctx())).not.toBeNull()
    // Someone else's conversation: theirs to answer.
    expect(alertFor({ ...base, status: 'Assigned', assignedUserId: 'other' }, { ...mine, assignedUserId: 'other' }, ctx())).toBeNull()
  })

  it('stays quiet for the conversation on screen, unless the tab is hidden, and when nothing new was written', () => {
    const next = { ...base, unreadCount: 2 }
    expect(alertFor(base, next, ctx({ openId: 'c1' }))).toBeNull()
    expect(alertFor(base, next, ctx({ openId: 'c1', hidden: true }))).not.toBeNull()
    expect(alertFor(base, { ...base, unreadCount: 1, status: 'Open' }, ctx())).toBeNull()
    expect(alertFor({ ...base, unreadCount: 3 }, { ...base, unreadCount: 0 }, ctx())).toBeNull()
  })
})

describe('desktop notifications', () => {
  function fakeWindow(permission) {
    const shown = []
    class FakeNotification {
      static permission = permission
      static requestPermission = vi.fn(async () => 'granted')
      constructor(title, options) {
        this.title = title
        this.options = options
        this.close = vi.fn()
        shown.push(this)
      }
    }
    return { Notification: FakeNotification, focus: vi.fn(), shown }
  }

  it('shows one only with permission; a click focuses the tab and opens the conversation', () => {
    const denied = fakeWindow('denied')
    expect(showDesktopNotification({ title: 't', body: 'b', conversationId: 'c1' }, null, denied)).toBeNull()
    expect(denied.shown).toHaveLength(0)

    const granted = fakeWindow('granted')
    const open = vi.fn()
    const n = showDesktopNotification({ title: 'New message from Vera', body: 'Hi', conversationId: 'c1' }, open, granted)
    expect(n.title).toBe('New message from Vera')
    expect(n.options).toEqual({ body: 'Hi', tag: 'chatapp-c1' })
    n.onclick()
    expect(granted.focus).toHaveBeenCalled()
    expect(open).toHaveBeenCalledWith('c1')
  })

  it('asks for permission only when the browser has not been asked yet', async () => {
    const fresh = fakeWindow('default')
    expect(await requestNotificationPermission(fresh)).toBe('granted')
    const denied = fakeWindow('denied')
    expect(await requestNotificationPermission(denied)).toBe('denied')
    expect(denied.Notification.requestPermission).not.toHaveBeenCalled()
    expect(await requestNotificationPermission({})).toBe('unsupported')
  })
})
