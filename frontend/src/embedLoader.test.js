// Tests public/widget.js, the one-line embed loader, by running it in a happy-dom page.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import source from '../public/widget.js?raw'

let mounted

function load(attrs = {}) {
  const script = document.createElement('script')
  // A non-JavaScript type keeps happy-dom from fetching it; the loader finds it by src all the same.
  script.setAttribute('type', 'text/x-chatapp-test')
  script.setAttribute('src', 'https://chat.example.com/widget.js')
  for (const [k, v] of Object.entries(attrs)) script.setAttribute(k, v)
  document.head.appendChild(script)
  // Runs as the loader would, with document.currentScript missing: it finds its own <script> tag.
  new Function(source)()
  return script
}

/** A message from the widget iframe, as the loader receives it. */
function fromWidget(data) {
  window.dispatchEvent(new MessageEvent('message', { data: { source: 'chatapp-widget', ...data }, origin: 'https://chat.example.com' }))
}

beforeEach(() => {
  delete window.__chatappWidget
  document.head.innerHTML = ''
  document.body.innerHTML = ''
  document.title = 'Shop'
  mounted = []
  // happy-dom cannot load the widget page into an iframe (and logs that it won't), so the loader's
  // root element is kept detached and inspected directly.
  vi.spyOn(document.body, 'appendChild').mockImplementation((el) => {
    mounted.push(el)
    return el
  })
})
afterEach(() => {
  delete window.__chatappWidget
  delete window.ChatApp
})

describe('embed loader', () => {
  it('adds a chat bubble that opens an iframe on the script origin', () => {
    load({ 'data-color': '#0a7d5a', 'data-greeting': 'Hello there' })
    expect(mounted).toHaveLength(1)
    const root = mounted[0]
    const button = root.querySelector('button[aria-label="Open chat"]')
    expect(button).not.toBeNull()
    const frame = root.querySelector('iframe[title="ChatApp chat"]')
    const src = new URL(frame.getAttribute('src'))
    expect(src.origin).toBe('https://chat.example.com')
    expect(src.pathname).toBe('/widget')
    expect(src.searchParams.get('color')).toBe('#0a7d5a')
    expect(src.searchParams.get('greeting')).toBe('Hello there')
    expect(src.searchParams.get('pageUrl')).toBe(location.href)
    expect(frame.style.display).toBe('none')
    expect(button.style.background).toContain('#0a7d5a')

    button.click()
    expect(frame.style.display).toBe('block')
    expect(button.getAttribute('aria-label')).toBe('Close chat')
    expect(button.getAttribute('aria-expanded')).toBe('true')
    button.click()
    expect(frame.style.display).toBe('none')
    expect(button.getAttribute('aria-label')).toBe('Open chat')
  })

  it('ignores a colour that could inject CSS', () => {
    load({ 'data-color': 'red;background:url(https://evil.test)' })
    const frame = mounted[0].querySelector('iframe')
    expect(new URL(frame.getAttribute('src')).searchParams.get('color')).toBeNull()
    expect(mounted[0].querySelector('button').style.background).not.toContain('evil')
  })

  it('takes colour, position and labels from the widget, unless the tag sets them', () => {
    load({ 'data-position': 'right' })
    fromWidget({ type: 'appearance', color: '#aa0000', position: 'Left', labels: { open: 'Ouvrir le chat' } })
    const root = mounted[0]
    const button = root.querySelector('button')
    expect(button.style.background).toContain('#aa0000')
    expect(root.style.right).toBe('20px') // the tag said right
    expect(button.getAttribute('aria-label')).toBe('Ouvrir le chat')
  })

  it('offers window.ChatApp: open, close and unread events; the bubble names the unread count', () => {
    load()
    const button = mounted[0].querySelector('button')
    const frame = mounted[0].querySelector('iframe')
    const counts = []
    window.ChatApp.on('unread', (n) => counts.push(n))
    fromWidget({ type: 'unread', count: 3 })
    expect(counts).toEqual([0, 3])
    expect(button.getAttribute('aria-label')).toBe('Open chat, 3 unread messages')
    fromWidget({ type: 'unread', count: 1 })
    expect(button.getAttribute('aria-label')).toBe('Open chat, 1 unread message')
    window.ChatApp.open()
    expect(frame.style.display).toBe('block')
    expect(counts).toEqual([0, 3, 1, 0])
    expect(window.ChatApp.isOpen).toBe(true)
    window.ChatApp.close()
    expect(frame.style.display).toBe('none')
    expect(button.getAttribute('aria-label')).toBe('Open chat')
  })

  it('counts unread messages in the page title only when the tag asks for it', () => {
    load()
    fromWidget({ type: 'unread', count: 2 })
    expect(document.title).toBe('Shop')
    delete window.__chatappWidget
    document.body.innerHTML = ''
    mounted.length = 0
    load({ 'data-unread-title': '' })
    fromWidget({ type: 'unread', count: 2 })
    expect(document.title).toBe('(2) Shop')
    window.ChatApp.open()
    expect(document.title).toBe('Shop')
  })

  it('refuses setUser without an identifier hash', () => {
    load()
    expect(() => window.ChatApp.setUser({ identifier: 'c-1' })).toThrow(/identifierHash/)
  })

  it('loads only once per page', () => {
    load()
    load()
    expect(mounted).toHaveLength(1)
  })
})
