// ChatApp dashboard: one small script renders every page and keeps it live by polling the JSON API.
// All text from telemetry is set with textContent, never parsed as HTML.
'use strict';

const POLL_MS = 1500;
const main = document.getElementById('main');
const live = document.getElementById('live');
let current = null;      // the page on screen: { refresh(summary), dispose() }
let timer = null;
let lastSummary = null;

// ---------- helpers ----------
function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'text') el.textContent = v;
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}
const svg = (tag, attrs) => {
  const el = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, v);
  return el;
};
async function api(path, options) {
  const res = await fetch('/api' + path, { credentials: 'same-origin', ...options });
  if (res.status === 401) { location.href = '/login?returnUrl=' + encodeURIComponent(location.pathname + location.search); throw new Error('logged out'); }
  if (!res.ok) { let msg = res.statusText; try { msg = (await res.json()).error || msg; } catch { } throw new Error(msg); }
  return res.status === 204 ? null : res.json();
}
const post = (path) => api(path, { method: 'POST', headers: { 'X-Dashboard-Request': '1' } });
const pad = (n, w = 2) => String(n).padStart(w, '0');
function time(ms, withDate) {
  if (ms === null || ms === undefined) return '';
  const d = new Date(ms);
  const t = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
  return withDate ? `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${t}` : t;
}
function duration(ms) {
  if (ms >= 1000) return (ms / 1000).toFixed(2) + ' s';
  if (ms >= 1) return ms.toFixed(ms >= 100 ? 0 : 1) + ' ms';
  return (ms * 1000).toFixed(0) + ' μs';
}
function number(v) {
  if (v === null || v === undefined) return '–';
  const a = Math.abs(v);
  return a >= 100 ? v.toFixed(0) : a >= 10 ? v.toFixed(1) : a >= 1 ? v.toFixed(2) : v.toFixed(3);
}
const params = () => new URLSearchParams(location.search);
function setParams(values) {
  const p = params();
  for (const [k, v] of Object.entries(values)) { if (v === '' || v === null || v === undefined || v === false) p.delete(k); else p.set(k, v); }
  const qs = p.toString();
  history.replaceState(null, '', location.pathname + (qs ? '?' + qs : ''));
}
function kvTable(rows, label) {
  if (!rows.length) return h('p', { class: 'muted', text: 'none' });
  return h('table', { class: 'kv', 'aria-label': label },
    h('tbody', {}, rows.map(r => h('tr', {}, h('td', { text: r.name }), h('td', { text: r.value })))));
}
function select(label, options, value, onchange) {
  const s = h('select', { 'aria-label': label, onchange: e => onchange(e.target.value) },
    options.map(o => h('option', { value: o.value, text: o.label })));
  s.value = value;
  return h('label', {}, label, s);
}
function textInput(label, value, oninput, type = 'search') {
  let t;
  const input = h('input', { type, value: value || '', 'aria-label': label,
    oninput: e => { clearTimeout(t); t = setTimeout(() => oninput(e.target.value), 250); } });
  return h('label', {}, label, input);
}
function checkbox(label, checked, onchange) {
  const c = h('input', { type: 'checkbox', onchange: e => onchange(e.target.checked) });
  c.checked = !!checked;
  return h('label', { class: 'check' }, c, label);
}
function serviceOptions(allLabel, names) {
  return [{ value: '', label: allLabel }, ...names.map(n => ({ value: n, label: n }))];
}
function refillSelect(labelEl, options, keep) {
  const s = labelEl.querySelector('select');
  const wanted = options.map(o => o.value).join('\n');
  if (s.dataset.opts === wanted) return;
  s.dataset.opts = wanted;
  s.replaceChildren(...options.map(o => h('option', { value: o.value, text: o.label })));
  s.value = keep;
}

// ---------- pages ----------
const pages = {};

