import { afterEach, describe, expect, it, vi } from 'vitest'
import { actionFor, dispatchShortcut, isTypingTarget, onShortcut } from './shortcuts.js'

function key(key, target = document.body, extra = {}) {
  return { key, target, altKey: false, ctrlKey: false, metaKey: false, defaultPrevented: false, ...extra }
}

let offs = []
afterEach(() => {
  offs.forEach((off) => off())
  offs = []
})

describe('shortcuts', () => {
  it('maps single keys outside text boxes', () => {
    expect(['j', 'k', 'r', 'n', '/', '?', 'x'].map((k) => actionFor(key(k)))).toEqual(['next', 'previous', 'reply', 'note', 'search', 'help', null])
  })

  it('lets people type: single keys in a text box are text, Alt+arrows and Escape still act', () => {
    const textarea = document.createElement('textarea')
    const input = document.createElement('input')
    const checkbox = Object.assign(document.createElement('input'), { type: 'checkbox' })
    expect(actionFor(key('j', textarea))).toBeNull()
    expect(actionFor(key('/', input))).toBeNull()
    expect(actionFor(key('j', checkbox))).toBe('next')
    expect(actionFor(key('ArrowDown', textarea, { altKey: true }))).toBe('next')
    expect(actionFor(key('ArrowUp', textarea, { altKey: true }))).toBe('previous')
    expect(actionFor(key('Escape', textarea))).toBe('escape')
    expect(isTypingTarget(document.createElement('select'))).toBe(true)
  })

  it('leaves browser and system combinations alone', () => {
    expect(actionFor(key('k', document.body, { ctrlKey: true }))).toBeNull()
    expect(actionFor(key('r', document.body, { metaKey: true }))).toBeNull()
    expect(actionFor(key('j', document.body, { defaultPrevented: true }))).toBeNull()
  })

  it('offers an action to the pages until one handles it', () => {
    const first = vi.fn(() => false)
    const second = vi.fn((action) => action === 'next')
    offs.push(onShortcut(first), onShortcut(second))
    expect(dispatchShortcut('next')).toBe(true)
    expect(dispatchShortcut('reply')).toBe(false)
    expect(first).toHaveBeenCalledWith('next')
  })
})
