// The overview, processes, a process's log, and the audit.
import { FAILED, SIGNALS, h, pill, link, clock, span, absolute, runLink, replace } from './dom.js';
import { api, act, dialog, confirmAction } from './api.js';
import { scheduleRefresh, section, unavailable } from './live.js';
import { logPanel } from './logs.js';
import { runTable } from './runs.js';

export const overview = async (ctx) => {
  const s = section(ctx, async () => {
    const [status, live, journal, facets, failures, nodes] = await Promise.all([api('/status'), api('/livez'), api('/journal'), api('/runs/facets'),
      api('/runs?limit=10&state=' + FAILED), api('/nodes')]);
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
    return [h('h1', {}, 'Overview'), h('div', { class: 'cards' }, cards), nodes.ok ? nodeTable(nodes.data) : null, h('h2', {}, 'Recent failures'),
      failures.ok ? runTable(failures.data, null) : unavailable(failures, 'Runs')];
  });
  replace(ctx.main, s.box);
  await s.run();
};

// The stewards sharing a PostgreSQL journal (GET /nodes answers only then).
function nodeTable(nodes) {
  const state = (n) => pill(n.state, { left: 'stopped', silent: 'bad', alive: 'ok' }[n.state] || 'bad');
  return [h('h2', {}, 'Nodes (' + nodes.length + ')'), h('table', { class: 'nodes' },
    h('tr', {}, ['Node', 'State', 'Heartbeat', 'Running', 'Version', 'Host', 'PID'].map((t) => h('th', {}, t))),
    nodes.map((n) => h('tr', { 'data-node': n.name }, h('td', {}, n.name, n.isThisNode ? h('span', { class: 'muted' }, ' (this steward)') : null),
      h('td', {}, state(n)), h('td', {}, span(n.heartbeatAgeMs) + ' ago'),
      h('td', {}, h('a', { href: '#/runs?state=running' }, String(n.runningRuns))), h('td', {}, n.version), h('td', {}, n.host || '—'),
      h('td', {}, n.pid ? String(n.pid) : '—'))))];
}

export const processes = async (ctx) => {
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
export const process = async (ctx, r) => {
  const name = r.arg || '';
  const panel = logPanel((lines, follow) => '/processes/' + encodeURIComponent(name) + '/logs?lines=' + lines + (follow ? '&follow' : ''), name + '.log', true);
  replace(ctx.main, h('h1', {}, 'Process ', name), h('div', { class: 'row' }, processButtons(name), ' ', link('#/processes', 'all processes')), panel.node);
  ctx.cleanup = panel.stop;
  panel.start();
};

export const audit = async (ctx) => {
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