pages.resources = () => {
  const expanded = new Set();
  const status = h('p', { class: 'muted', role: 'status' });
  const body = h('div');
  main.replaceChildren(h('h1', { text: 'Resources' }), status, body);

  async function act(name, action, button) {
    button.disabled = true;
    status.textContent = `${action} ${name}…`;
    try { await post(`/resources/${encodeURIComponent(name)}/${action}`); status.textContent = `${action} ${name}: done`; }
    catch (e) { status.textContent = `${action} ${name} failed: ${e.message}`; }
    finally { button.disabled = false; refresh(); }
  }
  async function refresh() {
    const resources = await api('/resources');
    if (!resources.length) { body.replaceChildren(h('p', { class: 'empty', text: 'No resources: the dashboard runs without the AppHost engine.' })); return; }
    const rows = [];
    for (const r of resources) {
      const running = ['Running', 'Starting', 'Waiting'].includes(r.state);
      const toggle = h('button', { class: 'link', 'aria-expanded': String(expanded.has(r.name)), 'aria-label': `Details of ${r.name}`,
        onclick: () => { expanded.has(r.name) ? expanded.delete(r.name) : expanded.add(r.name); refresh(); } }, expanded.has(r.name) ? '▾' : '▸');
      rows.push(h('tr', { 'data-resource': r.name },
        h('td', {}, toggle, ' ', h('strong', { text: r.name })),
        h('td', { text: r.kind }),
        h('td', {}, h('span', { class: 'badge ' + r.state, text: r.state }), r.exitCode !== null && !running ? h('span', { class: 'muted', text: ` (exit ${r.exitCode})` }) : null),
        h('td', {}, r.health ? h('span', { class: 'badge ' + r.health, text: r.health }) : h('span', { class: 'muted', text: '–' })),
        h('td', { text: r.startedAt ? time(r.startedAt, true) : '' }),
        h('td', {}, r.endpoints.map(u => /^https?:/.test(u) ? h('div', {}, h('a', { href: u, target: '_blank', rel: 'noopener noreferrer', text: u })) : h('div', { class: 'mono', text: u }))),
        h('td', {}, h('div', { class: 'actions' },
          h('button', { 'aria-label': `Stop ${r.name}`, disabled: !running, onclick: e => act(r.name, 'stop', e.currentTarget) }, 'Stop'),
          h('button', { 'aria-label': `Start ${r.name}`, disabled: running || r.state === 'Stopping', onclick: e => act(r.name, 'start', e.currentTarget) }, 'Start'),
          h('button', { 'aria-label': `Restart ${r.name}`, disabled: r.state === 'Stopping', onclick: e => act(r.name, 'restart', e.currentTarget) }, 'Restart'),
          h('a', { href: '/consolelogs?resource=' + encodeURIComponent(r.name), 'aria-label': `Console logs of ${r.name}` }, 'Logs')))));
      if (expanded.has(r.name)) {
        rows.push(h('tr', { class: 'details' }, h('td', { colspan: 7 },
          r.reason ? h('p', {}, h('strong', { text: 'Reason: ' }), r.reason) : null,
          h('p', { class: 'muted', text: `Process id: ${r.processId ?? '–'}${r.stoppedAt ? ' · stopped ' + time(r.stoppedAt, true) : ''}` }),
          h('h2', { text: 'Environment' }), kvTable(r.environment, `Environment of ${r.name}`))));
      }
    }
    body.replaceChildren(h('table', { 'aria-label': 'Resources' },
      h('thead', {}, h('tr', {}, ['Name', 'Kind', 'State', 'Health', 'Started', 'Endpoints', 'Actions'].map(c => h('th', { text: c })))),
      h('tbody', {}, rows)));
  }
  return { refresh, always: true };
};

