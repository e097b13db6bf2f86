import { describe, expect, it } from 'vitest'
import { beep, createTitleCounter } from './notify.js'

describe('createTitleCounter', () => {
  it('prefixes the title with the unread count and restores it', () => {
    const doc = { title: 'Chat' }
    const counter = createTitleCounter(doc)
    counter.add()
    counter.add()
    expect(doc.title).toBe('(2) Chat')
    expect(counter.count).toBe(2)
    counter.reset()
    expect(doc.title).toBe('Chat')
    counter.setBase('Support')
    expect(doc.title).toBe('Support')
  })
})

describe('beep', () => {
  it('does not throw where there is no WebAudio', () => {
    expect(() => beep()).not.toThrow()
  })
})
