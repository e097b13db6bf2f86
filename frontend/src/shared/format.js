// Safe message formatting. A message is plain text; this turns it into a small tree of nodes that MessageBody renders
// as Vue elements, so no HTML from a message ever reaches the page: text is always a text node, and the only
// attributes written are a link's href (http, https or mailto only), target and rel.
//
// Understood: **bold**, *italic* or _italic_, `inline code`, line breaks, and links (http(s)://…, www.…, e-mail
// addresses) found by linkify-it. Nothing else of Markdown: no headings, images, raw HTML or [text](url) links.

import { LinkifyIt } from 'linkify-it'

/**
 * @typedef {{ type: 'text', text: string }
 *   | { type: 'br' }
 *   | { type: 'code', text: string }
 *   | { type: 'link', href: string, text: string }
 *   | { type: 'strong' | 'em', children: FormatNode[] }} FormatNode
 */

// Links without a scheme are recognised only for these endings, so "main.js" or "notes.md" stay text.
const TLDS = 'com org net edu gov io co dev app ai me info biz shop store eu uk de fr es it nl be ch at se no dk fi pl pt ie cz us ca au nz in jp'
  .split(' ')

const linkify = new LinkifyIt({ fuzzyLink: true, fuzzyEmail: true, fuzzyIP: false })
  .add('ftp:', null)
  .add('//', null)
  .tlds(TLDS)

const SAFE_HREF = /^(https?:\/\/|mailto:)/i

// Emphasis, in the order tried at the same position. Delimiters must hug the text (`* not this *`), and a single
// * or _ inside a word (snake_case, 2*3*4) is not emphasis.
const EMPHASIS = [
  { type: 'strong', re: /\*\*(?=\S)([^\n]*?\S)\*\*/u },
  { type: 'em', re: /(?<![\p{L}\p{N}*])\*([^\s*](?:[^\n*]*[^\s*])?)\*(?![\p{L}\p{N}*])/u },
  { type: 'em', re: /(?<![\p{L}\p{N}_])_([^\s_](?:[^\n_]*[^\s_])?)_(?![\p{L}\p{N}_])/u },
]

// Placeholders for links while emphasis is parsed (private-use characters; any in the message are replaced first).
const PLACEHOLDER_BASE = 0xe000
const PLACEHOLDERS = /[\ue000-\uf8ff]/gu

/**
 * @param {string | null | undefined} text
 * @returns {FormatNode[]}
 */
export function formatMessage(text) {
  if (!text) return []
  const clean = String(text).replace(PLACEHOLDERS, '\ufffd')
  /** @type {FormatNode[]} */
  const nodes = []
  // Code spans first: nothing inside them is formatted or linked.
  const code = /`([^`\n]+)`/g
  let last = 0
  for (const match of clean.matchAll(code)) {
    nodes.push(...formatProse(clean.slice(last, match.index)))
    nodes.push({ type: 'code', text: match[1] })
    last = match.index + match[0].length
  }
  nodes.push(...formatProse(clean.slice(last)))
  return nodes
}

/** Text outside code spans: links become placeholders, then emphasis is parsed around them. */
function formatProse(text) {
  if (!text) return []
  /** @type {{ href: string, text: string }[]} */
  const links = []
  let withPlaceholders = ''
  let last = 0
  for (const match of linkify.match(text) ?? []) {
    if (!SAFE_HREF.test(match.url) || links.length > 0x18ff) continue
    withPlaceholders += text.slice(last, match.index) + String.fromCharCode(PLACEHOLDER_BASE + links.length)
    links.push({ href: match.url, text: match.text })
    last = match.lastIndex
  }
  withPlaceholders += text.slice(last)
  return parseEmphasis(withPlaceholders, links)
}

function parseEmphasis(text, links) {
  /** @type {FormatNode[]} */
  const nodes = []
  let rest = text
  while (rest) {
    let best = null
    for (const rule of EMPHASIS) {
      const match = rule.re.exec(rest)
      if (match && (!best || match.index < best.match.index)) best = { rule, match }
    }
    if (!best) break
    nodes.push(...plain(rest.slice(0, best.match.index), links))
    nodes.push({ type: best.rule.type, children: parseEmphasis(best.match[1], links) })
    rest = rest.slice(best.match.index + best.match[0].length)
  }
  nodes.push(...plain(rest, links))
  return nodes
}

/** Plain text: placeholders back to links, line breaks to <br>. */
function plain(text, links) {
  /** @type {FormatNode[]} */
  const nodes = []
  let buffer = ''
  const flush = () => {
    if (buffer) nodes.push({ type: 'text', text: buffer })
    buffer = ''
  }
  for (const ch of text) {
    const code = ch.codePointAt(0)
    if (ch === '\n') {
      flush()
      nodes.push({ type: 'br' })
    } else if (ch === '\r') {
      // \r\n counts once.
    } else if (code >= PLACEHOLDER_BASE && code < PLACEHOLDER_BASE + links.length) {
      flush()
      nodes.push({ type: 'link', ...links[code - PLACEHOLDER_BASE] })
    } else {
      buffer += ch
    }
  }
  flush()
  return nodes
}
