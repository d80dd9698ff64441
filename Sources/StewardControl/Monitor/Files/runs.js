// The runs (state facets, filters in the URL, server-side pages, bulk actions) and one run's page.
import { ACTIVE, h, pill, link, clock, elapsed, absolute, runLink, short, replace } from './dom.js';
import { api, act, notice, confirmAction } from './api.js';
import { go, scheduleRefresh, section, unavailable } from './live.js';
import { logPanel } from './logs.js';

const FILTERS = ['job', 'tag', 'state', 'since'];
function filterQuery(params, extra) {
  const q = new URLSearchParams();
  for (const k of FILTERS) if (params.get(k)) q.set(k, params.get(k));
  for (const [k, v] of Object.entries(extra || {})) if (v) q.set(k, v); else q.delete(k);
  return q;
}
// With a shared journal (a run has a node) a Node column says where each ran.
export function runTable(runs, selection) {
  const shared = runs.some((run) => run.node);
  return h('table', { class: 'runs' }, h('tr', {}, selection ? h('th', {}, h('input', { type: 'checkbox', title: 'select all on this page', onchange: (e) => {
    for (const c of e.target.closest('table').querySelectorAll('td input[type=checkbox]')) { c.checked = e.target.checked; c.dispatchEvent(new Event('change')); }
  } })) : null, ['Run', 'Job', 'State', 'Trigger'].concat(shared ? ['Node'] : [], ['Created', 'Duration', 'Progress']).map((t) => h('th', {}, t))),
  runs.length ? runs.map((run) => h('tr', { 'data-run': run.runId },
    selection ? h('td', {}, h('input', { type: 'checkbox', checked: selection.has(run.runId), onchange: (e) => { if (e.target.checked) selection.add(run.runId); else selection.delete(run.runId); } })) : null,
    h('td', {}, runLink(run.runId)), h('td', {}, run.jobId), h('td', { class: 'state' }, pill(run.state)),
    h('td', {}, run.trigger, run.requestedBy ? h('span', { class: 'muted' }, ' by ' + run.requestedBy) : null),
    shared ? h('td', { class: 'node' }, run.node || '—') : null,
    h('td', { class: 'nowrap' }, absolute(run.createdAt)), h('td', {}, ACTIVE.has(run.state) ? clock(() => elapsed(run)) : elapsed(run)),
    h('td', {}, run.progressFraction !== null && run.progressFraction !== undefined ? Math.round(run.progressFraction * 100) + '%' : '', run.progressMessage ? h('span', { class: 'muted' }, ' ' + run.progressMessage) : null)))
    : h('tr', {}, h('td', { colspan: shared ? 9 : 8, class: 'muted' }, 'No runs match.')));
}
export const runs = async (ctx, r) => {
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

export const run = async (ctx, r) => {
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
    // Its retries: the job's recent runs that name this one as the run they retry.
    const sameJob = await api('/runs?limit=200&job=' + encodeURIComponent(d.jobId));
    const retries = sameJob.ok ? sameJob.data.filter((x) => x.retryOf === id) : [];
    const json = (text) => { try { return JSON.stringify(JSON.parse(text), null, 2); } catch (_) { return text; } };
    return [
      h('div', { class: 'timeline' },
        h('div', {}, h('div', { class: 'muted' }, d.scheduledFor ? 'scheduled' : 'created'), absolute(d.scheduledFor || d.createdAt)),
        h('div', {}, h('div', { class: 'muted' }, 'started'), d.startedAt ? absolute(d.startedAt) : '—'),
        h('div', {}, h('div', { class: 'muted' }, 'finished'), d.finishedAt ? absolute(d.finishedAt) : '—')),
      h('div', { class: 'grid2' },
        h('div', {}, h('table', {},
          [['Job', link('#/runs?job=' + encodeURIComponent(d.jobId), d.jobId)], ['Trigger', d.trigger + (d.requestedBy ? ' by ' + d.requestedBy : '')],
            ['Attempt', String(d.attempt)], ['Node', d.node || '—'], ['Retry of', runLink(d.retryOf)],
            ['Retries', retries.length ? retries.map((x) => [runLink(x.runId), ' ', pill(x.state), ' ']) : '—'], ['Parent', runLink(d.parentRunId)],
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
