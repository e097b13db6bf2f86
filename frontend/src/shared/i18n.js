// The UI's languages (petite-vue-i18n, messages precompiled from the locales/*.json files at build time; petite
// resolves keys as they are, so the files are flat: "thread.sent": "Sent"). One
// instance a page: the widget and the admin app each add their own messages to the shared ones. English is bundled;
// other languages are loaded when chosen, so they cost nothing to those who do not use them.
import { createI18n } from 'petite-vue-i18n'
import en from './locales/en.json'

export const LANGUAGES = ['en', 'fr']
/** Names of the languages, each in itself, for language pickers. */
export const LANGUAGE_NAMES = { en: 'English', fr: 'Français' }

export const i18n = createI18n({
  legacy: false,
  locale: 'en',
  fallbackLocale: 'en',
  messages: { en },
  missingWarn: false,
  fallbackWarn: false,
})

/** Translates a key; reactive in templates (a change of language re-renders). */
export const t = (...args) => i18n.global.t(...args)

const loaders = { fr: [() => import('./locales/fr.json')] }

/**
 * Adds a page's own messages: English at once, other languages as loaders run when the language is chosen.
 * @param {Record<string, any>} english
 * @param {Record<string, () => Promise<{ default: Record<string, any> }>>} lazy
 */
export function addMessages(english, lazy = {}) {
  i18n.global.mergeLocaleMessage('en', english)
  for (const [lang, loader] of Object.entries(lazy)) (loaders[lang] ??= []).push(loader)
}

function primary(tag) {
  return String(tag || '').toLowerCase().split('-')[0]
}

/**
 * The language to speak: the setting when it names a supported language, otherwise (`auto`) the first of the
 * browser's languages that is supported, otherwise English.
 */
export function pickLanguage(setting, browserLanguages = globalThis.navigator?.languages ?? []) {
  if (LANGUAGES.includes(setting)) return setting
  return browserLanguages.map(primary).find((l) => LANGUAGES.includes(l)) ?? 'en'
}

const loaded = new Set(['en'])
let latest = 0

/** Loads a language's messages (once) and switches to it; when called again meanwhile, the last call wins. */
export async function setLanguage(lang) {
  if (!LANGUAGES.includes(lang)) lang = 'en'
  const call = ++latest
  if (!loaded.has(lang)) {
    const modules = await Promise.all((loaders[lang] ?? []).map((load) => load()))
    for (const m of modules) i18n.global.mergeLocaleMessage(lang, m.default ?? m)
    loaded.add(lang)
  }
  if (call !== latest) return currentLanguage()
  i18n.global.locale.value = lang
  if (globalThis.document) document.documentElement.lang = lang
  return lang
}

export function currentLanguage() {
  return i18n.global.locale.value
}

/**
 * The locale for dates and numbers: the visitor's own browser locale when it is in the language shown (en-GB
 * keeps its 24-hour clock), otherwise the language itself.
 */
export function formatLocale(browserLanguages = globalThis.navigator?.languages ?? []) {
  const lang = currentLanguage()
  return browserLanguages.find((l) => primary(l) === lang) ?? lang
}
