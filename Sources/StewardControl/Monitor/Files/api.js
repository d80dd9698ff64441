// The monitor's requests: reads, actions with the token (kept in the tab's sessionStorage, sent as a
// header, never a cookie), notices and dialogs.
import { $, h, replace } from './dom.js';

const TOKEN_KEY = 'steward.token';
let token = sessionStorage.getItem(TOKEN_KEY) || '';

/** The operator's token for this tab ('' without one). */
export const getToken = () => token;
/** Whether actions will carry a token. */
export const hasToken = () => token !== '';
/** Keeps (or, with '', forgets) the token for this tab only. */
export function setToken(value) {
  token = value;
  if (token) sessionStorage.setItem(TOKEN_KEY, token); else sessionStorage.removeItem(TOKEN_KEY);
}

/** Every request's headers: the monitor's name, and the token when there is one. */
export function headers(extra) {
  const hd = Object.assign({ 'X-Steward-Client': 'monitor' }, extra || {});
  if (token) hd.Authorization = 'Bearer ' + token;
  return hd;
}
/** A request; resolves with { ok, status, data (parsed JSON), text, headers, error } and never throws. */
export async function api(path, opts = {}) {
  let res;
  try {
    res = await fetch(path, { method: opts.method || 'GET', headers: headers(opts.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      body: opts.body !== undefined ? JSON.stringify(opts.body) : undefined, cache: 'no-store', credentials: 'omit', signal: opts.signal });
  } catch (e) {
    return { ok: false, status: 0, error: 'cannot reach steward: ' + e.message };
  }
  const text = await res.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch (_) { data = null; }
  const error = res.ok ? null : ((data && (data.error || data.message)) || text.trim() || res.statusText);
  return { ok: res.ok, status: res.status, data, text, headers: res.headers, error };
}
// A POST action: refused without the token by steward itself (401/403/404), reported as such.
export async function act(path, body, what) {
  const r = await api(path, { method: 'POST', body });
  if (r.ok) { notice((what || 'done') + ': ' + ((r.data && r.data.message) || 'ok')); return r; }
  let why = r.error || ('HTTP ' + r.status);
  if (r.status === 401) why = 'refused (401): ' + why + (token ? ' — the token is wrong' : ' — enter the token to act');
  else if (r.status === 403) why = 'refused (403): ' + why;
  else if (r.status === 404 && !token) why = 'refused (404): this listener offers no actions without a token (' + why + ')';
  else if (r.status === 404) why = 'not available here (404): ' + why;
  notice((what || path) + ' — ' + why, true);
  return r;
}
/** A message above the view (errors stay until dismissed). */
export function notice(text, isError) {
  const n = $('notice');
  n.hidden = false;
  n.className = isError ? 'error' : '';
  replace(n, text, ' ', h('button', { type: 'button', onclick: () => { n.hidden = true; } }, 'dismiss'));
  clearTimeout(notice.timer);
  if (!isError) notice.timer = setTimeout(() => { n.hidden = true; }, 6000);
}

// Resolves with the form's values (by name) on OK, null on Cancel.
export function dialog(title, fields, okText) {
  const d = $('dialog');
  replace($('dialog-title'), title);
  replace($('dialog-body'), fields);
  $('dialog-ok').textContent = okText || 'OK';
  return new Promise((resolve) => {
    d.onclose = () => {
      if (d.returnValue !== 'ok') return resolve(null);
      const values = {};
      for (const el of $('dialog-body').querySelectorAll('[name]')) values[el.name] = el.type === 'checkbox' ? el.checked : el.value;
      resolve(values);
    };
    d.returnValue = '';
    d.showModal();
  });
}
export const confirmAction = (title, detail, okText) => dialog(title, [h('p', {}, detail)], okText || 'Confirm');
export const field = (label, name, attrs) => h('label', {}, label, h('br'), h(attrs && attrs.multiline ? 'textarea' : 'input', Object.assign({ name }, attrs || {})));
