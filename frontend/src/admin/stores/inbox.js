import { defineStore } from 'pinia'
import { t } from '../i18n.js'
import { services } from '../services.js'

/** The inbox tabs: how each asks the API, and how a live ConversationUpdated decides where a row belongs. */
export const TABS = {
  unassigned: { label: 'Unassigned', query: { status: 'Open' }, match: (c) => c.status === 'Open' },
  mine: {
    label: 'Mine',
    query: { status: 'Assigned', assignee: 'me' },
    match: (c, me) => c.status === 'Assigned' && !!me && c.assignedUserId === me,
  },
  assigned: { label: 'All assigned', query: { status: 'Assigned' }, match: (c) => c.status === 'Assigned' },
  closed: { label: 'Closed', query: { status: 'Closed' }, match: (c) => c.status === 'Closed' },
}

export const PAGE_SIZE = 50

function activity(c) {
  return Date.parse(c.lastMessageAt || c.createdAt || 0) || 0
}

export const useInboxStore = defineStore('inbox', {
  state: () => ({
    /** @type {Record<string, any>} every conversation summary seen, by id */
    byId: {},
    /** per tab: { loaded, loading, error, page, totalCount } */
    tabs: Object.fromEntries(Object.keys(TABS).map((k) => [k, { loaded: false, loading: false, error: '', page: 0, totalCount: 0 }])),
    /** The conversation open in the view: its unread count stays 0. */
    openId: null,
    /** Per tab, conversations with unread visitor messages (GET /api/conversations/counts). */
    counts: { unassigned: 0, mine: 0, assigned: 0, closed: 0 },
    /** The search box's results: ids in the server's order, each with its matching excerpt. */
    search: { q: '', ids: [], matches: {}, loading: false, error: '', totalCount: 0 },
  }),
  getters: {
    /** Rows of a tab, newest activity first. */
    list: (s) => (tab, me) =>
      Object.values(s.byId)
        .filter((c) => TABS[tab]?.match(c, me))
        .sort((a, b) => activity(b) - activity(a)),
    /** Whether the server has rows beyond the pages loaded (rows that moved tabs live do not count). */
    hasMore: (s) => (tab) => s.tabs[tab].page * PAGE_SIZE < s.tabs[tab].totalCount,
    /** Search results as rows (the latest summary of each), with `match` when a message matched. */
    searchRows: (s) => s.search.ids.map((id) => ({ ...s.byId[id], match: s.search.matches[id] ?? null })).filter((c) => c.id),
    /** What the tab title counts: unread conversations waiting for anyone, and the caller's own. */
    unreadForMe: (s) => (s.counts.unassigned || 0) + (s.counts.mine || 0),
  },
  actions: {
    /** Loads a tab's first page (or the next page with `more`). */
    async load(tab, { more = false } = {}) {
      const t = this.tabs[tab]
      if (!t || t.loading) return
      t.loading = true
      t.error = ''
      try {
        const page = more ? t.page + 1 : 1
        const result = await services.api.conversations.list({ ...TABS[tab].query, page, pageSize: PAGE_SIZE })
        for (const c of result.items ?? []) this.upsert(c)
        t.page = page
        t.totalCount = result.totalCount ?? (result.items ?? []).length
        t.loaded = true
      } catch (error) {
        t.error = error?.message || 'Could not load conversations.'
      } finally {
        t.loading = false
      }
    },
    /** Reloads every tab already shown (after a reconnect, when live updates may have been missed). */
    async refresh() {
      await Promise.all(Object.keys(this.tabs).filter((k) => this.tabs[k].loaded).map((k) => this.load(k)))
    },
    /**
     * Stores a summary (from a list, an action's reply or ConversationUpdated). Returns true when the
     * conversation was not known before.
     */
    upsert(summary) {
      if (!summary?.id) return false
      const known = !!this.byId[summary.id]
      const merged = { ...this.byId[summary.id], ...summary }
      if (summary.id === this.openId) merged.unreadCount = 0
      this.byId[summary.id] = merged
      return !known
    },
    /** ConversationUpdated from the hub. Returns whether it is a new, unassigned conversation. */
    applyUpdate(summary) {
      const isNew = this.upsert(summary)
      if (isNew && summary.status === 'Open') {
        this.tabs.unassigned.totalCount += 1
        return true
      }
      return false
    },
    /** Refreshes the tabs' unread badges. */
    async loadCounts() {
      try {
        this.counts = { ...this.counts, ...(await services.api.conversations.counts()) }
      } catch {
        // Keep the last counts; the next update tries again.
      }
    },
    /** Searches every conversation (all statuses); a newer search wins over a slower older one. */
    async runSearch(q) {
      const query = (q ?? '').trim()
      this.search.q = query
      this.search.error = ''
      if (!query) {
        Object.assign(this.search, { ids: [], matches: {}, loading: false, totalCount: 0 })
        return
      }
      this.search.loading = true
      try {
        const result = await services.api.conversations.list({ q: query, page: 1, pageSize: PAGE_SIZE })
        if (this.search.q !== query) return
        const items = result.items ?? []
        for (const c of items) {
          const { match, ...summary } = c
          this.upsert(summary)
        }
        this.search.ids = items.map((c) => c.id)
        this.search.matches = Object.fromEntries(items.filter((c) => c.match).map((c) => [c.id, c.match]))
        this.search.totalCount = result.totalCount ?? items.length
      } catch (error) {
        if (this.search.q === query) this.search.error = error?.message || t('search.failed')
      } finally {
        if (this.search.q === query) this.search.loading = false
      }
    },
    setOpen(id) {
      this.openId = id ?? null
      if (id && this.byId[id]) this.byId[id].unreadCount = 0
    },
  },
})
