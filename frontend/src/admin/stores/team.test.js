import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { setServices } from '../services.js'
import { matchCanned } from './canned.js'
import { useInboxStore } from './inbox.js'
import { useTeamStore } from './team.js'

beforeEach(() => setActivePinia(createPinia()))

describe('team store', () => {
  it('loads everyone with their status and follows PresenceChanged', async () => {
    setServices({ api: { presence: { list: vi.fn(async () => [
      { userId: 'b', displayName: 'Bea', role: 'Operator', status: 'Offline' },
      { userId: 'a', displayName: 'Ann', role: 'Admin', status: 'Online' },
    ]) } } })
    const team = useTeamStore()
    await team.load()
    expect(team.members.map((m) => m.displayName)).toEqual(['Ann', 'Bea'])
    expect(team.onlineCount).toBe(1)
    team.apply({ userId: 'b', displayName: 'Bea', role: 'Operator', status: 'Away' })
    expect(team.statusOf('b')).toBe('Away')
    expect(team.statusOf('nobody')).toBe('Offline')
  })
})

describe('inbox search and counts', () => {
  it('keeps the results in the server order with their excerpts, and a newer search wins over a slower one', async () => {
    let release
    const slow = new Promise((r) => { release = r })
    const list = vi.fn(async ({ q }) => (q === 'ord'
      ? slow
      : { items: [
        { id: 'x', status: 'Closed', createdAt: '2025-01-01T00:00:00Z', match: { messageId: 3, text: 'my order', highlights: [{ start: 3, length: 5 }] } },
        { id: 'y', status: 'Open', createdAt: '2025-01-02T00:00:00Z', match: null },
      ], totalCount: 2 }))
    setServices({ api: { conversations: { list } } })
    const inbox = useInboxStore()
    const first = inbox.runSearch('ord')
    await inbox.runSearch('order')
    release({ items: [{ id: 'old', status: 'Open', createdAt: '2025-01-01T00:00:00Z' }], totalCount: 1 })
    await first
    expect(list).toHaveBeenCalledWith({ q: 'order', page: 1, pageSize: 50 })
    expect(inbox.searchRows.map((r) => [r.id, r.match?.messageId ?? null])).toEqual([['x', 3], ['y', null]])
    expect(inbox.search.totalCount).toBe(2)
    // Results are kept as plain summaries too, without the excerpt.
    expect(inbox.byId.x.match).toBeUndefined()

    await inbox.runSearch('   ')
    expect(inbox.searchRows).toEqual([])
  })

  it('counts unread conversations for the title from the unassigned and own tabs', async () => {
    setServices({ api: { conversations: { counts: vi.fn(async () => ({ unassigned: 2, mine: 1, assigned: 4, closed: 0 })) } } })
    const inbox = useInboxStore()
    await inbox.loadCounts()
    expect(inbox.counts.assigned).toBe(4)
    expect(inbox.unreadForMe).toBe(3)
  })

  it('offers "Load more" only while the server has rows beyond the pages loaded', async () => {
    setServices({ api: { conversations: { list: vi.fn(async () => ({ items: [{ id: 'a', status: 'Open', createdAt: '2025-01-01T00:00:00Z' }], totalCount: 51 })) } } })
    const inbox = useInboxStore()
    await inbox.load('unassigned')
    expect(inbox.hasMore('unassigned')).toBe(true)
    inbox.tabs.unassigned.totalCount = 50
    expect(inbox.hasMore('unassigned')).toBe(false)
  })
})

describe('canned responses menu', () => {
  const items = [
    { id: '1', shortcut: 'refund', title: 'Refund policy', body: 'Within 30 days.' },
    { id: '2', shortcut: 'hello', title: 'Greeting', body: 'Hi!' },
    { id: '3', shortcut: 'ship', title: 'When we refund shipping', body: 'Shipping is refunded.' },
  ]

  it('lists shortcut matches first, then title matches', () => {
    expect(matchCanned(items, 'hel').map((i) => i.label)).toEqual(['/hello'])
    expect(matchCanned(items, 'refund').map((i) => i.label)).toEqual(['/refund', '/ship'])
    expect(matchCanned(items, '')).toHaveLength(3)
    expect(matchCanned(items, 'hel')[0]).toEqual({ id: '2', label: '/hello', detail: 'Greeting', text: 'Hi!' })
  })
})
