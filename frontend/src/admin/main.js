import { createPinia } from 'pinia'
import { createApp, watch } from 'vue'
import '../shared/base.css'
import './admin.css'
import { createAdminRouter } from '../router.js'
import { createApiClient } from '../shared/api.js'
import { unlockAudioOnFirstGesture } from '../shared/notify.js'
import App from './App.vue'
import { adminLanguage, setLanguage } from './i18n.js'
import { setServices } from './services.js'
import { useAuthStore } from './stores/auth.js'

const app = createApp(App)
const pinia = createPinia()
app.use(pinia)

const auth = useAuthStore(pinia)
// A 401 on a request that carried the token means the session is over (expired, or user deactivated).
setServices({ api: createApiClient({ getToken: () => auth.token, onUnauthorized: () => auth.expire() }) })

const router = createAdminRouter(auth)
watch(
  () => auth.token,
  (token) => {
    const current = router.currentRoute.value
    if (!token && !current.meta.public) {
      router.replace({ name: 'login', query: current.fullPath ? { redirect: current.fullPath } : {} })
    }
  },
)

unlockAudioOnFirstGesture()
setLanguage(adminLanguage())
app.use(router)
app.mount('#app')
