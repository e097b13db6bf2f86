import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { flush, mount } from '../testUtils.js'
import { alertFor } from './alerts.js'
import { setLanguage, t } from './i18n.js'
import AccountPage from './pages/AccountPage.vue'
import AssignmentSettingsPage from './pages/AssignmentSettingsPage.vue'
import CannedResponsesPage from './pages/CannedResponsesPage.vue'
import { setServices } from './services.js'
import { SHORTCUTS } from './shortcuts.js'
import { useAuthStore } from './stores/auth.js'

// Vitest runs from the front end's folder (happy-dom gives import.meta.url an http address).
const src = join(process.cwd(), 'src')
const AREAS = ['shared', 'admin', 'widget']
const read = (area, lang) => JSON.parse(readFileSync(join(src, area, 'locales', `${lang}.json`), 'utf8'))

function sources(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return name === 'locales' ? [] : sources(path)
    return /\.(vue|js)$/.test(name) && !name.includes('.test.') ? [path] : []
  })
}

let view
afterEach(async () => {
  view?.unmount()
  view = null
  await setLanguage('en')
})

describe('translations', () => {
  it('has every message in English and in French, in every part of the UI', () => {
    for (const area of AREAS) {
      expect(Object.keys(read(area, 'fr')).sort(), `${area}/locales/fr.json`).toEqual(Object.keys(read(area, 'en')).sort())
    }
  })

  it('has a message for every key the code asks for, in the locale files the page loads', () => {
    const messages = Object.fromEntries(AREAS.map((area) => [area, { ...read(area, 'en'), ...read(area, 'fr') }]))
    const missing = []
    let checked = 0
    for (const file of sources(src)) {
      const path = relative(src, file)
      const areas = ['shared', ...AREAS.filter((a) => a !== 'shared' && (path.startsWith(`${a}/`) || (a === 'admin' && path === 'router.js')))]
      const code = readFileSync(file, 'utf8')
      for (const [, key] of code.matchAll(/\bt\(\s*'([^']+)'/g)) {
        checked++
        if (!areas.some((a) => key in messages[a])) missing.push(`${path}: ${key}`)
      }
      // Keys built from a value (`presence.${status}`): at least one message must start with the fixed part.
      for (const [, prefix] of code.matchAll(/\bt\(\s*`([^`$]+)\$\{/g)) {
        if (!areas.some((a) => Object.keys(messages[a]).some((k) => k.startsWith(prefix)))) missing.push(`${path}: ${prefix}…`)
      }
    }
    expect(missing).toEqual([])
    expect(checked).toBeGreaterThan(200)
  })

  it('describes every keyboard shortcut and every status in both languages', async () => {
    const en = read('admin', 'en')
    const fr = read('admin', 'fr')
    for (const key of [...SHORTCUTS.map((s) => `shortcuts.${s.action}`), 'presence.Online', 'presence.Away', 'presence.Offline']) {
      expect(en[key], key).toBeTruthy()
      expect(fr[key], key).toBeTruthy()
    }
  })

  it('speaks French in notifications and search results', async () => {
    await setLanguage('fr')
    const next = { id: 'c1', status: 'Open', visitorName: null, lastMessagePreview: '', unreadCount: 1 }
    expect(alertFor(undefined, next, { me: 'me', openId: null, hidden: false })).toEqual({
      title: 'Nouvelle conversation',
      body: 'Un visiteur: a commencé une conversation',
      conversationId: 'c1',
    })
    expect(t('search.matches', { n: 0, q: 'colis' }, 0)).toBe('Aucune conversation ne correspond à « colis »')
    expect(t('search.matches', { n: 1, q: 'colis' }, 1)).toBe('1 conversation correspond à « colis »')
    expect(t('search.matches', { n: 3, q: 'colis' }, 3)).toBe('3 conversations correspondent à « colis »')
    await setLanguage('en')
    expect(t('search.matches', { n: 3, q: 'parcel' }, 3)).toBe('3 conversations match “parcel”')
  })

  it('shows the inbox pages in French', async () => {
    const pinia = createPinia()
    setActivePinia(pinia)
    useAuthStore().setUser({ id: 'a1', displayName: 'Ada', email: 'ada@example.com', role: 'Admin', notificationsEnabled: true })
    setServices({
      api: {
        settings: { assignment: vi.fn(async () => ({ autoAssign: true, maxOpenPerOperator: 3 })) },
        cannedResponses: { list: vi.fn(async () => [{ id: '1', shortcut: 'refund', title: 'Refund', body: 'Within 30 days.' }]) },
      },
    })
    await setLanguage('fr')

    view = mount(AssignmentSettingsPage, { plugins: [pinia] })
    await flush()
    expect(view.el.querySelector('form').getAttribute('aria-label')).toBe('Réglages d’attribution')
    expect(view.el.textContent).toContain('Attribuer automatiquement les nouvelles conversations')
    expect(view.el.textContent).not.toMatch(/Assign new|Open conversations per operator|Save/)
    view.unmount()

    view = mount(CannedResponsesPage, { plugins: [pinia] })
    await flush()
    expect(view.el.querySelector('table').getAttribute('aria-label')).toBe('Réponses enregistrées')
    expect(view.el.querySelector('[aria-label="Supprimer /refund"]')).not.toBeNull()
    expect(view.el.textContent).not.toMatch(/Canned responses|Shortcut|Delete|Add a canned response/)
    view.unmount()

    view = mount(AccountPage, { plugins: [pinia] })
    await flush()
    expect(view.el.textContent).toContain('Changer de mot de passe')
    expect(view.el.textContent).not.toMatch(/Change password|Current password|Notifications for|Your account/)
  })
})
