import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { setLanguage } from '../shared/i18n.js'
import { byLabel, byRoleText, flush, mount, type, WAIT } from '../testUtils.js'
import WidgetApp from './WidgetApp.vue'
import { VISITOR_TOKEN_KEY } from './widgetStore.js'

// The hub is faked: these tests are about what the page shows, the connection has its own tests.
vi.mock('../shared/chatConnection.js', async (importOriginal) => {
  const actual = await importOriginal()
  return {
    ...actual,
    createChatConnection: () => ({
      isConnected: false,
      status: 'connecting',
      start: () => new Promise(() => {}),
      stop: async () => {},
      on: () => () => {},
      invoke: async () => [],
      onStatusChange: () => () => {},
      onConnected: () => () => {},
    }),
  }
})

let view
const session = {
  visitorToken: 'vt-1',
  visitorId: 'v1',
  conversation: { id: 'c1', status: 'Open', visitorName: 'Ada', createdAt: '2025-01-01T10:00:00Z', unreadCount: 0 },
}

function json(status, body) {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })
}

beforeEach(() => {
  localStorage.clear()
  history.replaceState({}, '', '/widget?pageUrl=https%3A%2F%2Fshop.test%2Fboots&greeting=Hello%20from%20Acme')
})
afterEach(async () => {
  view?.unmount()
  vi.unstubAllGlobals()
  await setLanguage('en')
})

const publicSettings = (extra = {}) => ({
  title: null,
  subtitle: null,
  greeting: null,
  color: '#0a7d5a',
  position: 'Right',
  preChat: { name: 'Optional', email: 'Optional' },
  defaultLanguage: 'auto',
  availability: { status: 'Online', nextOpeningAt: null },
  uploads: { maxBytes: 1024, contentTypes: ['image/png'], extensions: ['.png'], typeNames: ['PNG'], rule: 'Allowed: PNG, up to 1 KB.' },
  ...extra,
})

