import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { byLabel, byRoleText, flush, mount, type } from '../testUtils.js'
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
afterEach(() => {
  view?.unmount()
  vi.unstubAllGlobals()
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
})
