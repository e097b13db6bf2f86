import { describe, expect, it, vi } from 'vitest'
import { isSafeColor, postToHost, readWidgetSettings } from './embed.js'

describe('readWidgetSettings', () => {
  it('prefers the pageUrl parameter over the referrer', () => {
    expect(readWidgetSettings('?pageUrl=https%3A%2F%2Fshop.test%2Fcart&color=%23ff0066&greeting=Hi', 'https://ref.test/')).toEqual({ pageUrl: 'https://shop.test/cart', color: '#ff0066', greeting: 'Hi', language: '' })
    expect(readWidgetSettings('', 'https://ref.test/').pageUrl).toBe('https://ref.test/')
  })

  it('drops a colour that could inject CSS', () => {
    expect(readWidgetSettings('?color=red;background:url(x)', '').color).toBeNull()
    expect(isSafeColor('rgb(10, 20, 30)')).toBe(true)
    expect(isSafeColor('teal')).toBe(true)
    expect(isSafeColor('expression(alert(1))')).toBe(false)
  })
})

describe('postToHost', () => {
  it('posts to the parent only when embedded', () => {
    const parent = { postMessage: vi.fn() }
    postToHost({ type: 'unread', count: 2 }, { parent })
    expect(parent.postMessage).toHaveBeenCalledWith({ source: 'chatapp-widget', type: 'unread', count: 2 }, '*')
    const top = {}
    top.parent = top
    top.postMessage = vi.fn()
    postToHost({ type: 'unread', count: 1 }, top)
    expect(top.postMessage).not.toHaveBeenCalled()
  })
})
