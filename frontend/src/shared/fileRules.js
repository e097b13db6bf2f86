// The upload rule the server publishes in GET /api/widget/settings (`uploads`): the composer refuses the same
// files before uploading, in the same words (the server's own `rule` text when the page speaks English).
import { currentLanguage, t } from './i18n.js'

/** "10 MB", "1.5 MB", "500 KB", "12 bytes", as the server writes a size. */
export function formatLimit(bytes) {
  const one = (n) => String(Math.round(n * 10) / 10)
  if (bytes >= 1024 * 1024) return `${one(bytes / 1024 / 1024)} MB`
  if (bytes >= 1024) return `${one(bytes / 1024)} KB`
  return `${bytes} bytes`
}

/** The rule as a sentence in the page's language. */
export function ruleText(rules) {
  if (currentLanguage() === 'en' && rules.rule) return rules.rule
  const names = rules.typeNames ?? []
  return t('composer.rule', { types: names.slice(0, -1).join(', '), last: names[names.length - 1] ?? '', size: formatLimit(rules.maxBytes) })
}

function extensionOf(name) {
  const dot = String(name || '').lastIndexOf('.')
  return dot < 0 ? '' : name.slice(dot).toLowerCase()
}

/** The file input's `accept` list. */
export function acceptList(rules) {
  return [...(rules?.contentTypes ?? []), ...(rules?.extensions ?? [])].join(',')
}

/**
 * Why a picked file would be refused, as text for the person, or '' when it may be sent. The type is judged by
 * what the browser says and the name's ending; the server still checks the bytes.
 * @param {{ name: string, size: number, type?: string }} file
 * @param {{ maxBytes: number, contentTypes: string[], extensions: string[], typeNames: string[], rule: string } | null} rules
 */
export function refusal(file, rules) {
  if (!rules || !file) return ''
  if (!rules.contentTypes.includes(file.type) && !rules.extensions.includes(extensionOf(file.name))) {
    return t('composer.refusedType', { name: file.name, rule: ruleText(rules) })
  }
  if (file.size > rules.maxBytes) {
    return t('composer.refusedSize', { name: file.name, size: formatLimit(file.size), rule: ruleText(rules) })
  }
  return ''
}