pages.consolelogs = () => {
  let resource = params().get('resource') || '';
  let filter = params().get('filter') || '';
  let lines = [], after = 0, names = [];
  const box = h('div', { class: 'console', role: 'log', 'aria-label': 'Console output', tabindex: '0' });
  const pick = select('Resource', [], resource, v => { resource = v; setParams({ resource: v }); lines = []; after = 0; box.replaceChildren(); refresh(); });
  const toolbar = h('div', { class: 'toolbar' }, pick,
    textInput('Filter', filter, v => { filter = v; setParams({ filter: v }); redraw(); }),
    h('button', { onclick: () => { lines = []; box.replaceChildren(); } }, 'Clear view'));
  main.replaceChildren(h('h1', { text: 'Console logs' }), toolbar, box);

  const lineEl = l => h('div', { class: 'line' + (l.isError ? ' err' : '') }, h('span', { class: 'ts', text: time(l.time) }), l.text);
  const matches = l => !filter || l.text.toLowerCase().includes(filter.toLowerCase());
  function redraw() { box.replaceChildren(...lines.filter(matches).map(lineEl)); box.scrollTop = box.scrollHeight; }
  async function refresh(summary) {
    if (summary && summary.resources.join() !== names.join()) {
      names = summary.resources;
      if (!resource && names.length) { resource = names.includes('api') ? 'api' : names[0]; setParams({ resource }); }
      refillSelect(pick, names.map(n => ({ value: n, label: n })), resource);
    }
    if (!resource) { if (!names.length) box.replaceChildren(h('div', { class: 'line', text: 'No resources.' })); return; }
    const data = await api(`/console/${encodeURIComponent(resource)}?after=${after}`);
    if (!data.lines.length) return;
    const atBottom = box.scrollTop + box.clientHeight >= box.scrollHeight - 20;
    after = data.lines[data.lines.length - 1].seq;
    lines.push(...data.lines);
    if (lines.length > 5000) { lines = lines.slice(-5000); redraw(); }
    else box.append(...data.lines.filter(matches).map(lineEl));
    if (atBottom) box.scrollTop = box.scrollHeight;
  }
  return { refresh, always: true };
};

const LEVELS = ['Trace', 'Debug', 'Information', 'Warning', 'Error', 'Critical'];

pages.structuredlogs = () => {
  const p = params();
  const state = { service: p.get('resource') || '', level: p.get('level') || '', text: p.get('text') || '', traceId: p.get('traceId') || '' };
  const open = new Set();
  const pick = select('Resource', serviceOptions('All resources', []), state.service, v => { state.service = v; changed(); });
  const chip = h('span');
  const body = h('div');
  main.replaceChildren(h('h1', { text: 'Structured logs' }),
    h('div', { class: 'toolbar' }, pick,
      select('Minimum level', [{ value: '', label: 'All levels' }, ...LEVELS.map(l => ({ value: l, label: l }))], state.level, v => { state.level = v; changed(); }),
      textInput('Filter', state.text, v => { state.text = v; changed(); }), chip),
    body);
  function changed() { setParams({ resource: state.service, level: state.level, text: state.text, traceId: state.traceId }); refresh(null, true); }
  function drawChip() {
    chip.replaceChildren(state.traceId ? h('span', { class: 'chip' }, 'trace ' + state.traceId.slice(0, 12) + '… ',
      h('button', { class: 'link', 'aria-label': 'Remove trace filter', onclick: () => { state.traceId = ''; drawChip(); changed(); } }, '×')) : '');
  }
  drawChip();
  let version = -1;
  async function refresh(summary, force) {
    if (summary) refillSelect(pick, serviceOptions('All resources', summary.services), state.service);
    if (!force && summary && summary.version === version) return;
    version = summary ? summary.version : version;
    const q = new URLSearchParams({ service: state.service, level: state.level, text: state.text, traceId: state.traceId, limit: '500' });
    const logs = await api('/logs?' + q);
    if (!logs.length) { body.replaceChildren(h('p', { class: 'empty', text: 'No log records match.' })); return; }
    const rows = [];
    for (const l of logs) {
      const key = String(l.id);
      rows.push(h('tr', {},
        h('td', { class: 'mono', text: time(l.time) }),
        h('td', { text: l.service }),
        h('td', {}, h('span', { class: 'badge ' + l.level, text: l.level })),
        h('td', {}, h('div', { class: 'msg', text: l.message }), l.category ? h('div', { class: 'muted mono', text: l.category }) : null),
        h('td', {}, l.traceId ? h('a', { href: '/traces/' + l.traceId, 'aria-label': 'View trace ' + l.traceId }, 'View trace') : ''),
        h('td', {}, h('button', { class: 'link', 'aria-expanded': String(open.has(key)), 'aria-label': 'Attributes of log ' + key,
          onclick: () => { open.has(key) ? open.delete(key) : open.add(key); refresh(null, true); } }, `${l.attributes.length} attributes`))));
      if (open.has(key)) {
        const extra = [{ name: 'trace id', value: l.traceId || '' }, { name: 'span id', value: l.spanId || '' }, { name: 'event', value: l.eventName || '' }].filter(x => x.value);
        rows.push(h('tr', { class: 'details' }, h('td', { colspan: 6 }, kvTable([...l.attributes, ...extra], 'Log attributes'))));
      }
    }
    body.replaceChildren(h('table', { 'aria-label': 'Structured logs' },
      h('thead', {}, h('tr', {}, ['Time', 'Resource', 'Level', 'Message', 'Trace', 'Details'].map(c => h('th', { text: c })))),
      h('tbody', {}, rows)));
  }
  return { refresh };
};

