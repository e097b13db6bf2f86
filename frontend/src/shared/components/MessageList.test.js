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

  it('shows "Seen" on the last own message the other side has read, keeping "Sent"', async () => {
    const messages = [
      { id: 1, clientMessageId: 'a', senderKind: 'Visitor', body: 'one', createdAt: '2025-01-01T10:00:00Z' },
      { id: 2, clientMessageId: 'b', senderKind: 'Visitor', body: 'two', createdAt: '2025-01-01T10:01:00Z' },
      { id: 3, clientMessageId: 'c', senderKind: 'Operator', body: 'reply', createdAt: '2025-01-01T10:02:00Z' },
      { id: 4, clientMessageId: 'd', senderKind: 'Visitor', body: 'three', createdAt: '2025-01-01T10:03:00Z' },
    ]
    view = mount(MessageList, { props: { messages, isOwn: own, senderLabel: label, seenUpTo: 3 } })
    const items = [...view.el.querySelectorAll('[role="listitem"]')]
    expect(items.map((li) => li.textContent.includes('Seen'))).toEqual([false, true, false, false])
    expect(items[1].dataset.state).toBe('sent')
    expect(items[1].textContent).toContain('Sent')
    view.unmount()

    view = mount(MessageList, { props: { messages, isOwn: own, senderLabel: label } })
    expect(view.el.textContent).not.toContain('Seen')
    view.unmount()

    // seenFor: which messages may carry it (the admin view: any staff message).
    view = mount(MessageList, { props: { messages, isOwn: () => false, senderLabel: label, seenUpTo: 4, seenFor: (m) => m.senderKind === 'Operator' } })
    const staff = [...view.el.querySelectorAll('[role="listitem"]')]
    expect(staff.map((li) => li.textContent.includes('Seen'))).toEqual([false, false, true, false])
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
