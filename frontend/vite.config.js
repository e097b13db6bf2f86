import { fileURLToPath, URL } from 'node:url'
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import VueI18nPlugin from '@intlify/unplugin-vue-i18n/vite'
import { entryRoutesPlugin } from './vite/entryRoutes.js'

// The AppHost passes the API's address the Aspire way (service discovery variable) and the port in PORT.
const apiUrl = process.env.services__api__http__0 || 'http://127.0.0.1:5080'
const port = Number(process.env.PORT) || 5173

const proxy = {
  '/api': { target: apiUrl, xfwd: true },
  '/hubs': { target: apiUrl, ws: true, xfwd: true },
  '/uploads': { target: apiUrl, xfwd: true },
}

const page = (name) => fileURLToPath(new URL(name, import.meta.url))

export default defineConfig(({ command }) => ({
  plugins: [
    vue(),
    // Locale files (src/**/locales/*.json) are compiled to functions at build time, so the pages ship the small
    // runtime-only petite-vue-i18n without its message compiler.
    VueI18nPlugin({
      module: 'petite-vue-i18n',
      include: [page('./src/**/locales/*.json')],
      runtimeOnly: true,
      compositionOnly: true,
      fullInstall: false,
      strictMessage: false,
      // Only built pages leave the compiler out (the dev server and Vitest keep it).
      dropMessageCompiler: command === 'build',
    }),
    entryRoutesPlugin(),
  ],
  // Three separate pages: the demo shop, the visitor widget and the admin app. The widget entry never
  // imports admin code, so its bundle stays small.
  appType: 'mpa',
  // No vue-i18n devtools hook in production builds.
  define: { __INTLIFY_PROD_DEVTOOLS__: 'false' },
  server: { host: '127.0.0.1', port, strictPort: true, proxy },
  preview: { host: '127.0.0.1', port, strictPort: true, proxy },
  build: {
    // dist/.vite/manifest.json lets scripts/bundle-size.mjs add up what each page loads.
    manifest: true,
    rolldownOptions: {
      input: {
        main: page('./index.html'),
        widget: page('./widget.html'),
        admin: page('./admin.html'),
      },
      // Named vendor chunks, cached across pages; each page still loads only what it imports.
      output: {
        codeSplitting: {
          groups: [
            { name: 'vue', test: /node_modules[\\/]@?vue[\\/]/ },
            { name: 'signalr', test: /node_modules[\\/]@microsoft[\\/]signalr[\\/]/ },
          ],
        },
      },
    },
  },
  test: {
    environment: 'happy-dom',
    include: ['src/**/*.test.js', 'vite/**/*.test.js'],
    restoreMocks: true,
    // Route tests import pages on demand; on a loaded 2-core CI machine that alone can pass Vitest's 5 s default.
    testTimeout: 30000,
  },
}))
