/*! ChatApp embed loader: <script src="https://chat.example.com/widget.js" data-color="#0a7d5a" data-greeting="Hi!" async></script> */
(function () {
  'use strict'
  if (window.__chatappWidget) return

  var script = document.currentScript
  if (!script) {
    var all = document.querySelectorAll('script[src*="widget.js"]')
    script = all[all.length - 1]
  }
  if (!script) return

  var origin = new URL(script.src, location.href).origin
  var color = script.getAttribute('data-color') || '#1f6feb'
  var greeting = script.getAttribute('data-greeting') || ''
  if (!/^(#[0-9a-f]{3,8}|(rgb|rgba|hsl|hsla)\([0-9.,%\s/-]+\)|[a-z]{3,20})$/i.test(color)) color = '#1f6feb'

  var open = false
  var unread = 0
  var baseTitle = document.title

  var root = document.createElement('div')
  root.id = 'chatapp-widget'
  root.style.cssText = 'position:fixed;right:20px;bottom:20px;z-index:2147483000;font-family:system-ui,sans-serif'

  var params = new URLSearchParams({ pageUrl: location.href })
  if (script.hasAttribute('data-color')) params.set('color', color)
  if (greeting) params.set('greeting', greeting)

  var frame = document.createElement('iframe')
  frame.id = 'chatapp-frame'
  frame.title = 'ChatApp chat'
  frame.src = origin + '/widget?' + params.toString()
  frame.style.cssText =
    'display:none;position:absolute;right:0;bottom:72px;width:370px;height:560px;' +
    'max-width:calc(100vw - 40px);max-height:calc(100vh - 110px);border:0;border-radius:12px;' +
    'box-shadow:0 8px 32px rgba(0,0,0,.22);background:#fff'

  var button = document.createElement('button')
  button.type = 'button'
  button.setAttribute('aria-label', 'Open chat')
  button.setAttribute('aria-expanded', 'false')
  button.setAttribute('aria-controls', 'chatapp-frame')
  button.style.cssText =
    'width:58px;height:58px;border-radius:50%;border:0;cursor:pointer;color:#fff;background:' + color + ';' +
    'box-shadow:0 4px 16px rgba(0,0,0,.25);display:flex;align-items:center;justify-content:center;position:relative;padding:0'
  var chatIcon =
    '<svg aria-hidden="true" width="28" height="28" viewBox="0 0 24 24"><path fill="currentColor" d="M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H8l-5 4V5a2 2 0 0 1 1-2z"/></svg>'
  var closeIcon =
    '<svg aria-hidden="true" width="26" height="26" viewBox="0 0 24 24"><path fill="currentColor" d="M18.3 5.7 12 12l6.3 6.3-1.4 1.4L10.6 13.4 4.3 19.7 2.9 18.3 9.2 12 2.9 5.7 4.3 4.3l6.3 6.3 6.3-6.3z"/></svg>'
  button.innerHTML = chatIcon

  var badge = document.createElement('span')
  badge.setAttribute('aria-hidden', 'true')
  badge.style.cssText =
    'display:none;position:absolute;top:-4px;right:-4px;min-width:20px;height:20px;padding:0 5px;border-radius:10px;' +
    'background:#d93025;color:#fff;font-size:12px;line-height:20px;text-align:center;font-weight:600'

  function post(message) {
    if (!frame.contentWindow) return
    message.source = 'chatapp-loader'
    frame.contentWindow.postMessage(message, origin)
  }

  function render() {
    frame.style.display = open ? 'block' : 'none'
    button.setAttribute('aria-label', open ? 'Close chat' : 'Open chat')
    button.setAttribute('aria-expanded', open ? 'true' : 'false')
    button.innerHTML = open ? closeIcon : chatIcon
    badge.textContent = unread > 9 ? '9+' : String(unread)
    badge.style.display = unread > 0 && !open ? 'block' : 'none'
    button.appendChild(badge)
    button.title = unread > 0 && !open ? unread + ' unread' : ''
    if (unread > 0 && document.hidden) document.title = '(' + unread + ') ' + baseTitle
    else if (document.title !== baseTitle && /^\(\d+\) /.test(document.title)) document.title = baseTitle
  }

  function setOpen(value) {
    open = value
    if (open) unread = 0
    render()
    post({ type: 'state', open: open })
    if (open) {
      try { frame.focus() } catch (e) { /* focus is a nicety */ }
    }
  }

  button.addEventListener('click', function () { setOpen(!open) })
  frame.addEventListener('load', function () { post({ type: 'state', open: open }) })
  document.addEventListener('visibilitychange', function () {
    if (!document.hidden && !/^\(\d+\) /.test(baseTitle)) {
      if (document.title !== baseTitle && /^\(\d+\) /.test(document.title)) document.title = baseTitle
    }
  })
  window.addEventListener('message', function (event) {
    if (event.origin !== origin || event.source !== frame.contentWindow) return
    var data = event.data
    if (!data || data.source !== 'chatapp-widget') return
    if (data.type === 'ready') post({ type: 'state', open: open })
    else if (data.type === 'close') setOpen(false)
    else if (data.type === 'unread') {
      unread = open ? 0 : Math.max(0, Number(data.count) || 0)
      render()
    }
  })

  root.appendChild(frame)
  root.appendChild(button)
  render()

  function mount() { document.body.appendChild(root) }
  if (document.body) mount()
  else document.addEventListener('DOMContentLoaded', mount)

  window.__chatappWidget = {
    open: function () { setOpen(true) },
    close: function () { setOpen(false) },
  }
})()
