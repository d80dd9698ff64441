// The jobs: schedule, next fire, last run; Run now (with input), Run later, enable/disable, reschedule.
import { h, pill, link, when, absolute, elapsed, runLink, replace } from './dom.js';
import { api, act, dialog, field, notice, confirmAction } from './api.js';
import { go, scheduleRefresh, section, unavailable } from './live.js';

export const jobs = async (ctx, r) => {
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
