import { afterEach, describe, expect, it } from 'vitest'
import { currentLanguage, formatLocale, pickLanguage, setLanguage, t } from './i18n.js'
import { formatTime } from './messages.js'

afterEach(() => setLanguage('en'))

describe('languages', () => {
  it('follows the setting, else the browser, else English', () => {
    expect(pickLanguage('fr', ['en-US'])).toBe('fr')
    expect(pickLanguage('auto', ['de-DE', 'fr-CA', 'en'])).toBe('fr')
    expect(pickLanguage('auto', ['de-DE'])).toBe('en')
    expect(pickLanguage('xx', [])).toBe('en')
  })

  it('loads French when chosen and translates with it', async () => {
    expect(t('thread.retry')).toBe('Retry')
    await setLanguage('fr')
    expect(currentLanguage()).toBe('fr')
    expect(document.documentElement.lang).toBe('fr')
    expect(t('thread.retry')).toBe('Réessayer')
    expect(t('typing.one', { name: 'Sam' })).toBe('Sam écrit…')
  })

  it('formats dates in the visitor’s own locale for the language shown', async () => {
    expect(formatLocale(['en-GB', 'fr-FR'])).toBe('en-GB')
    await setLanguage('fr')
    expect(formatLocale(['en-GB', 'fr-CA'])).toBe('fr-CA')
    expect(formatLocale(['en-GB'])).toBe('fr')
    const at = '2025-03-03T14:05:00Z'
    expect(formatTime(at, new Date('2025-06-01T00:00:00Z'), 'fr')).toBe(new Date(at).toLocaleDateString('fr', { day: 'numeric', month: 'short' }) + ' ' + new Date(at).toLocaleTimeString('fr', { hour: '2-digit', minute: '2-digit' }))
  })
})
