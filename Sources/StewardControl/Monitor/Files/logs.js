// A log viewer fed by a streaming GET: follow, pause, search, load older lines, download.

import { h, replace } from './dom.js';
import { headers, hasToken } from './api.js';

// A log viewer fed by a streaming GET: follow (auto-scroll), pause, search, load older lines,
// download. `url(lines, follow)` names the stream; `growable` = the server can send more history.
export function logPanel(url, filename, growable) {
  let lines = [];
  let history = 200;
  let shown = 1000;
  let paused = false;
  let controller = null;
  let dirty = false;
  const view = h('div', { class: 'log', 'data-log': filename });
  const state = h('span', { class: 'muted' });
  const search = h('input', { type: 'search', placeholder: 'search', oninput: () => draw() });
  const follow = h('input', { type: 'checkbox', checked: true });
  const pause = h('button', { type: 'button', onclick: () => { paused = !paused; pause.textContent = paused ? 'Resume' : 'Pause'; draw(); } }, 'Pause');
  const older = h('button', { type: 'button', onclick: () => {
    if (lines.length > shown) { shown += 1000; draw(); } else if (growable) { history += 1000; shown += 1000; restart(); }
  } }, 'Load older lines');
  const download = h('button', { type: 'button', onclick: () => {
    const a = h('a', { href: URL.createObjectURL(new Blob([lines.join('\n') + '\n'], { type: 'text/plain' })), download: filename });
    document.body.appendChild(a); a.click(); a.remove();
  } }, 'Download');
  const node = h('div', {}, h('div', { class: 'row' }, h('label', {}, follow, ' follow'), pause, search, older, download, state), view);
  function draw() {
    if (paused) { state.textContent = 'paused, ' + lines.length + ' lines'; return; }
    const q = search.value.toLowerCase();
    const picked = (q ? lines.filter((l) => l.toLowerCase().includes(q)) : lines).slice(-shown);
    replace(view, picked.map((l) => h('div', { class: /^\[?(stderr|err)/i.test(l) ? 'l-stderr' : '' }, l)));
    state.textContent = lines.length + ' lines' + (q ? ', ' + picked.length + ' matching' : '');
    if (follow.checked) view.scrollTop = view.scrollHeight;
  }
  function drawSoon() { if (!dirty) { dirty = true; requestAnimationFrame(() => { dirty = false; draw(); }); } }
  async function restart() {
    stop();
    lines = [];
    controller = new AbortController();
    const signal = controller.signal;
    state.textContent = 'loading…';
    let res;
    try {
      res = await fetch(url(history, true), { headers: headers(), cache: 'no-store', credentials: 'omit', signal });
    } catch (e) { if (!signal.aborted) state.textContent = 'cannot read the log: ' + e.message; return; }
    if (!res.ok) {
      const text = (await res.text()).trim();
      let why = text;
      try { why = JSON.parse(text).error || text; } catch (_) { /* plain text */ }
      replace(view, h('div', {}, res.status === 401 ? 'Logs need the token (' + why + '): use “Enter token”.' :
        res.status === 404 && !hasToken() ? 'Logs are served only with a token (http.token) configured: ' + why : 'Cannot read the log (' + res.status + '): ' + why));
      state.textContent = '';
      return;
    }
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let rest = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        rest += decoder.decode(value, { stream: true });
        const parts = rest.split('\n');
        rest = parts.pop();
        if (parts.length) { for (const p of parts) lines.push(p); if (lines.length > 100000) lines.splice(0, lines.length - 100000); drawSoon(); }
      }
      if (rest) lines.push(rest);
      drawSoon();
      setTimeout(() => { state.textContent = lines.length + ' lines, ended'; }, 50);
    } catch (e) { if (!signal.aborted) state.textContent = 'stream ended: ' + e.message; }
  }
  function stop() { if (controller) controller.abort(); controller = null; }
  return { node, start: restart, stop };
}
