// The monitor's DOM and time helpers. Every value from the server reaches the page through text
// nodes (textContent), never as HTML.
export const $ = (id) => document.getElementById(id);
export const ACTIVE = new Set(['queued', 'running', 'scheduled']);
export const FAILED = 'failed,crashed,timedOut,killed';
export const SIGNALS = { HUP: 1, INT: 2, QUIT: 3, KILL: 9, USR1: 10, USR2: 12, TERM: 15, CONT: 18, STOP: 19 };

// h('td', {class: 'x', onclick: f}, 'text', node, [more]) — strings become text nodes.
export function h(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (k === 'class') e.className = v;
    else if (k === 'style') e.style.cssText = v; // CSSOM: allowed by the page's CSP, unlike a style attribute
    else if (k === 'checked' || k === 'value' || k === 'disabled') e[k] = v;
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  add(e, kids);
  return e;
}
export function add(e, kids) {
  for (const k of kids) {
    if (k === null || k === undefined || k === false) continue;
    if (Array.isArray(k)) add(e, k);
    else e.appendChild(k instanceof Node ? k : document.createTextNode(String(k)));
  }
}
export const pill = (text, cls) => h('span', { class: 'pill s-' + (cls || text) }, text);
export const link = (href, text) => h('a', { href }, text);
export const runLink = (id) => id ? link('#/run/' + encodeURIComponent(id), short(id)) : '—';
export const short = (id) => String(id).length > 14 ? String(id).slice(0, 12) + '…' : String(id);
export function replace(node, ...kids) { node.textContent = ''; add(node, kids); return node; }

export const pad = (n, w = 2) => String(n).padStart(w, '0');
export function absolute(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  if (isNaN(d)) return String(iso);
  const off = -d.getTimezoneOffset();
  const sign = off >= 0 ? '+' : '-';
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())} ` +
    `${sign}${pad(Math.floor(Math.abs(off) / 60))}:${pad(Math.abs(off) % 60)}`;
}
export function span(ms) {
  if (ms === null || ms === undefined || isNaN(ms)) return '—';
  ms = Math.max(0, ms);
  if (ms < 1000) return ms + ' ms';
  let s = Math.floor(ms / 1000);
  if (s < 60) return (ms / 1000).toFixed(s < 10 ? 1 : 0) + ' s';
  const d = Math.floor(s / 86400); s %= 86400;
  const hh = Math.floor(s / 3600); s %= 3600;
  const mm = Math.floor(s / 60); s %= 60;
  return d ? `${d}d ${hh}h` : hh ? `${hh}h ${mm}m` : `${mm}m ${s}s`;
}
export function relative(iso) {
  if (!iso) return '';
  const delta = new Date(iso).getTime() - Date.now();
  return delta >= 0 ? 'in ' + span(delta) : span(-delta) + ' ago';
}
// A text node kept current by the ticker (once a second, no network).
export function clock(fn) { const e = h('span', { class: 'clock' }, fn()); e._clock = fn; return e; }
export function when(iso) {
  return h('span', { class: 'nowrap', title: iso || '' }, absolute(iso), iso ? h('span', { class: 'muted' }, ' (', clock(() => relative(iso)), ')') : null);
}
export function elapsed(run) {
  if (run.durationMs !== null && run.durationMs !== undefined && !ACTIVE.has(run.state)) return span(run.durationMs);
  if (!run.startedAt) return '—';
  const end = run.finishedAt ? new Date(run.finishedAt).getTime() : Date.now();
  return span(end - new Date(run.startedAt).getTime());
}
