import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { setServices } from '../services.js'
import { useInboxStore } from './inbox.js'

const ME = 'me-id'

function summary(id, extra = {}) {
  return { id, status: 'Open', visitorName: null, createdAt: '2025-01-01T10:00:00Z', lastMessageAt: null, unreadCount: 0, ...extra }
}

beforeEach(() => setActivePinia(createPinia()))

describe('inbox store', () => {
  it('asks the API with each tab’s filter', async () => {
    const list = vi.fn(async () => ({ items: [summary('a')], page: 1, pageSize: 50, totalCount: 1 }))
    setServices({ api: { conversations: { list } } })
    const inbox = useInboxStore()
    await inbox.load('unassigned')
    await inbox.load('mine')
    await inbox.load('assigned')
    await inbox.load('closed')
    expect(list.mock.calls.map((c) => c[0])).toEqual([
      { status: 'Open', page: 1, pageSize: 50 },
      { status: 'Assigned', assignee: 'me', page: 1, pageSize: 50 },
      { status: 'Assigned', page: 1, pageSize: 50 },
      { status: 'Closed', page: 1, pageSize: 50 },
    ])
    expect(inbox.tabs.unassigned.loaded).toBe(true)
  })

  it('keeps the error text when a tab fails to load', async () => {
    setServices({ api: { conversations: { list: vi.fn(async () => { throw new Error('Server down') }) } } })
    const inbox = useInboxStore()
    await inbox.load('closed')
    expect(inbox.tabs.closed.error).toBe('Server down')
  })

  it('files rows by status and assignee, newest activity first', () => {
    const inbox = useInboxStore()
    inbox.upsert(summary('old', { lastMessageAt: '2025-01-01T11:00:00Z' }))
    inbox.upsert(summary('new', { lastMessageAt: '2025-01-01T12:00:00Z' }))
    inbox.upsert(summary('mine', { status: 'Assigned', assignedUserId: ME }))
    inbox.upsert(summary('theirs', { status: 'Assigned', assignedUserId: 'other' }))
    inbox.upsert(summary('done', { status: 'Closed' }))
    expect(inbox.list('unassigned', ME).map((c) => c.id)).toEqual(['new', 'old'])
    expect(inbox.list('mine', ME).map((c) => c.id)).toEqual(['mine'])
    expect(inbox.list('assigned', ME).map((c) => c.id).sort()).toEqual(['mine', 'theirs'])
    expect(inbox.list('closed', ME).map((c) => c.id)).toEqual(['done'])
  })

  it('moves a row between tabs on ConversationUpdated and reports new conversations', () => {
    const inbox = useInboxStore()
    expect(inbox.applyUpdate(summary('x'))).toBe(true)
    expect(inbox.list('unassigned', ME)).toHaveLength(1)
    expect(inbox.applyUpdate(summary('x', { status: 'Assigned', assignedUserId: ME, lastMessagePreview: 'Hi' }))).toBe(false)
    expect(inbox.list('unassigned', ME)).toHaveLength(0)
    expect(inbox.list('mine', ME)[0].lastMessagePreview).toBe('Hi')
  })

  it('keeps the open conversation’s unread count at zero', () => {
    const inbox = useInboxStore()
    inbox.upsert(summary('x', { unreadCount: 3 }))
    inbox.setOpen('x')
    expect(inbox.byId.x.unreadCount).toBe(0)
    inbox.applyUpdate(summary('x', { unreadCount: 4 }))
    expect(inbox.byId.x.unreadCount).toBe(0)
    inbox.setOpen(null)
    inbox.applyUpdate(summary('x', { unreadCount: 5 }))
    expect(inbox.byId.x.unreadCount).toBe(5)
  })
})
