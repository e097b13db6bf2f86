/*! ChatApp embed loader: <script src="https://chat.example.com/widget.js" async></script>
 * Optional attributes: data-color="#0a7d5a" data-greeting="Hi!" data-position="left" data-language="fr"
 * data-unread-title (show "(2) " before the page title while messages are unread).
 * Host-page API: window.ChatApp.open(), .close(), .setUser({ identifier, identifierHash, name, email }), .logout(),
 * .on('unread' | 'open' | 'close' | 'ready', fn), .off(event, fn); the 'chatapp:ready' window event says it exists. */
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
  var safeColor = /^(#[0-9a-f]{3,8}|(rgb|rgba|hsl|hsla)\([0-9.,%\s/-]+\)|[a-z]{3,20})$/i
  var tagColor = script.getAttribute('data-color') || ''
  if (!safeColor.test(tagColor)) tagColor = ''
  var color = tagColor || '#1f6feb'
  var tagPosition = (script.getAttribute('data-position') || '').toLowerCase()
  var position = tagPosition === 'left' ? 'left' : 'right'
  var greeting = script.getAttribute('data-greeting') || ''
  var language = script.getAttribute('data-language') || ''
  var titleAttr = script.getAttribute('data-unread-title')
  var unreadInTitle = titleAttr !== null && titleAttr !== 'false'

  // English until the widget tells its language's words.
  var labels = {
    open: 'Open chat',
    close: 'Close chat',
    openUnreadOne: 'Open chat, 1 unread message',
    openUnread: 'Open chat, {n} unread messages',
  }

  var open = false
  var unread = 0
  var ready = false
  var pending = []
  var listeners = {}
  var baseTitle = document.title
  // The widget cannot tell a phone from its own (narrow) frame: the loader tells it.
  var phone = window.matchMedia ? window.matchMedia('(max-width: 480px)') : { matches: false }

  var style = document.createElement('style')
  style.textContent =
    // Phone width: the open chat takes the whole screen; the widget shows its own close button.
    '@media (max-width: 480px){' +
    '#chatapp-widget.chatapp-open{inset:0!important}' +
    '#chatapp-widget.chatapp-open #chatapp-frame{position:fixed!important;inset:0!important;width:100%!important;' +
    'height:100%!important;max-width:none!important;max-height:none!important;border-radius:0!important}' +
    '#chatapp-widget.chatapp-open #chatapp-bubble{display:none!important}}'

  var root = document.createElement('div')
  root.id = 'chatapp-widget'

  var params = new URLSearchParams({ pageUrl: location.href })
  if (tagColor) params.set('color', tagColor)
  if (greeting) params.set('greeting', greeting)
  if (language) params.set('language', language)

  var frame = document.createElement('iframe')
  frame.id = 'chatapp-frame'
  frame.title = 'ChatApp chat'
  frame.src = origin + '/widget?' + params.toString()

  var button = document.createElement('button')
  button.id = 'chatapp-bubble'
  button.type = 'button'
  button.setAttribute('aria-expanded', 'false')
  button.setAttribute('aria-controls', 'chatapp-frame')
  var chatIcon =
    '<svg aria-hidden="true" width="28" height="28" viewBox="0 0 24 24"><path fill="currentColor" d="M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H8l-5 4V5a2 2 0 0 1 1-2z"/></svg>'
  var closeIcon =
    '<svg aria-hidden="true" width="26" height="26" viewBox="0 0 24 24"><path fill="currentColor" d="M18.3 5.7 12 12l6.3 6.3-1.4 1.4L10.6 13.4 4.3 19.7 2.9 18.3 9.2 12 2.9 5.7 4.3 4.3l6.3 6.3 6.3-6.3z"/></svg>'

  var badge = document.createElement('span')
  badge.setAttribute('aria-hidden', 'true')
  badge.style.cssText =
    'display:none;position:absolute;top:-4px;right:-4px;min-width:20px;height:20px;padding:0 5px;border-radius:10px;' +
    'background:#d93025;color:#fff;font-size:12px;line-height:20px;text-align:center;font-weight:600'

  function layout() {
    var side = position === 'left' ? 'left' : 'right'
    root.style.cssText = 'position:fixed;' + side + ':20px;bottom:20px;z-index:2147483000;font-family:system-ui,sans-serif'
    frame.style.cssText =
      'display:' + (open ? 'block' : 'none') + ';position:absolute;' + side + ':0;bottom:72px;width:370px;height:560px;' +
      'max-width:calc(100vw - 40px);max-height:calc(100vh - 110px);border:0;border-radius:12px;' +
      'box-shadow:0 8px 32px rgba(0,0,0,.22);background:#fff'
    button.style.cssText =
      'width:58px;height:58px;border-radius:50%;border:0;cursor:pointer;color:#fff;background:' + color + ';' +
      'box-shadow:0 4px 16px rgba(0,0,0,.25);display:flex;align-items:center;justify-content:center;position:relative;padding:0'
  }

  function emit(event, value) {
    var list = (listeners[event] || []).slice()
    for (var i = 0; i < list.length; i++) {
      try { list[i](value) } catch (e) { setTimeout(function () { throw e }) }
    }
  }

  function post(message) {
    message.source = 'chatapp-loader'
    if (!ready || !frame.contentWindow) {
      pending.push(message)
      return
    }
    frame.contentWindow.postMessage(message, origin)
  }

  function bubbleLabel() {
    if (open) return labels.close
    if (unread === 1) return labels.openUnreadOne
    if (unread > 1) return labels.openUnread.replace('{n}', String(unread))
    return labels.open
  }

  function renderTitle() {
    if (!unreadInTitle) return // the page's title is the site's own unless it asked
    var counted = /^\(\d+\) /
    var plain = counted.test(document.title) ? document.title.replace(counted, '') : document.title
    if (plain !== baseTitle) baseTitle = plain
    var wanted = unreadInTitle && unread > 0 && !open ? '(' + unread + ') ' + baseTitle : baseTitle
    if (document.title !== wanted) document.title = wanted
  }

  function render() {
    root.className = open ? 'chatapp-open' : ''
    frame.style.display = open ? 'block' : 'none'
    button.setAttribute('aria-label', bubbleLabel())
    button.setAttribute('aria-expanded', open ? 'true' : 'false')
    button.innerHTML = open ? closeIcon : chatIcon
    badge.textContent = unread > 9 ? '9+' : String(unread)
    badge.style.display = unread > 0 && !open ? 'block' : 'none'
    button.appendChild(badge)
    renderTitle()
  }

  function setUnread(count) {
    count = open ? 0 : Math.max(0, Number(count) || 0)
    if (count === unread) return
    unread = count
    render()
    emit('unread', unread)
  }

  function setOpen(value) {
    value = !!value
    if (value === open) return
    open = value
    if (open) setUnread(0)
    render()
    post({ type: 'state', open: open, phone: phone.matches })
    emit(open ? 'open' : 'close')
    if (open) {
      try { frame.focus() } catch (e) { /* focus is a nicety */ }
    } else if (root.contains(document.activeElement) || document.activeElement === frame) {
      button.focus()
    }
  }

  button.addEventListener('click', function () { setOpen(!open) })
  window.addEventListener('message', function (event) {
    if (event.origin !== origin || event.source !== frame.contentWindow) return
    var data = event.data
    if (!data || data.source !== 'chatapp-widget') return
    if (data.type === 'ready') {
      ready = true
      var queued = pending
      pending = []
      post({ type: 'state', open: open, phone: phone.matches })
      for (var i = 0; i < queued.length; i++) post(queued[i])
      emit('ready')
    } else if (data.type === 'close') setOpen(false)
    else if (data.type === 'unread') setUnread(data.count)
    else if (data.type === 'appearance') {
      if (!tagColor && typeof data.color === 'string' && safeColor.test(data.color)) color = data.color
      if (!tagPosition && (data.position === 'Left' || data.position === 'Right')) position = data.position.toLowerCase()
      var l = data.labels || {}
      for (var key in labels) if (typeof l[key] === 'string' && l[key]) labels[key] = l[key]
      layout()
      render()
    }
  })
  document.addEventListener('visibilitychange', renderTitle)
  if (phone.addEventListener) {
    phone.addEventListener('change', function () { post({ type: 'state', open: open, phone: phone.matches }) })
  }

  layout()
  root.appendChild(frame)
  root.appendChild(button)
  render()

  function mount() {
    document.head.appendChild(style)
    document.body.appendChild(root)
  }
  if (document.body) mount()
  else document.addEventListener('DOMContentLoaded', mount)

  var api = {
    open: function () { setOpen(true) },
    close: function () { setOpen(false) },
    /** A signed-in customer: identifierHash = hex HMAC-SHA256(identifier) with the identity secret (admin settings). */
    setUser: function (user) {
      if (!user || !user.identifier || !user.identifierHash) throw new Error('ChatApp.setUser needs identifier and identifierHash')
      post({
        type: 'setUser',
        user: { identifier: String(user.identifier), identifierHash: String(user.identifierHash), name: user.name || '', email: user.email || '' },
      })
    },
    /** The customer signed out: the widget forgets them on this device. */
    logout: function () { post({ type: 'logout' }) },
    on: function (event, fn) {
      if (typeof fn === 'function') (listeners[event] = listeners[event] || []).push(fn)
      if (event === 'unread' && typeof fn === 'function') fn(unread)
    },
    off: function (event, fn) {
      listeners[event] = (listeners[event] || []).filter(function (f) { return f !== fn })
    },
    get unread() { return unread },
    get isOpen() { return open },
  }
  window.__chatappWidget = api
  window.ChatApp = api
  window.dispatchEvent(new Event('chatapp:ready'))
})()
