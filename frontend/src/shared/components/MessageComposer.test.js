import { afterEach, describe, expect, it } from 'vitest'
import { nextTick } from 'vue'
import { byLabel, byRoleText, mount, type } from '../../testUtils.js'
import MessageComposer from './MessageComposer.vue'

let view
afterEach(() => view?.unmount())

describe('MessageComposer', () => {
  it('has a Message box, a Send button and an Attach file input', () => {
    view = mount(MessageComposer)
    expect(byLabel(view.el, 'Message').tagName).toBe('TEXTAREA')
    expect(byLabel(view.el, 'Attach file').getAttribute('type')).toBe('file')
    expect(byRoleText(view.el, 'button', 'Send').disabled).toBe(true)
  })

  it('sends on Send and on Enter, then clears; reports typing', async () => {
    view = mount(MessageComposer)
    const box = byLabel(view.el, 'Message')
    await type(box, 'Hello')
    expect(view.events.typing.at(-1)).toEqual([true])
    byRoleText(view.el, 'button', 'Send').click()
    await nextTick()
    expect(view.events.send).toEqual([[{ body: 'Hello', file: null }]])
    expect(box.value).toBe('')
    expect(view.events.typing.at(-1)).toEqual([false])

    await type(box, 'Second')
    box.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }))
    await nextTick()
    expect(view.events.send.at(-1)).toEqual([{ body: 'Second', file: null }])
  })

  it('stages a chosen file and sends it with the message', async () => {
    view = mount(MessageComposer)
    const input = byLabel(view.el, 'Attach file')
    const file = new File(['x'], 'photo.png', { type: 'image/png' })
    Object.defineProperty(input, 'files', { value: [file], configurable: true })
    input.dispatchEvent(new Event('change', { bubbles: true }))
    await nextTick()
    expect(view.el.textContent).toContain('photo.png')
    expect(view.el.querySelector('[aria-label="Remove attachment"]')).not.toBeNull()
    byRoleText(view.el, 'button', 'Send').click()
    await nextTick()
    expect(view.events.send[0][0].file).toBe(file)
  })

  describe('"/" menu', () => {
    const canned = [
      { id: '1', label: '/hello', detail: 'Greeting', text: 'Hello! How can I help?' },
      { id: '2', label: '/help', detail: 'Help centre', text: 'See https://help.example.com' },
    ]
    const suggest = (q) => canned.filter((c) => c.label.slice(1).startsWith(q))

    function keydown(box, key) {
      box.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }))
      return nextTick()
    }

    async function typeAtEnd(box, value) {
      box.value = value
      box.setSelectionRange(value.length, value.length)
      box.dispatchEvent(new Event('input', { bubbles: true }))
      await nextTick()
    }

    it('offers matches for "/" plus letters and inserts the chosen text with Enter, without sending', async () => {
      view = mount(MessageComposer, { props: { suggest, suggestLabel: 'Canned responses' } })
      const box = byLabel(view.el, 'Message')
      await typeAtEnd(box, 'Hi /he')
      const list = view.el.querySelector('[role="listbox"][aria-label="Canned responses"]')
      expect([...list.querySelectorAll('[role="option"]')].map((o) => o.textContent)).toEqual(['/helloGreeting', '/helpHelp centre'])
      expect(box.getAttribute('aria-activedescendant')).toBe(list.querySelector('[aria-selected="true"]').id)

      await keydown(box, 'ArrowDown')
      expect(list.querySelector('[aria-selected="true"]').textContent).toContain('/help')
      await keydown(box, 'Enter')
      expect(box.value).toBe('Hi See https://help.example.com')
      expect(view.events.send).toBeUndefined()
      expect(view.el.querySelector('[role="listbox"]')).toBeNull()

      await keydown(box, 'Enter')
      expect(view.events.send).toEqual([[{ body: 'Hi See https://help.example.com', file: null }]])
    })

    it('closes with Escape, and ignores "/" inside a word or a URL', async () => {
      view = mount(MessageComposer, { props: { suggest } })
      const box = byLabel(view.el, 'Message')
      await typeAtEnd(box, '/h')
      expect(view.el.querySelector('[role="listbox"]')).not.toBeNull()
      await keydown(box, 'Escape')
      expect(view.el.querySelector('[role="listbox"]')).toBeNull()
      await typeAtEnd(box, 'see https://he')
      expect(view.el.querySelector('[role="listbox"]')).toBeNull()
      await typeAtEnd(box, 'either/he')
      expect(view.el.querySelector('[role="listbox"]')).toBeNull()
    })

    it('is off without a suggest function (the widget)', async () => {
      view = mount(MessageComposer)
      const box = byLabel(view.el, 'Message')
      await typeAtEnd(box, '/he')
      expect(view.el.querySelector('[role="listbox"]')).toBeNull()
    })
  })
})
