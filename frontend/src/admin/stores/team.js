import { defineStore } from 'pinia'
import { services } from '../services.js'

export const STATUSES = ['Online', 'Away', 'Offline']

/** The staff and their availability (GET /api/presence, then the hub's PresenceChanged). */
export const useTeamStore = defineStore('team', {
  state: () => ({
    /** @type {Record<string, { userId: string, displayName: string, role: string, status: string }>} */
    byId: {},
    loaded: false,
  }),
  getters: {
    members: (s) => Object.values(s.byId).sort((a, b) => a.displayName.localeCompare(b.displayName)),
    onlineCount: (s) => Object.values(s.byId).filter((m) => m.status === 'Online').length,
    statusOf: (s) => (userId) => s.byId[userId]?.status ?? 'Offline',
  },
  actions: {
    async load() {
      try {
        const list = await services.api.presence.list()
        this.byId = Object.fromEntries(list.map((m) => [m.userId, m]))
        this.loaded = true
      } catch {
        // Presence is a nicety: the inbox works without it.
      }
    },
    apply(presence) {
      if (presence?.userId) this.byId[presence.userId] = { ...this.byId[presence.userId], ...presence }
    },
  },
})
