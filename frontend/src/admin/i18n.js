// The admin app's own messages on top of the shared ones: English bundled, other languages loaded when chosen.
// The language is the user's choice (kept in this browser), or the browser's.
import { addMessages, LANGUAGES, pickLanguage, setLanguage } from '../shared/i18n.js'
import en from './locales/en.json'

addMessages(en, { fr: () => import('./locales/fr.json') })

export const ADMIN_LANGUAGE_KEY = 'chatapp.adminLanguage'

/** The language to show: the one chosen in this browser, otherwise the browser's own. */
export function adminLanguage(storage = globalThis.localStorage, browserLanguages = globalThis.navigator?.languages) {
  let chosen = null
  try {
    chosen = storage?.getItem(ADMIN_LANGUAGE_KEY)
  } catch {
    // storage blocked: follow the browser
  }
  return pickLanguage(LANGUAGES.includes(chosen) ? chosen : 'auto', browserLanguages ?? [])
}

export async function chooseAdminLanguage(lang, storage = globalThis.localStorage) {
  try {
    storage?.setItem(ADMIN_LANGUAGE_KEY, lang)
  } catch {
    // not remembered, still applied
  }
  return setLanguage(lang)
}

export { currentLanguage, formatLocale, LANGUAGE_NAMES, LANGUAGES, setLanguage, t } from '../shared/i18n.js'
