// Live updates from /events (resumed by the browser with Last-Event-ID), the current view's refresh
// (at most once a second), and helpers every view uses.
import { $, h, replace } from './dom.js';

let current = null; // the view on screen: { main, route, refresh, onEvent, cleanup }
let source = null;
let lastRefresh = 0;
let refreshTimer = null;

/** The view on screen (its cleanup runs first), or null. */
export function setCurrent(ctx) {
  if (current && current.cleanup) current.cleanup();
  current = ctx;
}

/** Notes that the view on screen was just drawn from fresh data. */
export function markRefreshed() { lastRefresh = Date.now(); }

/** Refreshes the view on screen: at most once a second however many events arrive. */
export function scheduleRefresh() {
  if (refreshTimer) return;
  refreshTimer = setTimeout(() => {
    refreshTimer = null;
    lastRefresh = Date.now();
    if (current && current.refresh) current.refresh();
  }, Math.max(0, lastRefresh + 1000 - Date.now()));
}

/** Opens /events; the view on screen sees each event first (onEvent returns true when it handled it). */
export function connect() {
  if (!window.EventSource) return;
  source = new EventSource('/events');
  const live = $('live');
  source.onopen = () => { live.textContent = 'live'; live.className = 'pill s-live'; scheduleRefresh(); };
  source.onerror = () => {
    live.textContent = source.readyState === 2 ? 'no live updates' : 'reconnecting';
    live.className = 'pill s-warn';
  };
  for (const kind of ['run', 'progress', 'job', 'component', 'milestone', 'audit']) {
    source.addEventListener(kind, (ev) => {
      let data = null;
      try { data = JSON.parse(ev.data); } catch (_) { return; }
      if (current && current.onEvent && current.onEvent(kind, data)) return;
      scheduleRefresh();
    });
  }
  // Once a second: the clocks (local, no request); every 5 s a refresh, only while /events is down.
  setInterval(() => {
    for (const e of document.querySelectorAll('.clock')) if (e._clock) e.textContent = e._clock();
    if ((!source || source.readyState !== 1) && Date.now() - lastRefresh >= 5000) scheduleRefresh();
  }, 1000);
}

/** Opens another view: #/NAME?PARAMS. */
export function go(name, params) {
  const q = params ? params.toString() : '';
  location.hash = '#/' + name + (q ? '?' + q : '');
}

/** A part of a view that `load` fills again on every refresh, without touching the rest. */
export function section(ctx, load) {
  const box = h('div');
  const run = async () => { const kids = await load(); if (kids !== undefined) replace(box, kids); };
  const prev = ctx.refresh;
  ctx.refresh = async () => { if (prev) await prev(); await run(); };
  return { box, run };
}

/** What a view shows for an API this server does not offer (or refused). */
export const unavailable = (r, what) => h('p', { class: 'muted' }, what + ' is not available here (' + (r.error || 'HTTP ' + r.status) + ').');