pages.traces = () => {
  const p = params();
  const state = { service: p.get('resource') || '', text: p.get('text') || '', errors: p.get('errors') === 'true', min: p.get('minDurationMs') || '' };
  const pick = select('Resource', serviceOptions('All resources', []), state.service, v => { state.service = v; changed(); });
  const body = h('div');
  main.replaceChildren(h('h1', { text: 'Traces' }),
    h('div', { class: 'toolbar' }, pick,
      textInput('Name or trace id', state.text, v => { state.text = v; changed(); }),
      textInput('Minimum duration (ms)', state.min, v => { state.min = v; changed(); }, 'number'),
      checkbox('Errors only', state.errors, v => { state.errors = v; changed(); })),
    body);
  function changed() { setParams({ resource: state.service, text: state.text, errors: state.errors, minDurationMs: state.min }); refresh(null, true); }
  let version = -1;
  async function refresh(summary, force) {
    if (summary) refillSelect(pick, serviceOptions('All resources', summary.services), state.service);
    if (!force && summary && summary.version === version) return;
    version = summary ? summary.version : version;
    const q = new URLSearchParams({ service: state.service, text: state.text, errors: state.errors });
    if (state.min) q.set('minDurationMs', state.min);
    const traces = await api('/traces?' + q);
    if (!traces.length) { body.replaceChildren(h('p', { class: 'empty', text: 'No traces match.' })); return; }
    const longest = Math.max(...traces.map(t => t.durationMs), 0.001);
    body.replaceChildren(h('table', { 'aria-label': 'Traces' },
      h('thead', {}, h('tr', {}, ['Time', 'Name', 'Resources', 'Duration', 'Spans', 'Errors'].map(c => h('th', { text: c })))),
      h('tbody', {}, traces.map(t => {
        const bar = h('div', { class: 'dur-bar' }); bar.style.width = Math.max(2, 100 * t.durationMs / longest) + '%';
        return h('tr', { 'data-trace-id': t.traceId },
          h('td', { class: 'mono', text: time(t.start) }),
          h('td', {}, h('a', { href: '/traces/' + t.traceId }, `${t.rootService}: ${t.rootName}`), h('div', { class: 'muted mono', text: t.traceId })),
          h('td', {}, t.services.map(s => h('span', { class: 'chip', text: s }))),
          h('td', { class: 'bar-cell' }, duration(t.durationMs), bar),
          h('td', { text: t.spanCount }),
          h('td', {}, t.errorCount ? h('span', { class: 'err-text', text: t.errorCount }) : '0'));
      }))));
  }
  return { refresh };
};

