import { afterEach, describe, expect, it } from 'vitest'
import { mount } from '../../testUtils.js'
import HighlightedText from './HighlightedText.vue'

let view
afterEach(() => view?.unmount())

describe('HighlightedText', () => {
  it('marks the matched ranges and keeps everything else as text', () => {
    view = mount(HighlightedText, { props: { text: 'Where is my order? I ordered it', highlights: [{ start: 12, length: 5 }, { start: 21, length: 7 }] } })
    expect([...view.el.querySelectorAll('mark')].map((m) => m.textContent)).toEqual(['order', 'ordered'])
    expect(view.el.textContent).toBe('Where is my order? I ordered it')
  })

  it('shows markup in the text as text and ignores ranges outside it', () => {
    view = mount(HighlightedText, { props: { text: '<img src=x onerror=alert(1)> order', highlights: [{ start: 29, length: 5 }, { start: 40, length: 3 }] } })
    expect(view.el.querySelector('img')).toBeNull()
    expect(view.el.querySelector('mark').textContent).toBe('order')
    expect(view.el.textContent).toBe('<img src=x onerror=alert(1)> order')
  })
})
