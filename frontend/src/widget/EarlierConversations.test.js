import { afterEach, describe, expect, it, vi } from 'vitest'
import { flush, mount } from '../testUtils.js'
import EarlierConversations from './EarlierConversations.vue'

let view
afterEach(() => view?.unmount())

describe('EarlierConversations', () => {
  it('lists the other conversations, each with its transcript', async () => {
    const api = {
      widget: {
        list: vi.fn(async () => [
          { id: 'c2', createdAt: '2025-02-01T10:00:00Z', lastMessagePreview: 'The new one' },
          { id: 'c1', createdAt: '2025-01-01T10:00:00Z', lastMessagePreview: 'About my order' },
        ]),
        transcript: vi.fn(async () => ({ blob: new Blob(['x']), fileName: 't.txt' })),
      },
    }
    URL.createObjectURL = vi.fn(() => 'blob:x')
    URL.revokeObjectURL = vi.fn()
    view = mount(EarlierConversations, { props: { api, currentId: 'c2' } })
    await flush()
    const items = view.el.querySelectorAll('[role="listitem"], li')
    expect(items).toHaveLength(1)
    expect(items[0].textContent).toContain('About my order')
    items[0].querySelector('button').click()
    await flush()
    expect(api.widget.transcript).toHaveBeenCalledWith('c1')
  })

  it('says so when there is none', async () => {
    view = mount(EarlierConversations, { props: { api: { widget: { list: async () => [{ id: 'c1' }] } }, currentId: 'c1' } })
    await flush()
    expect(view.el.textContent).toContain('No earlier conversations.')
  })
})
