#!/usr/bin/env node
// check-trace.js TRACE.json SUMMARY.json - reads bgsim's Perfetto output (Chrome trace-event
// JSON, rep_perfetto.h) with an independent parser, @tracerbench/trace-model (pinned in
// package-lock.json beside this file; tools/install-deps.sh runs `npm ci` here), and checks the
// model it builds against the run's JSON summary (bgsim run --format json):
//   - one process, named with the scenario and its local start date and time;
//   - every track (thread) named by thread_name metadata; every event has a category ("cat");
//   - slices on one track nest, as the format requires and Perfetto expects (Perfetto's
//     docs/getting-started/other-formats.md, "Chrome JSON format": duration events must nest);
//   - the trace starts at local midnight of the start date, and the "local date" track names each
//     local day ("Mon 05 Jan 2026"), back to back;
//   - the top-level metadata carries the start (bgsim_start_local) and the time origin;
//   - worker runs and task runs agree with the summary's counts.
// Prints "trace-model: ok ..." and exits 0, or prints each failed check and exits 1.
'use strict';
const fs = require('fs');
const { buildModel } = require('@tracerbench/trace-model');

const [tracePath, summaryPath] = process.argv.slice(2);
if (!tracePath || !summaryPath) {
  console.error('usage: check-trace.js TRACE.json SUMMARY.json');
  process.exit(2);
}
const trace = JSON.parse(fs.readFileSync(tracePath, 'utf8'));
const summary = JSON.parse(fs.readFileSync(summaryPath, 'utf8'));
const failures = [];
const check = (ok, what) => {
  if (!ok) failures.push(what);
};

const model = buildModel(trace);
check(model.processes.length === 1, `one process, found ${model.processes.length}`);
const proc = model.processes[0];
const day = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) [0-3][0-9] (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [0-9]{4}$/;
check(/^device \(.+\) from (Mon|Tue|Wed|Thu|Fri|Sat|Sun) [0-9]{2} [A-Z][a-z]{2} [0-9]{4} [0-9]{2}:[0-9]{2} local time$/.test(proc.name),
  `process name with the local start: "${proc.name}"`);

const threads = new Map(proc.threads.map((t) => [t.name, t]));
for (const t of proc.threads) check(t.name !== '', `track ${t.tid} has no name`);
for (const name of ['local date', 'battery', 'charging', 'power saving', 'network', 'screen', 'user asleep',
  'doze / idle', 'app process', 'worker', 'held back by the OS']) {
  check(threads.has(name), `a track named "${name}"`);
}

for (const e of model.events) {
  const cat = e.traceEvent.cat;
  check(typeof cat === 'string' && cat.length > 0, `event without "cat": ${JSON.stringify(e.traceEvent)}`);
}

// nesting: on one track, a slice starts after the enclosing one ends or ends within it
for (const t of proc.threads) {
  const stack = [];
  for (const e of t.events.filter((x) => x.isComplete()).sort((a, b) => a.start - b.start || b.end - a.end)) {
    while (stack.length && stack[stack.length - 1].end <= e.start) stack.pop();
    if (stack.length && e.end > stack[stack.length - 1].end) {
      const p = stack[stack.length - 1];
      check(false, `track "${t.name}": "${e.name}" [${e.start}, ${e.end}) overlaps "${p.name}" [${p.start}, ${p.end}) without nesting`);
      break;
    }
    stack.push(e);
  }
}

// time: ts 0 is local midnight of the start date; the date track covers the days back to back
const meta = model.metadata || {};
const startLocal = meta.bgsim_start_local || '';
const m = /^([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})\.([0-9]{3})$/.exec(startLocal);
check(m !== null, `metadata.bgsim_start_local is a local date-time: "${startLocal}"`);
check(meta.bgsim_ts_origin_local === (m ? `${m[1]}-${m[2]}-${m[3]}T00:00:00.000` : '?'),
  `metadata.bgsim_ts_origin_local is the start date's midnight: "${meta.bgsim_ts_origin_local}"`);
const originMs = m ? ((+m[4] * 60 + +m[5]) * 60 + +m[6]) * 1000 + +m[7] : 0;
check(meta.bgsim_ts_origin_ms_before_start === originMs, `metadata.bgsim_ts_origin_ms_before_start ${meta.bgsim_ts_origin_ms_before_start} != ${originMs}`);
check(model.start === 0, `the trace starts at ts 0 (local midnight), not ${model.start}`);
const endUs = (originMs + summary.duration_ms) * 1000;
check(model.end <= endUs, `the trace ends by the end of the run: ${model.end} > ${endUs}`);
const dates = threads.has('local date') ? threads.get('local date').events.filter((e) => e.isComplete()) : [];
check(dates.length === Math.ceil(endUs / 86400e6), `${dates.length} local days, expected ${Math.ceil(endUs / 86400e6)}`);
dates.forEach((d, i) => {
  check(day.test(d.name), `a local day's name: "${d.name}"`);
  check(d.start === i * 86400e6, `day ${i} ("${d.name}") starts at local midnight: ${d.start}`);
});
if (m && dates.length) {
  const weekday = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3])).toUTCString().slice(0, 3);
  check(dates[0].name.startsWith(weekday), `the first day "${dates[0].name}" is a ${weekday}`);
  check(proc.name.includes(`${dates[0].name} ${m[4]}:${m[5]}`), `the process name has the start "${dates[0].name} ${m[4]}:${m[5]}"`);
}
const firstRun = (threads.get('worker') ? threads.get('worker').events : []).find((e) => e.isComplete());
if (firstRun) check(firstRun.start >= originMs * 1000, `the first worker run starts after the start of the run`);

// counts agree with the summary
const ran = threads.has('worker')
  ? threads.get('worker').events.filter((e) => e.isComplete() && e.getStringArg('kind') === 'ran').length : -1;
check(ran === summary.worker.runs, `worker runs: trace ${ran}, summary ${summary.worker.runs}`);
summary.tasks.forEach((task) => {
  const t = threads.get(`task ${task.name}`);
  const runs = t ? t.events.filter((e) => e.isComplete() && e.name === task.name).length : -1;
  check(runs === task.runs, `task ${task.name} runs: trace ${runs}, summary ${task.runs}`);
});

if (failures.length) {
  for (const f of failures.slice(0, 20)) console.error(`FAIL: ${f}`);
  process.exit(1);
}
console.log(`trace-model: ok: ${model.events.length} events, ${proc.threads.length} named tracks, ` +
  `${dates.length} local days from ${dates[0] ? dates[0].name : '?'}, ${ran} worker runs`);