pages.trace = (traceId) => {
  let selected = null, data = null;
  const head = h('div'), body = h('div'), detail = h('div');
  main.replaceChildren(h('p', {}, h('a', { href: '/traces' }, '← Traces')), head, body, detail);
  const colors = {};
  const colorOf = s => (colors[s] ??= Object.keys(colors).length % 5);

  function drawDetail() {
    const s = data && data.spans.find(x => x.spanId === selected);
    if (!s) { detail.replaceChildren(); return; }
    detail.replaceChildren(h('section', { class: 'panel', 'aria-label': 'Span details' },
      h('h2', { text: `${s.service}: ${s.name}` }),
      h('dl', { class: 'facts' },
        ...[['Span id', s.spanId], ['Parent', s.parentSpanId || '(root)'], ['Kind', s.kind], ['Status', s.status + (s.statusMessage ? ': ' + s.statusMessage : '')],
          ['Start', time(s.start, true)], ['Duration', duration(s.durationMs)], ['Scope', s.scope]]
          .map(([k, v]) => h('div', {}, h('dt', { text: k }), h('dd', { class: 'mono', text: v })))),
      h('h2', { text: 'Attributes' }), kvTable(s.attributes, 'Span attributes'),
      h('h2', { text: `Events (${s.events.length})` }),
      s.events.length ? h('table', { 'aria-label': 'Span events' }, h('tbody', {}, s.events.map(e => h('tr', {},
        h('td', { class: 'mono', text: '+' + duration(e.offsetMs) }), h('td', {}, h('strong', { text: e.name }), kvTable(e.attributes, 'Event attributes')))))) : h('p', { class: 'muted', text: 'none' }),
      s.links.length ? [h('h2', { text: 'Links' }), kvTable(s.links.map(l => ({ name: l.traceId, value: l.spanId })), 'Span links')] : null,
      h('h2', { text: 'Resource' }), kvTable(s.resource, 'Resource attributes')));
  }
  // Fetches the trace; redraws only when spans arrived (a finished trace stays put while it is being read).
  async function refresh(force) {
    let fresh;
    try { fresh = await api('/traces/' + encodeURIComponent(traceId)); }
    catch (e) { data = null; head.replaceChildren(h('h1', { text: 'Trace' }), h('p', { class: 'empty', text: e.message })); body.replaceChildren(); detail.replaceChildren(); return; }
    if (!force && data && fresh.spans.length === data.spans.length) return;
    data = fresh;
    draw();
  }
  function choose(spanId) { selected = spanId; draw(); }
  function draw() {
    const t = data.trace;
    if (!selected && data.spans.length) selected = data.spans[0].spanId;
    document.title = `${t.rootName} · trace · ChatApp dashboard`;
    head.replaceChildren(h('h1', { text: `${t.rootService}: ${t.rootName}` }),
      h('dl', { class: 'facts' },
        ...[['Trace id', t.traceId], ['Start', time(t.start, true)], ['Duration', duration(t.durationMs)], ['Spans', t.spanCount], ['Errors', t.errorCount]]
          .map(([k, v]) => h('div', {}, h('dt', { text: k }), h('dd', { class: 'mono', text: v }))),
        h('div', {}, h('dt', { text: 'Resources' }), h('dd', {}, t.services.map(s => h('span', { class: 'chip', text: s })))),
        h('div', {}, h('dt', { text: 'Logs' }), h('dd', {}, h('a', { href: '/structuredlogs?traceId=' + t.traceId }, `${data.logCount} log records`)))));
    const total = Math.max(t.durationMs, 0.001);
    body.replaceChildren(h('div', { class: 'waterfall', role: 'tree', 'aria-label': 'Span waterfall' },
      h('div', { class: 'wf-head' }, h('span', { text: 'Span' }), h('span', { text: `0 — ${duration(total)}` }), h('span', { text: 'Duration' })),
      data.spans.map(s => {
        const bar = h('div', { class: `span-bar s${colorOf(s.service)}${s.status === 'Error' ? ' error' : ''}` });
        bar.style.left = (100 * s.offsetMs / total) + '%';
        bar.style.width = Math.max(0.3, 100 * s.durationMs / total) + '%';
        const name = h('div', { class: 'name' }, h('span', { class: 'svc', text: s.service }), s.name, s.status === 'Error' ? h('span', { class: 'err-text', text: ' ⚠' }) : null);
        name.style.paddingLeft = (10 + 16 * s.depth) + 'px';
        return h('div', { class: 'wf-row' + (s.spanId === selected ? ' selected' : ''), role: 'treeitem', tabindex: '0', 'aria-level': String(s.depth + 1),
          'aria-label': `${s.service} ${s.name} ${duration(s.durationMs)}`, 'data-span-id': s.spanId,
          onclick: () => choose(s.spanId), onkeydown: e => { if (e.key === 'Enter') choose(s.spanId); } },
          name, h('div', { class: 'track' }, bar), h('div', { class: 'dur', text: duration(s.durationMs) }));
      })));
    drawDetail();
  }
  let version = -1;
  return { refresh: async (summary, first) => { if (!first && summary && summary.version === version) return; version = summary ? summary.version : version; await refresh(first); } };
};

