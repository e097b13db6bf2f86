import { afterEach, describe, expect, it, vi } from 'vitest'
import { byLabel, byRoleText, flush, mount, type } from '../../testUtils.js'
import { setServices } from '../services.js'
import WidgetSettingsPage from './WidgetSettingsPage.vue'

const stored = {
  title: null,
  subtitle: null,
  greeting: null,
  color: '#1f6feb',
  position: 'Right',
  preChat: { name: 'Optional', email: 'Optional' },
  businessHours: { enabled: false, timeZone: 'UTC', hours: [{ day: 'Monday', opens: '09:00', closes: '17:00' }] },
  defaultLanguage: 'auto',
  identitySecret: 'abc123secret',
  updatedAt: '2025-01-01T00:00:00Z',
}

let view
afterEach(() => view?.unmount())

function setup() {
  const api = {
    settings: {
      widget: vi.fn(async () => structuredClone(stored)),
      saveWidget: vi.fn(async (body) => ({ ...stored, ...body, title: body.title || null })),
      rotateIdentitySecret: vi.fn(async () => ({ ...stored, identitySecret: 'new-secret' })),
    },
  }
  setServices({ api })
  return api
}

describe('WidgetSettingsPage', () => {
  it('shows the stored settings and the identity secret, and previews changes live', async () => {
    setup()
    view = mount(WidgetSettingsPage)
    await flush()
    const preview = view.el.querySelector('[data-testid="widget-preview"]')
    expect(preview.textContent).toContain('Chat with us')
    expect(byLabel(view.el, 'Identity secret').value).toBe('abc123secret')

    await type(byLabel(view.el, 'Title'), 'Help from Acme')
    await type(byLabel(view.el, 'Colour'), '#aa0000')
    const name = byLabel(view.el, 'Ask for the name')
    name.value = 'Off'
    name.dispatchEvent(new Event('change'))
    await flush()
    expect(preview.textContent).toContain('Help from Acme')
    expect(preview.getAttribute('style')).toContain('#aa0000')
    expect(preview.textContent).not.toContain('Name')
  })

  it('saves the whole form with PUT and says so', async () => {
    const api = setup()
    view = mount(WidgetSettingsPage)
    await flush()
    await type(byLabel(view.el, 'Greeting'), 'Hello!')
    byRoleText(view.el, 'button', 'Add an opening').click()
    await flush()
    byRoleText(view.el, 'button', 'Save').closest('form').dispatchEvent(new Event('submit'))
    await flush()
    const body = api.settings.saveWidget.mock.calls[0][0]
    expect(body.greeting).toBe('Hello!')
    expect(body.businessHours.hours).toHaveLength(2)
    expect(body.identitySecret).toBeUndefined()
    expect(view.el.querySelector('[role="status"]').textContent).toBe('Settings saved.')
  })

  it('generates a new identity secret after confirmation', async () => {
    const api = setup()
    vi.stubGlobal('confirm', () => true)
    view = mount(WidgetSettingsPage)
    await flush()
    byRoleText(view.el, 'button', 'Generate a new secret').click()
    await flush()
    expect(api.settings.rotateIdentitySecret).toHaveBeenCalled()
    expect(byLabel(view.el, 'Identity secret').value).toBe('new-secret')
    vi.unstubAllGlobals()
  })
})
