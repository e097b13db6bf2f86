import { afterEach, describe, expect, it } from 'vitest'
import { acceptList, formatLimit, refusal, ruleText } from './fileRules.js'
import { setLanguage } from './i18n.js'

// What GET /api/widget/settings publishes by default (the server's UploadRules).
const rules = {
  maxBytes: 10 * 1024 * 1024,
  contentTypes: ['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'application/pdf', 'text/plain'],
  extensions: ['.png', '.jpg', '.jpeg', '.gif', '.webp', '.pdf', '.txt'],
  typeNames: ['PNG', 'JPEG', 'GIF', 'WebP', 'PDF', 'plain text (.txt)'],
  rule: 'Allowed: PNG, JPEG, GIF, WebP, PDF or plain text (.txt), up to 10 MB.',
}

afterEach(() => setLanguage('en'))

describe('file rules', () => {
  it('formats a limit as the server does', () => {
    expect(formatLimit(10 * 1024 * 1024)).toBe('10 MB')
    expect(formatLimit(1.5 * 1024 * 1024)).toBe('1.5 MB')
    expect(formatLimit(1024)).toBe('1 KB')
    expect(formatLimit(12)).toBe('12 bytes')
  })

  it('in English, uses the server’s own rule text, which the translation template also produces', () => {
    expect(ruleText(rules)).toBe(rules.rule)
    expect(ruleText({ ...rules, rule: '' })).toBe(rules.rule)
  })

  it('refuses a type or a size the server would refuse, naming the file and the rule', () => {
    expect(refusal({ name: 'setup.exe', size: 100, type: 'application/x-msdownload' }, rules))
      .toBe(`“setup.exe” cannot be sent. ${rules.rule}`)
    expect(refusal({ name: 'scan.pdf', size: 11 * 1024 * 1024, type: 'application/pdf' }, rules))
      .toBe(`“scan.pdf” is 11 MB, over the limit. ${rules.rule}`)
    expect(refusal({ name: 'photo.PNG', size: 2000, type: '' }, rules)).toBe('')
    expect(refusal({ name: 'photo', size: 2000, type: 'image/jpeg' }, rules)).toBe('')
    expect(refusal({ name: 'anything.exe', size: 1, type: 'x' }, null)).toBe('')
  })

  it('speaks the page’s language', async () => {
    await setLanguage('fr')
    expect(refusal({ name: 'a.exe', size: 1, type: '' }, rules))
      .toBe('« a.exe » ne peut pas être envoyé. Autorisés : PNG, JPEG, GIF, WebP, PDF ou plain text (.txt), jusqu’à 10 MB.')
  })

  it('builds the file input’s accept list', () => {
    expect(acceptList(rules)).toContain('image/png')
    expect(acceptList(rules)).toContain('.txt')
    expect(acceptList(null)).toBe('')
  })
})
