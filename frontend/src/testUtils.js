// Small helpers for component tests (happy-dom), without extra test libraries.
import { createApp, h, nextTick } from 'vue'

/** Mounts a component into a fresh element in the document; returns the element and an unmount function. */
export function mount(component, { props = {}, plugins = [] } = {}) {
  const el = document.createElement('div')
  document.body.appendChild(el)
  const events = {}
  const listeners = Object.fromEntries(
    (component.emits ?? []).map((name) => [
      `on${name[0].toUpperCase()}${name.slice(1)}`,
      (...args) => (events[name] ??= []).push(args),
    ]),
  )
  const app = createApp({ render: () => h(component, { ...props, ...listeners }) })
  for (const p of plugins) app.use(p)
  app.mount(el)
  return { el, app, events, unmount: () => { app.unmount(); el.remove() } }
}

/** Finds an element by its accessible name as tests in a browser would: aria-label, <label>, or text. */
export function byLabel(root, name) {
  const labelled = root.querySelector(`[aria-label="${name}"]`)
  if (labelled) return labelled
  for (const label of root.querySelectorAll('label')) {
    if (label.textContent.trim().startsWith(name)) return label.querySelector('input, select, textarea')
  }
  return null
}

export function byRoleText(root, selector, text) {
  return [...root.querySelectorAll(selector)].find((e) => e.textContent.trim() === text) ?? null
}

export async function type(input, value) {
  input.value = value
  input.dispatchEvent(new Event('input', { bubbles: true }))
  await nextTick()
}

export async function flush() {
  for (let i = 0; i < 5; i++) {
    await nextTick()
    await new Promise((r) => setTimeout(r, 0))
  }
}

/** For vi.waitFor: its 1 s default is shorter than a lazy import (a locale, a page) takes on a loaded CI machine. */
export const WAIT = { timeout: 20000, interval: 20 }
