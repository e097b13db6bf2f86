// Prints, for each HTML entry, the JavaScript a browser loads on first view (the entry chunk plus its
// static imports, not lazy routes) raw and gzipped, from the Vite manifest. Run after `npm run build`.
//   node scripts/bundle-size.mjs            report
//   node scripts/bundle-size.mjs --max-widget-kb 60   also fail when the widget is bigger
import { readFileSync } from 'node:fs'
import { gzipSync } from 'node:zlib'

const dist = new URL('../dist/', import.meta.url)
const manifest = JSON.parse(readFileSync(new URL('.vite/manifest.json', dist), 'utf8'))

function staticClosure(key, seen = new Set()) {
  if (seen.has(key)) return seen
  seen.add(key)
  for (const dep of manifest[key].imports ?? []) staticClosure(dep, seen)
  return seen
}

const results = {}
for (const [key, chunk] of Object.entries(manifest)) {
  if (!chunk.isEntry) continue
  let raw = 0
  let gz = 0
  const files = []
  for (const k of staticClosure(key)) {
    const file = manifest[k].file
    if (!file.endsWith('.js')) continue
    const bytes = readFileSync(new URL(file, dist))
    raw += bytes.length
    gz += gzipSync(bytes, { level: 9 }).length
    files.push(file)
  }
  results[key] = { raw, gz, files }
  console.log(`${key.padEnd(12)} ${(raw / 1024).toFixed(1).padStart(7)} KB raw ${(gz / 1024).toFixed(1).padStart(6)} KB gzip  ${files.join(' ')}`)
}

const limitArg = process.argv.indexOf('--max-widget-kb')
if (limitArg !== -1) {
  const limit = Number(process.argv[limitArg + 1])
  const widget = results['widget.html']
  if (!widget || widget.gz / 1024 > limit) {
    console.error(`widget JS is ${(widget?.gz / 1024).toFixed(1)} KB gzipped, over ${limit} KB`)
    process.exit(1)
  }
}
