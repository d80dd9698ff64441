// The steward monitor: one page, hash-routed (#/runs?state=failed), reading steward's control API
// on the same origin and kept live by /events. Plain JavaScript, no dependencies. Every value from
// the server reaches the page through text nodes (textContent), never as HTML.
'use strict';
(() => {
  const $ = (id) => document.getElementById(id);
  const TOKEN_KEY = 'steward.token';
  const ACTIVE = new Set(['queued', 'running', 'scheduled']);
  const FAILED = 'failed,crashed,timedOut,killed';
  const SIGNALS = { HUP: 1, INT: 2, QUIT: 3, KILL: 9, USR1: 10, USR2: 12, TERM: 15, CONT: 18, STOP: 19 };

  // ---- DOM ----------------------------------------------------------------------------------
  // h('td', {class: 'x', onclick: f}, 'text', node, [more]) — strings become text nodes.
  function h(tag, attrs, ...kids) {
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
  function add(e, kids) {
    for (const k of kids) {
      if (k === null || k === undefined || k === false) continue;
      if (Array.isArray(k)) add(e, k);
      else e.appendChild(k instanceof Node ? k : document.createTextNode(String(k)));
    }
  }
  const pill = (text, cls) => h('span', { class: 'pill s-' + (cls || text) }, text);
  const link = (href, text) => h('a', { href }, text);
  const runLink = (id) => id ? link('#/run/' + encodeURIComponent(id), short(id)) : '—';
  const short = (id) => String(id).length > 14 ? String(id).slice(0, 12) + '…' : String(id);
  function replace(node, ...kids) { node.textContent = ''; add(node, kids); return node; }

  // ---- times --------------------------------------------------------------------------------
  const pad = (n, w = 2) => String(n).padStart(w, '0');
  function absolute(iso) {
    if (!iso) return '—';
    const d = new Date(iso);
    if (isNaN(d)) return String(iso);
    const off = -d.getTimezoneOffset();
    const sign = off >= 0 ? '+' : '-';
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())} ` +
      `${sign}${pad(Math.floor(Math.abs(off) / 60))}:${pad(Math.abs(off) % 60)}`;
  }
  function span(ms) {
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
  function relative(iso) {
    if (!iso) return '';
    const delta = new Date(iso).getTime() - Date.now();
    return delta >= 0 ? 'in ' + span(delta) : span(-delta) + ' ago';
  }
  // A text node kept current by the ticker (once a second, no network).
  function clock(fn) { const e = h('span', { class: 'clock' }, fn()); e._clock = fn; return e; }
  function when(iso) {
    return h('span', { class: 'nowrap', title: iso || '' }, absolute(iso), iso ? h('span', { class: 'muted' }, ' (', clock(() => relative(iso)), ')') : null);
  }
  function elapsed(run) {
    if (run.durationMs !== null && run.durationMs !== undefined && !ACTIVE.has(run.state)) return span(run.durationMs);
    if (!run.startedAt) return '—';
    const end = run.finishedAt ? new Date(run.finishedAt).getTime() : Date.now();
    return span(end - new Date(run.startedAt).getTime());
  }

  // ---- API ----------------------------------------------------------------------------------
  let token = sessionStorage.getItem(TOKEN_KEY) || '';
  function headers(extra) {
    const hd = Object.assign({ 'X-Steward-Client': 'monitor' }, extra || {});
    if (token) hd.Authorization = 'Bearer ' + token;
    return hd;
  }
  async function api(path, opts = {}) {
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
  async function act(path, body, what) {
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
  function notice(text, isError) {
    const n = $('notice');
    n.hidden = false;
    n.className = isError ? 'error' : '';
    replace(n, text, ' ', h('button', { type: 'button', onclick: () => { n.hidden = true; } }, 'dismiss'));
    clearTimeout(notice.timer);
    if (!isError) notice.timer = setTimeout(() => { n.hidden = true; }, 6000);
  }

  // ---- dialogs ------------------------------------------------------------------------------
  // Resolves with the form's values (by name) on OK, null on Cancel.
  function dialog(title, fields, okText) {
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
  const confirmAction = (title, detail, okText) => dialog(title, [h('p', {}, detail)], okText || 'Confirm');
  const field = (label, name, attrs) => h('label', {}, label, h('br'), h(attrs && attrs.multiline ? 'textarea' : 'input', Object.assign({ name }, attrs || {})));

  $('token').addEventListener('click', async () => {
    const v = await dialog('Token', [h('p', { class: 'muted' }, 'The http.token of this steward. Kept in this tab only (sessionStorage), sent as a header, never as a cookie.'),
      field('Token', 'token', { type: 'password', autocomplete: 'off', value: token }), h('label', {}, h('input', { type: 'checkbox', name: 'forget' }), ' forget the token')], 'Save');
    if (!v) return;
    token = v.forget ? '' : v.token.trim();
    if (token) sessionStorage.setItem(TOKEN_KEY, token); else sessionStorage.removeItem(TOKEN_KEY);
    showToken();
    render();
  });
  function showToken() { $('token').textContent = token ? 'Token set' : 'Enter token'; }

  // ---- live updates -------------------------------------------------------------------------
  let current = null; // { refresh, onEvent, cleanup }
  let source = null;
  let lastRefresh = 0;
  let refreshTimer = null;
  // At most one refresh a second however many events arrive.
  function scheduleRefresh() {
    if (refreshTimer) return;
    refreshTimer = setTimeout(() => {
      refreshTimer = null;
      lastRefresh = Date.now();
      if (current && current.refresh) current.refresh();
    }, Math.max(0, lastRefresh + 1000 - Date.now()));
  }
  function connect() {
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
  }
  // Once a second: the clocks (local, no request); every 5 s a refresh, only while /events is down.
  setInterval(() => {
    for (const e of document.querySelectorAll('.clock')) if (e._clock) e.textContent = e._clock();
    if ((!source || source.readyState !== 1) && Date.now() - lastRefresh >= 5000) scheduleRefresh();
  }, 1000);

  // ---- router -------------------------------------------------------------------------------
  function route() {
    const hash = location.hash.replace(/^#/, '') || '/';
    const [path, query] = hash.split('?');
    const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
    return { name: parts[0] || 'overview', arg: parts[1], params: new URLSearchParams(query || '') };
  }
  function go(name, params) {
    const q = params ? params.toString() : '';
    location.hash = '#/' + name + (q ? '?' + q : '');
  }
  const views = {};
  async function render() {
    if (current && current.cleanup) current.cleanup();
    current = null;
    const r = route();
    for (const a of document.querySelectorAll('#nav a')) {
      const target = a.getAttribute('href').replace('#/', '') || 'overview';
      a.classList.toggle('active', target === r.name || (target === 'runs' && r.name === 'run') || (target === 'processes' && r.name === 'process'));
    }
    const view = views[r.name] || views.overview;
    const main = $('view');
    const ctx = { main, route: r };
    current = ctx;
    replace(main, h('p', { class: 'muted' }, 'Loading…'));
    try {
      await view(ctx, r);
    } catch (e) {
      replace(main, h('p', { class: 'error' }, 'This view failed: ' + e.message));
    }
    lastRefresh = Date.now();
  }
  window.addEventListener('hashchange', render);

  // A section whose content `load` fills again on every refresh (without touching the rest).
  function section(ctx, load) {
    const box = h('div');
    const run = async () => { const kids = await load(); if (kids !== undefined) replace(box, kids); };
    const prev = ctx.refresh;
    ctx.refresh = async () => { if (prev) await prev(); await run(); };
    return { box, run };
  }
  const unavailable = (r, what) => h('p', { class: 'muted' }, what + ' is not available here (' + (r.error || 'HTTP ' + r.status) + ').');

  // ---- overview -----------------------------------------------------------------------------
  views.overview = async (ctx) => {
    const s = section(ctx, async () => {
      const [status, live, journal, facets, failures] = await Promise.all([api('/status'), api('/livez'), api('/journal'), api('/runs/facets'),
        api('/runs?limit=10&state=' + FAILED)]);
      const cards = [];
      const loaded = Date.now();
      cards.push(h('div', { class: 'card' }, h('h3', {}, 'steward'),
        h('div', { class: 'big' }, live.ok ? pill('live', 'ok') : pill('not live', 'bad'), ' ',
          status.ok ? pill(status.data.ready ? 'ready' : status.data.state, status.data.ready ? 'ready' : status.data.state) : pill('read-only journal', 'warn')),
        status.ok ? h('div', { class: 'muted' }, 'pid ' + status.data.pid + ', up ', clock(() => span((status.data.uptimeSeconds * 1000) + (Date.now() - loaded)))) : null));
      cards.push(h('div', { class: 'card' }, h('h3', {}, 'journal'),
        journal.ok ? [h('div', {}, journal.data.healthy ? pill('healthy', 'ok') : pill('unhealthy', 'bad')),
          h('div', { class: 'muted' }, journal.data.path), journal.data.reason ? h('div', {}, journal.data.reason) : null] : h('div', { class: 'muted' }, 'no journal')));
      if (status.ok) {
        const counts = {};
        for (const p of status.data.processes) counts[p.state] = (counts[p.state] || 0) + 1;
        cards.push(h('div', { class: 'card' }, h('h3', {}, 'processes (' + status.data.processes.length + ')'),
          Object.entries(counts).map(([k, n]) => [pill(k + ' ' + n, k), ' '])));
      }
      if (facets.ok) {
        const total = Object.values(facets.data).reduce((a, b) => a + b, 0);
        cards.push(h('div', { class: 'card' }, h('h3', {}, 'runs (' + total + ')'),
          Object.entries(facets.data).map(([k, n]) => [h('a', { href: '#/runs?state=' + encodeURIComponent(k) }, pill(k + ' ' + n, k)), ' '])));
      }
      return [h('h1', {}, 'Overview'), h('div', { class: 'cards' }, cards), h('h2', {}, 'Recent failures'),
        failures.ok ? runTable(failures.data, null) : unavailable(failures, 'Runs')];
    });
    replace(ctx.main, s.box);
    await s.run();
  };

  // ---- processes ----------------------------------------------------------------------------
  views.processes = async (ctx) => {
    const s = section(ctx, async () => {
      const status = await api('/status');
      if (!status.ok) return [h('h1', {}, 'Processes'), unavailable(status, 'Process status')];
      const taken = Date.now();
      const rows = status.data.processes.map((p) => h('tr', { 'data-process': p.name },
        h('td', {}, link('#/process/' + encodeURIComponent(p.name), p.name), p.oneshot ? h('span', { class: 'muted' }, ' oneshot') : null),
        h('td', { class: 'state' }, pill(p.state)),
        h('td', { class: 'pid' }, p.pid ? String(p.pid) : '—'),
        h('td', {}, p.uptimeSeconds !== null && p.uptimeSeconds !== undefined ? clock(() => span(p.uptimeSeconds * 1000 + Date.now() - taken)) : '—'),
        h('td', { class: 'restarts' }, String(p.restarts)),
        h('td', {}, p.lastExit || '—'),
        h('td', {}, p.ready === null || p.ready === undefined ? '—' : p.ready ? pill('ready', 'ok') : pill('not ready', 'bad'), p.reason ? h('div', { class: 'muted' }, p.reason) : null),
        h('td', { class: 'nowrap' }, processButtons(p.name))));
      return [h('h1', {}, 'Processes'), h('table', {}, h('tr', {}, ['Name', 'State', 'PID', 'Uptime', 'Restarts', 'Last exit', 'Readiness', ''].map((t) => h('th', {}, t))), rows),
        status.data.notStarted ? h('p', { class: 'muted' }, 'Not started by the last reload: ' + Object.entries(status.data.notStarted).map(([k, v]) => k + ': ' + v).join('; ')) : null];
    });
    replace(ctx.main, s.box);
    await s.run();
  };
  function processButtons(name) {
    const path = (a) => '/processes/' + encodeURIComponent(name) + '/' + a;
    const done = () => scheduleRefresh();
    return [
      h('button', { type: 'button', onclick: async () => { await act(path('start'), undefined, 'start ' + name); done(); } }, 'Start'), ' ',
      h('button', { type: 'button', class: 'danger', onclick: async () => { if (await confirmAction('Stop ' + name + '?', 'The process gets its stop signal and stays stopped.', 'Stop')) { await act(path('stop'), undefined, 'stop ' + name); done(); } } }, 'Stop'), ' ',
      h('button', { type: 'button', class: 'danger', onclick: async () => { if (await confirmAction('Restart ' + name + '?', 'The process is stopped and started again.', 'Restart')) { await act(path('restart'), undefined, 'restart ' + name); done(); } } }, 'Restart'), ' ',
      h('button', { type: 'button', onclick: async () => {
        const v = await dialog('Send a signal to ' + name, [h('label', {}, 'Signal ', h('select', { name: 'signal' }, Object.entries(SIGNALS).map(([k, n]) => h('option', { value: String(n) }, 'SIG' + k + ' (' + n + ')'))))], 'Send');
        if (v) { await act(path('signal') + '?signal=' + encodeURIComponent(v.signal), undefined, 'signal ' + name); done(); }
      } }, 'Signal…'),
    ];
  }
  views.process = async (ctx, r) => {
    const name = r.arg || '';
    const panel = logPanel((lines, follow) => '/processes/' + encodeURIComponent(name) + '/logs?lines=' + lines + (follow ? '&follow' : ''), name + '.log', true);
    replace(ctx.main, h('h1', {}, 'Process ', name), h('div', { class: 'row' }, processButtons(name), ' ', link('#/processes', 'all processes')), panel.node);
    ctx.cleanup = panel.stop;
    panel.start();
  };

  // ---- logs ---------------------------------------------------------------------------------
  // A log viewer fed by a streaming GET: follow (auto-scroll), pause, search, load older lines,
  // download. `url(lines, follow)` names the stream; `growable` = the server can send more history.
  function logPanel(url, filename, growable) {
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
          res.status === 404 && !token ? 'Logs are served only with a token (http.token) configured: ' + why : 'Cannot read the log (' + res.status + '): ' + why));
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

  // ---- jobs ---------------------------------------------------------------------------------
  views.jobs = async (ctx, r) => {
    const tag = r.params.get('tag') || '';
    const filter = h('form', { class: 'row', onsubmit: (e) => { e.preventDefault(); const p = new URLSearchParams(); if (tagInput.value) p.set('tag', tagInput.value); go('jobs', p); } },
      'Tag ', h('input', { name: 'tag', value: tag }), h('button', { type: 'submit' }, 'Filter'));
    const tagInput = filter.querySelector('input');
    const s = section(ctx, async () => {
      const jobs = await api('/jobs' + (tag ? '?tag=' + encodeURIComponent(tag) : ''));
      if (!jobs.ok) return unavailable(jobs, 'Jobs');
      if (!jobs.data.length) return h('p', { class: 'muted' }, 'No jobs.');
      return h('table', {}, h('tr', {}, ['Job', 'Schedule', 'Next fire', 'Last run', 'Duration', 'Enabled', 'Active', ''].map((t) => h('th', {}, t))),
        jobs.data.map((j) => h('tr', { 'data-job': j.id },
          h('td', {}, link('#/runs?job=' + encodeURIComponent(j.id), j.id), j.description ? h('div', { class: 'muted' }, j.description) : null,
            (j.tags || []).map((t) => [' ', h('a', { href: '#/jobs?tag=' + encodeURIComponent(t) }, pill(t, 'tag'))])),
          h('td', {}, j.schedule || h('span', { class: 'muted' }, 'on demand'), j.zone ? h('div', { class: 'muted' }, j.zone) : null),
          h('td', {}, j.nextFire ? when(j.nextFire) : '—'),
          h('td', {}, j.lastRun ? [pill(j.lastRun.state), ' ', runLink(j.lastRun.runId), h('div', { class: 'muted nowrap' }, absolute(j.lastRun.createdAt))] : '—'),
          h('td', {}, j.lastRun ? elapsed(j.lastRun) : '—'),
          h('td', {}, j.enabled ? pill('enabled', 'ok') : pill('disabled', 'warn')),
          h('td', {}, String(j.activeRuns || 0)),
          h('td', { class: 'nowrap' }, jobButtons(j)))));
    });
    replace(ctx.main, h('h1', {}, 'Jobs'), filter, s.box);
    await s.run();
  };
  function jobButtons(j) {
    const path = (a) => '/jobs/' + encodeURIComponent(j.id) + '/' + a;
    return [
      h('button', { type: 'button', onclick: async () => {
        const v = await dialog('Run ' + j.id + ' now', [field('Input (JSON, optional)', 'input', { multiline: true, placeholder: '{"key": "value"}' })], 'Run now');
        if (!v) return;
        const body = {};
        if (v.input.trim()) { try { body.input = JSON.parse(v.input); } catch (e) { return notice('input: not JSON: ' + e.message, true); } }
        const res = await act(path('trigger'), Object.keys(body).length ? body : undefined, 'run ' + j.id);
        if (res.ok && res.data && res.data.runId) go('run/' + encodeURIComponent(res.data.runId));
      } }, 'Run now'), ' ',
      h('button', { type: 'button', onclick: async () => {
        const v = await dialog('Run ' + j.id + ' later', [field('In (a duration such as 10m)', 'in', { placeholder: '10m' }), field('Or at (an instant)', 'at', { type: 'datetime-local' })], 'Schedule');
        if (!v) return;
        const body = v.in.trim() ? { in: v.in.trim() } : v.at ? { at: new Date(v.at).toISOString() } : null;
        if (!body) return notice('run later: give a duration or an instant', true);
        await act(path('trigger'), body, 'run ' + j.id + ' later');
        scheduleRefresh();
      } }, 'Run later'), ' ',
      h('button', { type: 'button', onclick: async () => { await act(path(j.enabled ? 'disable' : 'enable'), undefined, (j.enabled ? 'disable ' : 'enable ') + j.id); scheduleRefresh(); } }, j.enabled ? 'Disable' : 'Enable'), ' ',
      h('button', { type: 'button', onclick: async () => {
        const v = await dialog('Reschedule ' + j.id, [h('p', { class: 'muted' }, 'One of schedule, every or at.'),
          field('Schedule (cron)', 'schedule', { value: j.schedule || '' }), field('Every', 'every', { placeholder: '10m' }), field('At', 'at', { placeholder: '2026-12-01T10:00:00Z' }),
          field('Zone', 'zone', { value: j.zone || '' }), field('Start', 'start'), field('End', 'end')], 'Reschedule');
        if (!v) return;
        const body = {};
        for (const k of ['schedule', 'every', 'at', 'zone', 'start', 'end']) if (v[k].trim()) body[k] = v[k].trim();
        await act(path('reschedule'), body, 'reschedule ' + j.id);
        scheduleRefresh();
      } }, 'Reschedule…'), ' ',
      h('button', { type: 'button', class: 'danger', onclick: async () => { if (await confirmAction('Reset ' + j.id + '?', 'Runtime changes (enabled, schedule) are dropped; the config file applies again.', 'Reset')) { await act(path('reset'), undefined, 'reset ' + j.id); scheduleRefresh(); } } }, 'Reset'),
    ];
  }

  // ---- runs ---------------------------------------------------------------------------------
  const FILTERS = ['job', 'tag', 'state', 'since'];
  function filterQuery(params, extra) {
    const q = new URLSearchParams();
    for (const k of FILTERS) if (params.get(k)) q.set(k, params.get(k));
    for (const [k, v] of Object.entries(extra || {})) if (v) q.set(k, v); else q.delete(k);
    return q;
  }
  function runTable(runs, selection) {
    return h('table', { class: 'runs' }, h('tr', {}, selection ? h('th', {}, h('input', { type: 'checkbox', title: 'select all on this page', onchange: (e) => {
      for (const c of e.target.closest('table').querySelectorAll('td input[type=checkbox]')) { c.checked = e.target.checked; c.dispatchEvent(new Event('change')); }
    } })) : null, ['Run', 'Job', 'State', 'Trigger', 'Created', 'Duration', 'Progress'].map((t) => h('th', {}, t))),
    runs.length ? runs.map((run) => h('tr', { 'data-run': run.runId },
      selection ? h('td', {}, h('input', { type: 'checkbox', checked: selection.has(run.runId), onchange: (e) => { if (e.target.checked) selection.add(run.runId); else selection.delete(run.runId); } })) : null,
      h('td', {}, runLink(run.runId)), h('td', {}, run.jobId), h('td', { class: 'state' }, pill(run.state)),
      h('td', {}, run.trigger, run.requestedBy ? h('span', { class: 'muted' }, ' by ' + run.requestedBy) : null),
      h('td', { class: 'nowrap' }, absolute(run.createdAt)), h('td', {}, ACTIVE.has(run.state) ? clock(() => elapsed(run)) : elapsed(run)),
      h('td', {}, run.progressFraction !== null && run.progressFraction !== undefined ? Math.round(run.progressFraction * 100) + '%' : '', run.progressMessage ? h('span', { class: 'muted' }, ' ' + run.progressMessage) : null)))
      : h('tr', {}, h('td', { colspan: 8, class: 'muted' }, 'No runs match.')));
  }
  views.runs = async (ctx, r) => {
    const p = r.params;
    const selection = new Set();
    const states = new Set((p.get('state') || '').split(',').filter(Boolean));
    const jobs = await api('/jobs');
    const form = h('form', { class: 'row', onsubmit: (e) => {
      e.preventDefault();
      const q = new URLSearchParams();
      for (const el of form.querySelectorAll('[name]')) if (el.value.trim()) q.set(el.name, el.value.trim());
      if (p.get('state')) q.set('state', p.get('state'));
      go('runs', q);
    } },
    'Job ', jobs.ok ? h('select', { name: 'job' }, h('option', { value: '' }, 'all'), jobs.data.map((j) => h('option', { value: j.id, selected: j.id === p.get('job') }, j.id)))
      : h('input', { name: 'job', value: p.get('job') || '', size: 12 }),
    ' Tag ', h('input', { name: 'tag', value: p.get('tag') || '', size: 10 }),
    ' Since ', h('input', { name: 'since', value: p.get('since') || '', placeholder: '2h or 2026-12-01T00:00:00Z', size: 24 }),
    h('button', { type: 'submit' }, 'Apply'), h('a', { href: '#/runs' }, 'clear'));
    const limit = Number(p.get('limit')) || 50;
    const s = section(ctx, async () => {
      const filters = filterQuery(p, { state: null });
      const listQuery = filterQuery(p, { limit: String(limit), before: p.get('before') });
      const [facets, page] = await Promise.all([api('/runs/facets?' + filters), api('/runs?' + listQuery)]);
      const facetRow = h('div', { class: 'row facets' }, 'State: ', h('a', { href: '#/runs?' + filters, class: states.size ? '' : 'on' }, pill('all', 'all')),
        facets.ok ? Object.entries(facets.data).sort().map(([k, n]) => {
          const next = new Set(states);
          if (next.has(k)) next.delete(k); else next.add(k);
          return [' ', h('a', { href: '#/runs?' + filterQuery(p, { state: [...next].join(','), before: null }), class: states.has(k) ? 'on' : '', 'data-state': k }, pill(k + ' ' + n, k))];
        }) : h('span', { class: 'muted' }, ' (no counts: ' + facets.error + ')'));
      if (!page.ok) return [facetRow, unavailable(page, 'Runs')];
      const next = page.headers.get('X-Next-Before');
      const pager = h('div', { class: 'row' },
        p.get('before') ? h('a', { href: '#/runs?' + filterQuery(p, { limit: p.get('limit') }) }, '« newest') : null,
        next ? h('a', { href: '#/runs?' + filterQuery(p, { before: next, limit: p.get('limit') }), id: 'older' }, 'older »') : h('span', { class: 'muted' }, 'end of the list'));
      const bulk = h('div', { class: 'row' }, 'Selected: ',
        h('button', { type: 'button', class: 'danger', onclick: () => bulkRuns('stop', [...selection]) }, 'Stop'),
        h('button', { type: 'button', onclick: () => bulkRuns('retry', [...selection]) }, 'Retry'),
        ' All matching the filter: ',
        h('button', { type: 'button', class: 'danger', onclick: async () => bulkRuns('stop', await allMatching(filters)) }, 'Stop all'),
        h('button', { type: 'button', onclick: async () => bulkRuns('retry', await allMatching(filters)) }, 'Retry all'));
      return [facetRow, runTable(page.data, selection), pager, bulk];
    });
    replace(ctx.main, h('h1', {}, 'Runs'), form, s.box);
    await s.run();
  };
  async function allMatching(filters) {
    const ids = [];
    let before = '';
    while (ids.length < 10000) {
      const q = new URLSearchParams(filters);
      q.set('limit', '500');
      if (before) q.set('before', before);
      const r = await api('/runs?' + q);
      if (!r.ok) { notice('cannot list the runs: ' + r.error, true); return []; }
      for (const run of r.data) ids.push({ id: run.runId, state: run.state });
      before = r.headers.get('X-Next-Before');
      if (!before) break;
    }
    return ids;
  }
  async function bulkRuns(action, picked) {
    let ids = picked.map((x) => (typeof x === 'string' ? { id: x } : x));
    if (action === 'stop') ids = ids.filter((x) => !x.state || ACTIVE.has(x.state));
    if (!ids.length) return notice(action + ': no ' + (action === 'stop' ? 'active ' : '') + 'runs selected', true);
    if (!(await confirmAction(action + ' ' + ids.length + ' run(s)?', ids.slice(0, 10).map((x) => x.id).join(', ') + (ids.length > 10 ? ', …' : ''), action))) return;
    let ok = 0; let firstError = '';
    for (const x of ids) {
      const r = await api('/runs/' + encodeURIComponent(x.id) + '/' + action, { method: 'POST' });
      if (r.ok) ok++; else if (!firstError) firstError = x.id + ': ' + (r.error || r.status);
    }
    notice(action + ': ' + ok + ' of ' + ids.length + ' done' + (firstError ? '; first failure: ' + firstError : ''), !!firstError);
    scheduleRefresh();
  }

  // ---- run detail ---------------------------------------------------------------------------
  views.run = async (ctx, r) => {
    const id = r.arg || '';
    let stopping = false;
    let run = null;
    const stateBox = h('span', { id: 'run-state' });
    const bar = h('div', { style: 'width: 0%' });
    const percent = h('span', { id: 'run-progress' });
    const message = h('span', { id: 'run-message', class: 'muted' });
    const clockBox = h('span', { id: 'run-elapsed' });
    const buttons = h('span', { class: 'row' });
    function paint(data) {
      run = Object.assign(run || {}, data);
      if (!ACTIVE.has(run.state)) stopping = false;
      replace(stateBox, pill(stopping ? 'stopping' : run.state, stopping ? 'stopping' : run.state));
      const fraction = run.progressFraction !== null && run.progressFraction !== undefined ? run.progressFraction : null;
      bar.style.width = fraction === null ? '0%' : Math.round(fraction * 100) + '%';
      percent.textContent = fraction === null ? 'no progress reported' : Math.round(fraction * 100) + ' %';
      message.textContent = run.progressMessage || '';
      replace(clockBox, ACTIVE.has(run.state) ? clock(() => elapsed(run)) : elapsed(run));
      replace(buttons,
        ACTIVE.has(run.state) ? h('button', { type: 'button', class: 'danger', id: 'run-stop', disabled: stopping, onclick: async () => {
          if (!(await confirmAction('Stop run ' + id + '?', 'The run is asked to stop; it shows as stopping until it ends.', 'Stop'))) return;
          const res = await act('/runs/' + encodeURIComponent(id) + '/stop', undefined, 'stop ' + short(id));
          if (res.ok) { stopping = true; paint({}); }
        } }, 'Stop') : null,
        !ACTIVE.has(run.state) ? h('button', { type: 'button', id: 'run-retry', onclick: async () => {
          const res = await act('/runs/' + encodeURIComponent(id) + '/retry', undefined, 'retry ' + short(id));
          if (res.ok && res.data && res.data.runId) go('run/' + encodeURIComponent(res.data.runId));
        } }, 'Retry') : null);
    }
    const details = section(ctx, async () => {
      const [got, children] = await Promise.all([api('/runs/' + encodeURIComponent(id)), api('/runs?limit=100&parent=' + encodeURIComponent(id))]);
      if (!got.ok) return h('p', {}, got.status === 404 ? 'No run ' + id + '.' : 'Cannot read the run: ' + got.error);
      paint(got.data);
      const d = got.data;
      const json = (text) => { try { return JSON.stringify(JSON.parse(text), null, 2); } catch (_) { return text; } };
      return [
        h('div', { class: 'timeline' },
          h('div', {}, h('div', { class: 'muted' }, d.scheduledFor ? 'scheduled' : 'created'), absolute(d.scheduledFor || d.createdAt)),
          h('div', {}, h('div', { class: 'muted' }, 'started'), d.startedAt ? absolute(d.startedAt) : '—'),
          h('div', {}, h('div', { class: 'muted' }, 'finished'), d.finishedAt ? absolute(d.finishedAt) : '—')),
        h('div', { class: 'grid2' },
          h('div', {}, h('table', {},
            [['Job', link('#/runs?job=' + encodeURIComponent(d.jobId), d.jobId)], ['Trigger', d.trigger + (d.requestedBy ? ' by ' + d.requestedBy : '')],
              ['Attempt', String(d.attempt)], ['Retry of', runLink(d.retryOf)], ['Parent', runLink(d.parentRunId)],
              ['Children', children.ok && children.data.length ? children.data.map((c) => [runLink(c.runId), ' ', pill(c.state), ' ']) : '—'],
              ['Exit', d.exitCode !== null && d.exitCode !== undefined ? 'code ' + d.exitCode : d.signal ? 'signal ' + d.signal : '—'],
              ['Steps', d.steps && d.steps.length ? h('ol', {}, d.steps.map((st) => h('li', {}, st, st === d.lastCompletedStep ? ' ✓ (last completed)' : ''))) : '—'],
            ].map(([k, v]) => h('tr', {}, h('th', {}, k), h('td', {}, v))))),
          h('div', {}, h('h2', {}, 'Input'), h('pre', { class: 'json', id: 'run-input' }, json(d.input)),
            h('h2', {}, 'Output'), h('pre', { class: 'json' }, d.output ? json(d.output) : '—'))),
        d.error ? [h('h2', {}, 'Error'), h('p', { id: 'run-error' }, d.error), d.errorDetail ? h('pre', { class: 'json' }, d.errorDetail) : null] : null,
      ];
    });
    const panel = logPanel(() => '/runs/' + encodeURIComponent(id) + '/log?follow', 'run-' + id + '.log', false);
    replace(ctx.main, h('h1', {}, 'Run ', h('span', { class: 'muted' }, id), ' ', stateBox), buttons,
      h('div', { class: 'row' }, h('div', { class: 'progress', style: 'flex: 1' }, bar, percent), ' ', message, ' elapsed ', clockBox),
      details.box, h('h2', {}, 'Log'), panel.node);
    // A steward without progress events: while the run is active, its record once a second.
    let heard = 0;
    const poll = setInterval(async () => {
      if (!run || !ACTIVE.has(run.state) || Date.now() - heard < 1000) return;
      const got = await api('/runs/' + encodeURIComponent(id));
      if (got.ok) paint(got.data);
    }, 1000);
    ctx.cleanup = () => { clearInterval(poll); panel.stop(); };
    ctx.onEvent = (kind, data) => {
      if (kind === 'progress' && data.runId === id) heard = Date.now();
      if ((kind === 'run' || kind === 'progress') && data.runId === id) {
        if (kind === 'progress') paint({ progressFraction: data.percent !== undefined ? data.percent / 100 : data.fraction, progressMessage: data.message });
        else { paint(data); if (!ACTIVE.has(data.state)) scheduleRefresh(); }
        return true;
      }
      return !(kind === 'run' && data.parentRunId === id); // a child's change refreshes the children
    };
    await details.run();
    panel.start();
  };

  // ---- audit --------------------------------------------------------------------------------
  views.audit = async (ctx) => {
    const s = section(ctx, async () => {
      const r = await api('/audit?limit=200');
      if (!r.ok) return unavailable(r, 'The audit trail');
      return h('table', {}, h('tr', {}, ['When', 'Who', 'Action', 'Target', 'Detail', 'Run'].map((t) => h('th', {}, t))),
        r.data.length ? r.data.map((a) => h('tr', {}, h('td', { class: 'nowrap' }, absolute(a.at)), h('td', {}, a.actor), h('td', {}, a.action),
          h('td', {}, a.target), h('td', {}, a.detail || ''), h('td', {}, runLink(a.runId)))) : h('tr', {}, h('td', { colspan: 6, class: 'muted' }, 'Nothing recorded yet.')));
    });
    replace(ctx.main, h('h1', {}, 'Audit'), s.box);
    ctx.onEvent = (kind) => kind !== 'audit' && kind !== 'run';
    await s.run();
  };

  showToken();
  connect();
  render();
})();
