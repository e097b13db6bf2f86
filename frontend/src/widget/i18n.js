// The widget's own messages on top of the shared ones: English bundled, other languages loaded when chosen.
import { addMessages } from '../shared/i18n.js'
import en from './locales/en.json'

addMessages(en, { fr: () => import('./locales/fr.json') })

export { formatLocale, pickLanguage, setLanguage, t } from '../shared/i18n.js'
