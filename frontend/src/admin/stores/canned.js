import { defineStore } from 'pinia'
import { t } from '../i18n.js'
import { services } from '../services.js'

const FRESH_MS = 60_000

/** Canned responses, for the composer's "/" menu and the page that manages them. */
export const useCannedStore = defineStore('canned', {
  state: () => ({ items: [], loadedAt: 0, error: '' }),
  actions: {
    /** Loads the list, unless it was loaded within the last minute (pass force after a change). */
    async load({ force = false } = {}) {
      if (!force && this.loadedAt && Date.now() - this.loadedAt < FRESH_MS) return
      try {
        this.items = await services.api.cannedResponses.list()
        this.loadedAt = Date.now()
        this.error = ''
      } catch (error) {
        this.error = error?.message || t('canned.loadFailed')
      }
    },
  },
})

/**
 * The "/" menu's matches: shortcuts that start with what was typed first, then titles that contain it.
 * @param {{ id: string, shortcut: string, title: string, body: string }[]} items
 * @param {string} query
 */
export function matchCanned(items, query) {
  const q = (query ?? '').toLowerCase()
  const byShortcut = items.filter((c) => c.shortcut.startsWith(q))
  const byTitle = q ? items.filter((c) => !c.shortcut.startsWith(q) && c.title.toLowerCase().includes(q)) : []
  return [...byShortcut, ...byTitle].map((c) => ({ id: c.id, label: `/${c.shortcut}`, detail: c.title, text: c.body }))
}