pages.metrics = () => {
  const p = params();
  const state = { service: p.get('resource') || '', minutes: p.get('minutes') || '5', instrument: p.get('instrument') || '' };
  const pick = select('Resource', [], state.service, v => { state.service = v; state.instrument = ''; changed(); });
  const overview = h('div', { class: 'charts', 'aria-label': 'Key metrics' });
  const instrumentCharts = h('div', { class: 'charts' });
  const list = h('div');
  main.replaceChildren(h('h1', { text: 'Metrics' }),
    h('div', { class: 'toolbar' }, pick,
      select('Window', [1, 5, 15, 30, 60].map(m => ({ value: String(m), label: `last ${m} min` })), state.minutes, v => { state.minutes = v; changed(); })),
    overview, h('h2', { text: 'Instrument' }), instrumentCharts, h('h2', { text: 'All instruments' }), list);
  function changed() { setParams({ resource: state.service, minutes: state.minutes, instrument: state.instrument }); refresh(null, true); }

  function chart(c) {
    const W = 600, H = 130, L = 44, B = 16;
    const all = c.lines.flatMap(l => l.values).filter(v => v !== null);
    const max = Math.max(...all, 0) || 1;
    const s = svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': c.title, preserveAspectRatio: 'none' });
    for (const f of [0, 0.5, 1]) {
      const y = (H - B) - f * (H - B - 8);
      s.append(svg('line', { class: 'grid', x1: L, x2: W, y1: y, y2: y }));
      const label = svg('text', { x: 2, y: y + 3 }); label.textContent = number(max * f); s.append(label);
    }
    const n = c.lines[0] ? c.lines[0].values.length : 0;
    const x = i => L + (W - L) * (n <= 1 ? 0 : i / (n - 1));
    c.lines.forEach((line, li) => {
      let points = [];
      const flush = () => { if (points.length) s.append(svg('polyline', { class: 'l' + li, points: points.join(' ') })); points = []; };
      line.values.forEach((v, i) => { if (v === null) flush(); else points.push(`${x(i).toFixed(1)},${((H - B) - (v / max) * (H - B - 8)).toFixed(1)}`); });
      flush();
    });
    const t0 = svg('text', { x: L, y: H - 2 }); t0.textContent = time(c.startUnixMs).slice(0, 8); s.append(t0);
    const latest = c.lines.map(l => [...l.values].reverse().find(v => v !== null) ?? null);
    return h('figure', { class: 'chart', 'aria-label': c.title },
      h('h3', { text: c.title }),
      h('div', { class: 'latest' }, number(latest[0]), h('small', { text: ' ' + c.unit + (c.lines.length > 1 ? ` (${c.lines[0].label})` : '') })),
      s,
      h('div', { class: 'legend' }, c.lines.map((l, i) => h('span', {}, h('span', { class: 'sw l' + i }), `${l.label} ${number(latest[i])}`))));
  }
  async function refresh(summary, force) {
    if (summary) {
      if (!state.service && summary.services.length) { state.service = summary.services.includes('api') ? 'api' : summary.services[0]; setParams({ resource: state.service }); }
      refillSelect(pick, summary.services.map(n => ({ value: n, label: n })), state.service);
    }
    if (!state.service) { overview.replaceChildren(h('p', { class: 'empty', text: 'No metrics received yet.' })); return; }
    const q = `service=${encodeURIComponent(state.service)}&minutes=${state.minutes}`;
    const [charts, instruments] = await Promise.all([api('/metrics/overview?' + q), api('/metrics/instruments?service=' + encodeURIComponent(state.service))]);
    overview.replaceChildren(...charts.map(chart));
    if (state.instrument) {
      const ic = await api(`/metrics/chart?${q}&name=${encodeURIComponent(state.instrument)}`);
      instrumentCharts.replaceChildren(...(ic.length ? ic.map(chart) : [h('p', { class: 'muted', text: 'No data for ' + state.instrument })]));
    } else instrumentCharts.replaceChildren(h('p', { class: 'muted', text: 'Pick an instrument below to chart it.' }));
    list.replaceChildren(instruments.length ? h('table', { 'aria-label': 'Instruments' },
      h('thead', {}, h('tr', {}, ['Meter', 'Instrument', 'Kind', 'Unit', 'Series', 'Description'].map(c => h('th', { text: c })))),
      h('tbody', {}, instruments.map(i => h('tr', {},
        h('td', { class: 'mono', text: i.scope }),
        h('td', {}, h('button', { class: 'link', 'aria-label': 'Chart ' + i.name, onclick: () => { state.instrument = i.name; changed(); window.scrollTo(0, 0); } }, i.name)),
        h('td', { text: i.kind === 'Sum' ? (i.isMonotonic ? 'Counter' : 'UpDownCounter') : i.kind }),
        h('td', { text: i.unit }), h('td', { text: i.series }), h('td', { class: 'muted', text: i.description })))))
      : h('p', { class: 'empty', text: 'No instruments reported by ' + state.service }));
  }
  return { refresh };
};

