import { afterEach, describe, expect, it } from 'vitest'
import { byRoleText, mount } from '../../testUtils.js'
import MessageList from './MessageList.vue'

let view
afterEach(() => view?.unmount())

const own = (m) => m.senderKind === 'Visitor'
const label = (m) => (!m || m.senderKind === 'Visitor' ? 'You' : m.senderName || 'Support')

describe('MessageList', () => {
  it('renders each message as a listitem in a list named "Messages"', () => {
    view = mount(MessageList, {
      props: {
        messages: [
          { id: 1, clientMessageId: 'a', senderKind: 'Visitor', body: 'Hello <b>there</b>', createdAt: '2025-01-01T10:00:00Z' },
          { id: 2, clientMessageId: 'b', senderKind: 'Operator', senderName: 'Sam', body: 'Hi!', createdAt: '2025-01-01T10:01:00Z',
            attachment: { id: 'x', url: '/uploads/cat.png', fileName: 'cat.png', contentType: 'image/png', size: 10 } },
          { id: 3, clientMessageId: 'c', senderKind: 'Operator', body: '', createdAt: '2025-01-01T10:02:00Z',
            attachment: { id: 'y', url: '/uploads/r.pdf', fileName: 'receipt.pdf', contentType: 'application/pdf', size: 2048 } },
        ],
        isOwn: own,
        senderLabel: label,
      },
    })
    const list = view.el.querySelector('[role="list"][aria-label="Messages"]')
    expect(list).not.toBeNull()
    const items = list.querySelectorAll('[role="listitem"]')
    expect(items).toHaveLength(3)
    // Text is text: no HTML from a message body is ever rendered.
    expect(items[0].querySelector('b')).toBeNull()
    expect(items[0].textContent).toContain('Hello <b>there</b>')
    expect(items[0].textContent).toContain('Sent')
    expect(items[1].querySelector('img').getAttribute('alt')).toBe('cat.png')
    expect(items[1].textContent).toContain('Sam')
    const file = items[2].querySelector('a.file')
    expect(file.getAttribute('href')).toBe('/uploads/r.pdf')
    expect(file.textContent).toContain('receipt.pdf')
  })

  it('shows outbox states and a Retry button for a failed message', async () => {
    view = mount(MessageList, {
      props: {
        messages: [],
        outbox: [
          { clientMessageId: 'p1', body: 'on its way', state: 'sending', file: null },
          { clientMessageId: 'p2', body: 'lost', state: 'failed', error: 'Connection lost', file: null },
        ],
        isOwn: own,
        senderLabel: label,
      },
    })
    const items = view.el.querySelectorAll('[role="listitem"]')
    expect(items[0].dataset.state).toBe('sending')
    expect(items[0].textContent).toContain('Sending…')
    expect(items[1].textContent).toContain('Failed to send')
    const retry = byRoleText(items[1], 'button', 'Retry')
    retry.click()
    expect(view.events.retry).toEqual([['p2']])
    expect(byRoleText(items[0], 'button', 'Retry')).toBeNull()
  })
})
