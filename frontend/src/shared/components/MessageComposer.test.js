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
})