// ---------- router and live loop ----------
function route() {
  const path = location.pathname;
  let m;
  if (path === '/' || path === '') return ['resources', pages.resources()];
  if (path === '/consolelogs') return ['consolelogs', pages.consolelogs()];
  if (path === '/structuredlogs') return ['structuredlogs', pages.structuredlogs()];
  if ((m = path.match(/^\/traces\/([0-9a-fA-F]{32})$/))) return ['traces', pages.trace(m[1].toLowerCase())];
  if (path.startsWith('/traces')) return ['traces', pages.traces()];
  if (path === '/metrics') return ['metrics', pages.metrics()];
  main.replaceChildren(h('p', { class: 'empty', text: 'No such page.' }));
  return ['', null];
}

function navigate() {
  clearTimeout(timer);
  const [name, page] = route();
  current = page;
  for (const a of document.querySelectorAll('[data-nav]')) {
    if (a.dataset.nav === name) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  }
  tick(true);
}

async function tick(first) {
  clearTimeout(timer);
  const page = current;
  if (document.visibilityState === 'visible' || first) {
    try {
      lastSummary = await api('/summary');
      live.textContent = `live · ${lastSummary.spans} spans · ${lastSummary.logs} logs · ${lastSummary.metricPoints} points`;
      live.classList.remove('stale');
      if (page && page === current) await page.refresh(lastSummary, first);
    } catch (e) {
      live.textContent = 'not connected: ' + e.message;
      live.classList.add('stale');
    }
  }
  if (page === current) timer = setTimeout(() => tick(false), POLL_MS);
}

// In-app navigation without a reload.
document.addEventListener('click', e => {
  const a = e.target.closest && e.target.closest('a[href^="/"]');
  if (!a || a.target || e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
  e.preventDefault();
  history.pushState(null, '', a.getAttribute('href'));
  navigate();
});
window.addEventListener('popstate', navigate);
document.addEventListener('visibilitychange', () => { if (document.visibilityState === 'visible') tick(false); });
navigate();
