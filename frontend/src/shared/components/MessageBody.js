import { h, shallowRef } from 'vue'
import { LINK_ATTRIBUTES } from '../linkAttributes.js'

// The formatter (with linkify-it) loads on first use, after the page's first paint, which keeps it out of the widget's
// initial bundle (60 KB budget). Until it arrives, a message shows as plain text with its line breaks: the same text.
const formatter = shallowRef(null)
let loading = null

/** Starts loading the formatter once; resolves when it is ready. */
export function loadFormatter() {
  loading ??= import('../format.js').then((module) => {
    formatter.value = module.formatMessage
  })
  return loading
}

/** Renders a node tree from formatMessage as Vue elements: strings become escaped text nodes, never HTML. */
export function renderNodes(nodes) {
  return nodes.map((node) => {
    switch (node.type) {
      case 'text':
        return node.text
      case 'br':
        return h('br')
      case 'code':
        return h('code', node.text)
      case 'link':
        return h('a', { href: node.href, ...LINK_ATTRIBUTES }, node.text)
      case 'strong':
      case 'em':
        return h(node.type, renderNodes(node.children))
      default:
        return ''
    }
  })
}

function plainNodes(text) {
  return text.split('\n').flatMap((line, i) => (i === 0 ? [line] : [h('br'), line]))
}

/** A message's text with safe formatting (see ../format.js). */
export default {
  name: 'MessageBody',
  props: { text: { type: String, default: '' }, tag: { type: String, default: 'p' } },
  setup(props) {
    loadFormatter()
    return () => h(props.tag, { class: 'body' }, formatter.value ? renderNodes(formatter.value(props.text)) : plainNodes(props.text))
  },
}
