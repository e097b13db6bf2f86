import { afterEach, describe, expect, it, vi } from 'vitest'
import { byLabel, byRoleText, flush, mount, type } from '../../testUtils.js'
import { setServices } from '../services.js'
import WebhooksPage from './WebhooksPage.vue'

const EVENTS = ['conversation.created', 'conversation.assigned', 'conversation.closed', 'message.created', 'rating.created']
const hook = { id: 'w1', url: 'https://crm.example.com/hooks', description: null, events: ['conversation.created'], enabled: true, secret: null }

let view
afterEach(() => {
  view?.unmount()
  vi.restoreAllMocks()
})

function setup() {
  const api = {
    webhooks: {
      list: vi.fn(async () => [hook]),
      events: vi.fn(async () => EVENTS),
      get: vi.fn(async () => ({ ...hook, secret: 'whsec_abc' })),
      create: vi.fn(async (body) => ({ ...body, id: 'w2', secret: 'whsec_new' })),
      update: vi.fn(async (id, body) => ({ ...hook, ...body, id })),
      remove: vi.fn(async () => null),
      rotateSecret: vi.fn(async () => ({ ...hook, secret: 'whsec_rotated' })),
      deliveries: vi.fn(async () => [
        { deliveryId: 'd1', event: 'conversation.created', status: 'Failed', attempts: 3, lastStatusCode: 500, lastError: 'The receiver answered 500.', createdAt: '2026-11-25T10:00:00Z', lastAttemptAt: '2026-11-25T10:05:00Z', nextAttemptAt: null },
      ]),
      sendTest: vi.fn(async () => ({ deliveryId: 'd2' })),
      redeliver: vi.fn(async () => ({ deliveryId: 'd3' })),
    },
  }
  setServices({ api })
  return api
}

describe('WebhooksPage', () => {
  it('adds a webhook with the chosen events and shows its secret', async () => {
    const api = setup()
    view = mount(WebhooksPage)
    await flush()
    const form = view.el.querySelector('form[aria-label="Add a webhook"]')
    await type(byLabel(form, 'URL'), ' https://hooks.example.com/chat ')
    const message = [...form.querySelectorAll('input[type="checkbox"]')].find((c) => c.value === 'message.created')
    message.click()
    await flush()
    form.querySelector('button[type="submit"]').click()
    await flush()
    expect(api.webhooks.create).toHaveBeenCalledWith({
      url: 'https://hooks.example.com/chat', description: '', enabled: true,
      events: EVENTS.filter((e) => e !== 'message.created'),
    })
    expect(byLabel(view.el, 'Signing secret').value).toBe('whsec_abc')
    expect(byLabel(view.el, 'Signing secret').type).toBe('text')
  })

  it('lists recent deliveries with status, attempts and response, and redelivers or sends a test', async () => {
    const api = setup()
    view = mount(WebhooksPage)
    await flush()
    byLabel(view.el, 'Manage https://crm.example.com/hooks').click()
    await flush()
    const row = view.el.querySelector('[aria-label="Recent deliveries"] tbody tr')
    expect(row.textContent).toContain('Failed')
    expect(row.textContent).toContain('3')
    expect(row.textContent).toContain('500')
    expect(byLabel(view.el, 'Signing secret').type).toBe('password')

    byLabel(view.el, 'Redeliver conversation.created').click()
    await flush()
    expect(api.webhooks.redeliver).toHaveBeenCalledWith('w1', 'd1')
    byRoleText(view.el, 'button', 'Send test event').click()
    await flush()
    expect(api.webhooks.sendTest).toHaveBeenCalledWith('w1')
    expect(view.el.textContent).toContain('A test event is on its way.')
  })

  it('shows why the server refused a URL', async () => {
    const api = setup()
    api.webhooks.create.mockRejectedValueOnce(new Error('10.0.0.1 is a private address; webhooks may only reach public addresses.'))
    view = mount(WebhooksPage)
    await flush()
    const form = view.el.querySelector('form[aria-label="Add a webhook"]')
    await type(byLabel(form, 'URL'), 'http://10.0.0.1/x')
    form.querySelector('button[type="submit"]').click()
    await flush()
    expect(form.querySelector('[role="alert"]').textContent).toContain('private address')
  })
})
