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
    expect(new URL(frame.getAttribute('src')).searchParams.get('color')).toBe('#1f6feb')
  })

  it('loads only once per page', () => {
    load()
    load()
    expect(mounted).toHaveLength(1)
  })
})
