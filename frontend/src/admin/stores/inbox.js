import { defineStore } from 'pinia'
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
  }),
  getters: {
    /** Rows of a tab, newest activity first. */
    list: (s) => (tab, me) =>
      Object.values(s.byId)
        .filter((c) => TABS[tab]?.match(c, me))
        .sort((a, b) => activity(b) - activity(a)),
    hasMore() {
      return (tab, me) => this.list(tab, me).length < this.tabs[tab].totalCount
    },
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
    setOpen(id) {
      this.openId = id ?? null
      if (id && this.byId[id]) this.byId[id].unreadCount = 0
    },
  },
})