describe('WidgetApp', () => {
  it('starts a chat from the form and shows the thread and composer', async () => {
    const fetch = vi.fn(async (url, init) => {
      if (url === '/api/widget/conversations' && init.method === 'POST') return json(201, session)
      return json(404, { title: 'Not found' })
    })
    vi.stubGlobal('fetch', fetch)
    view = mount(WidgetApp)
    await flush()

    expect(view.el.textContent).toContain('Hello from Acme')
    await type(byLabel(view.el, 'Name'), 'Ada')
    await type(byLabel(view.el, 'Email'), 'ada@example.com')
    byRoleText(view.el, 'button', 'Start chat').click()
    await flush()

    const [, init] = fetch.mock.calls.find(([url]) => url === '/api/widget/conversations')
    expect(JSON.parse(init.body)).toEqual({ name: 'Ada', email: 'ada@example.com', pageUrl: 'https://shop.test/boots' })
    expect(localStorage.getItem(VISITOR_TOKEN_KEY)).toBe('vt-1')
    expect(view.el.querySelector('[role="list"][aria-label="Messages"]')).not.toBeNull()
    expect(byLabel(view.el, 'Message')).not.toBeNull()
    expect(byRoleText(view.el, 'button', 'Send')).not.toBeNull()
    expect(byLabel(view.el, 'Attach file')).not.toBeNull()
  })

  it('shows a closed conversation with "Start a new conversation"', async () => {
    localStorage.setItem(VISITOR_TOKEN_KEY, 'vt-old')
    vi.stubGlobal('fetch', vi.fn(async (url) => {
      if (url === '/api/widget/conversations/current') {
        return json(200, { ...session, conversation: { ...session.conversation, status: 'Closed' } })
      }
      if (String(url).startsWith('/api/widget/conversations/c1/messages')) {
        return json(200, [{ id: 1, conversationId: 'c1', clientMessageId: 'x', senderKind: 'Visitor', body: 'Earlier question', createdAt: '2025-01-01T10:00:00Z' }])
      }
      return new Promise(() => {})
    }))
    view = mount(WidgetApp)
    await flush()
    expect(view.el.textContent).toContain('This conversation was closed.')
    expect(view.el.querySelectorAll('[aria-label="Messages"] [role="listitem"]')).toHaveLength(1)
    expect(byRoleText(view.el, 'button', 'Start a new conversation')).not.toBeNull()
    expect(byLabel(view.el, 'Message')).toBeNull()
  })
  it('when the team is away, shows the next opening and asks for an e-mail and the message', async () => {
    const nextOpeningAt = '2030-01-07T08:00:00Z'
    const fetch = vi.fn(async (url, init) => {
      if (url === '/api/widget/settings') return json(200, publicSettings({ availability: { status: 'Away', nextOpeningAt } }))
      if (url === '/api/widget/conversations' && init.method === 'POST') return json(201, { ...session, conversation: { ...session.conversation, isOfflineMessage: true, visitorEmail: 'ada@example.com' } })
      return json(404, { title: 'Not found' })
    })
    vi.stubGlobal('fetch', fetch)
    view = mount(WidgetApp)
    await flush()

    expect(view.el.textContent).toContain('Away')
    expect(view.el.textContent).toContain('Back ' + new Date(nextOpeningAt).toLocaleString('en', { weekday: 'long', hour: '2-digit', minute: '2-digit' }))
    const form = view.el.querySelector('form[aria-label="Leave a message"]')
    expect(form).not.toBeNull()
    expect(byLabel(form, 'Email').required).toBe(true)
    await type(byLabel(form, 'Email'), 'ada@example.com')
    await type(byLabel(form, 'Your message'), 'Call me back')
    byRoleText(form, 'button', 'Send message').click()
    await flush()
    const [, init] = fetch.mock.calls.find(([url, i]) => url === '/api/widget/conversations' && i.method === 'POST')
    expect(JSON.parse(init.body)).toMatchObject({ email: 'ada@example.com', message: 'Call me back' })
    expect(view.el.textContent).toContain('will answer at ada@example.com')
    expect(document.documentElement.style.getPropertyValue('--accent')).toBe('#0a7d5a')
  })

  it('hides the pre-chat fields the admins turned off', async () => {
    vi.stubGlobal('fetch', vi.fn(async (url) =>
      url === '/api/widget/settings' ? json(200, publicSettings({ preChat: { name: 'Off', email: 'Required' } })) : json(404, {})))
    view = mount(WidgetApp)
    await flush()
    expect(byLabel(view.el, 'Name')).toBeNull()
    expect(byLabel(view.el, 'Email').required).toBe(true)
  })

  it('speaks French when the settings say so', async () => {
    vi.stubGlobal('fetch', vi.fn(async (url) =>
      url === '/api/widget/settings' ? json(200, publicSettings({ defaultLanguage: 'fr' })) : json(404, {})))
    view = mount(WidgetApp)
    await vi.waitFor(() => expect(view.el.querySelector('form[aria-label="Démarrer une conversation"]')).not.toBeNull(), WAIT)
    expect(byRoleText(view.el, 'button', 'Démarrer la conversation')).not.toBeNull()
    expect(view.el.textContent).toContain('En ligne')
  })

  it('asks a closed, unrated conversation for a rating and sends it', async () => {
    localStorage.setItem(VISITOR_TOKEN_KEY, 'vt-old')
    const closed = { ...session.conversation, status: 'Closed', rating: null }
    const fetch = vi.fn(async (url, init) => {
      if (url === '/api/widget/settings') return json(200, publicSettings())
      if (url === '/api/widget/conversations/current') return json(200, { ...session, conversation: closed })
      if (String(url).startsWith('/api/widget/conversations/c1/messages')) return json(200, [])
      if (url === '/api/widget/conversations/c1/rating') return json(200, { ...closed, rating: { score: 4, comment: 'Kind', ratedAt: '2025-01-01T11:00:00Z' } })
      return new Promise(() => {})
    })
    vi.stubGlobal('fetch', fetch)
    view = mount(WidgetApp)
    await vi.waitFor(() => expect(view.el.querySelector('form[aria-label="Rate this conversation"]')).not.toBeNull(), WAIT)
    const form = view.el.querySelector('form[aria-label="Rate this conversation"]')
    byLabel(form, '4 stars').click()
    await type(byLabel(form, 'Comment (optional)'), 'Kind')
    byRoleText(form, 'button', 'Send rating').click()
    await flush()
    const [, init] = fetch.mock.calls.find(([url]) => url === '/api/widget/conversations/c1/rating')
    expect(JSON.parse(init.body)).toEqual({ score: 4, comment: 'Kind' })
    expect(view.el.textContent).toContain('You rated this conversation 4 out of 5.')
    expect(view.el.querySelector('form[aria-label="Rate this conversation"]')).toBeNull()
  })

  it('refuses a file the server would refuse, before uploading, with the server’s rule', async () => {
    localStorage.setItem(VISITOR_TOKEN_KEY, 'vt-old')
    const fetch = vi.fn(async (url) => {
      if (url === '/api/widget/settings') return json(200, publicSettings())
      if (url === '/api/widget/conversations/current') return json(200, session)
      if (String(url).startsWith('/api/widget/conversations/c1/messages')) return json(200, [])
      return new Promise(() => {})
    })
    vi.stubGlobal('fetch', fetch)
    view = mount(WidgetApp)
    await flush()
    const input = byLabel(view.el, 'Attach file')
    Object.defineProperty(input, 'files', { value: [new File(['MZ'], 'setup.exe', { type: 'application/x-msdownload' })], configurable: true })
    input.dispatchEvent(new Event('change'))
    await flush()
    expect(view.el.querySelector('[role="alert"]').textContent).toBe('“setup.exe” cannot be sent. Allowed: PNG, up to 1 KB.')
    expect(byLabel(view.el, 'Remove attachment')).toBeNull()
    expect(fetch.mock.calls.some(([url]) => url === '/api/uploads')).toBe(false)
  })
})
