import { beforeAll, describe, expect, it } from 'vitest'
import { createApp, h } from 'vue'
import MessageBody, { loadFormatter } from './components/MessageBody.js'
import { formatMessage } from './format.js'
import { flush } from '../testUtils.js'

async function render(text) {
  const el = document.createElement('div')
  const app = createApp({ render: () => h(MessageBody, { text }) })
  app.mount(el)
  await flush()
  return { el }
}

beforeAll(() => loadFormatter())

describe('formatMessage', () => {
  it('keeps plain text as one text node', () => {
    expect(formatMessage('Hello there')).toEqual([{ type: 'text', text: 'Hello there' }])
    expect(formatMessage('')).toEqual([])
    expect(formatMessage(null)).toEqual([])
  })

  it('understands bold, italic, inline code and line breaks', () => {
    expect(formatMessage('a **bold** b *it* c _also_ d `x < y`\nnext')).toEqual([
      { type: 'text', text: 'a ' },
      { type: 'strong', children: [{ type: 'text', text: 'bold' }] },
      { type: 'text', text: ' b ' },
      { type: 'em', children: [{ type: 'text', text: 'it' }] },
      { type: 'text', text: ' c ' },
      { type: 'em', children: [{ type: 'text', text: 'also' }] },
      { type: 'text', text: ' d ' },
      { type: 'code', text: 'x < y' },
      { type: 'text', text: '' },
      { type: 'br' },
      { type: 'text', text: 'next' },
    ].filter((n) => n.type !== 'text' || n.text))
  })

  it('nests italic in bold, and leaves lone or spaced markers and snake_case alone', () => {
    expect(formatMessage('**very _much_**')).toEqual([
      { type: 'strong', children: [{ type: 'text', text: 'very ' }, { type: 'em', children: [{ type: 'text', text: 'much' }] }] },
    ])
    expect(formatMessage('2 * 3 * 4, my_var_name, * not *, **')).toEqual([{ type: 'text', text: '2 * 3 * 4, my_var_name, * not *, **' }])
  })

  it('links http(s), www and e-mail addresses, but not other schemes or file names', () => {
    const nodes = formatMessage('See https://shop.example.com/orders?id=1, www.example.org or mail help@example.com. Not javascript:alert(1), ftp://x.org or main.js')
    const links = nodes.filter((n) => n.type === 'link')
    expect(links).toEqual([
      { type: 'link', href: 'https://shop.example.com/orders?id=1', text: 'https://shop.example.com/orders?id=1' },
      { type: 'link', href: 'http://www.example.org', text: 'www.example.org' },
      { type: 'link', href: 'mailto:help@example.com', text: 'help@example.com' },
    ])
  })

  it('does not italicise underscores or stars inside links, nor link inside code', () => {
    expect(formatMessage('https://x.com/a_b_c/*d*')).toEqual([{ type: 'link', href: 'https://x.com/a_b_c/*d*', text: 'https://x.com/a_b_c/*d*' }])
    expect(formatMessage('**https://x.com**')).toEqual([{ type: 'strong', children: [{ type: 'link', href: 'https://x.com', text: 'https://x.com' }] }])
    expect(formatMessage('`https://x.com`')).toEqual([{ type: 'code', text: 'https://x.com' }])
  })
})

describe('MessageBody', () => {
  it('renders links that open in a new tab without referrer or ranking', async () => {
    const { el } = await render('Track it at https://track.example.com/42')
    const a = el.querySelector('a')
    expect(a.getAttribute('href')).toBe('https://track.example.com/42')
    expect(a.getAttribute('target')).toBe('_blank')
    expect(a.getAttribute('rel')).toBe('noopener noreferrer nofollow')
    expect(a.textContent).toBe('https://track.example.com/42')
  })

  it.each([
    '<script>alert(1)</script>',
    '<img src=x onerror="alert(1)">',
    '**<b onmouseover=alert(1)>x</b>**',
    '[click](javascript:alert(1))',
    'https://example.com/"><svg onload=alert(1)>',
    '`<iframe src="javascript:alert(1)">`',
    'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
  ])('never turns message text into markup: %s', async (text) => {
    const { el } = await render(text)
    for (const node of el.querySelectorAll('*')) {
      expect(['P', 'A', 'STRONG', 'EM', 'CODE', 'BR']).toContain(node.tagName)
      for (const attr of node.attributes) {
        expect(['class', 'href', 'target', 'rel']).toContain(attr.name)
        if (attr.name === 'href') expect(attr.value).toMatch(/^(https?:\/\/|mailto:)/)
      }
    }
    // Everything typed is still there, as text.
    expect(el.textContent.replace(/\s+/g, '')).toBe(text.replace(/\*\*|`/g, '').replace(/\s+/g, ''))
  })
})
