// The steward monitor: one page, hash-routed (#/runs?state=failed), reading steward's control API on
// the same origin and kept live by /events. Plain JavaScript modules, no dependencies, no build.
import { $, h, replace } from './dom.js';
import { dialog, field, getToken, setToken } from './api.js';
import { connect, markRefreshed, setCurrent } from './live.js';
import { overview, processes, process, audit } from './system.js';
import { jobs } from './jobs.js';
import { runs, run } from './runs.js';

const views = { overview, processes, process, audit, jobs, runs, run };

function route() {
  const hash = location.hash.replace(/^#/, '') || '/';
  const [path, query] = hash.split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  return { name: parts[0] || 'overview', arg: parts[1], params: new URLSearchParams(query || '') };
}

async function render() {
  const r = route();
  for (const a of document.querySelectorAll('#nav a')) {
    const target = a.getAttribute('href').replace('#/', '') || 'overview';
    a.classList.toggle('active', target === r.name || (target === 'runs' && r.name === 'run') || (target === 'processes' && r.name === 'process'));
  }
  const view = views[r.name] || views.overview;
  const main = $('view');
  const ctx = { main, route: r };
  setCurrent(ctx);
  replace(main, h('p', { class: 'muted' }, 'Loading…'));
  try {
    await view(ctx, r);
  } catch (e) {
    replace(main, h('p', { class: 'error' }, 'This view failed: ' + e.message));
  }
  markRefreshed();
}

function showToken() { $('token').textContent = getToken() ? 'Token set' : 'Enter token'; }

$('token').addEventListener('click', async () => {
  const v = await dialog('Token', [h('p', { class: 'muted' }, 'The http.token of this steward. Kept in this tab only (sessionStorage), sent as a header, never as a cookie.'),
    field('Token', 'token', { type: 'password', autocomplete: 'off', value: getToken() }), h('label', {}, h('input', { type: 'checkbox', name: 'forget' }), ' forget the token')], 'Save');
  if (!v) return;
  setToken(v.forget ? '' : v.token.trim());
  showToken();
  render();
});

window.addEventListener('hashchange', render);
showToken();
connect();
render();
