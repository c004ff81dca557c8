// Figure 6: the web console in Debian's Chromium (headless) against a real nubed.
//   (a) event to DOM: from a VM's state change (the event's time, stamped by nubed) to the VM
//       list's row showing the new state (a MutationObserver's time in the page; both clocks are
//       the host's wall clock), beside a plain SSE client's receipt of the same event;
//   (b) first paint of the VM list with 256 VMs defined: from navigation start to the 256th row
//       in the DOM, to the frame after it, and the browser's Largest Contentful Paint.
// bench/run.sh runs it (--only web, or with every figure) and it writes its section into
// bench/results/latest.md. Usage: node bench/web/console.bench.mjs [--rounds N] [--loads N]
// [--vms N] [--out FILE] [--command TEXT]

import { readFileSync, readdirSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DESKTOP, launchBrowser } from '../../web/tests/support/browser.mjs';
import { guestFile, startNubed } from '../../web/tests/support/nubed.mjs';
import { followEvents, serverMs } from './sse.mjs';
import { ms, stats, writeSection } from './report.mjs';

const { values: opt } = parseArgs({
  options: {
    rounds: { type: 'string', default: '10' },
    loads: { type: 'string', default: '10' },
    vms: { type: 'string', default: '256' },
    out: { type: 'string', default: 'bench/results/latest.md' },
    command: { type: 'string', default: 'bench/run.sh --only web' },
  },
});
const ROUNDS = Number(opt.rounds);
const LOADS = Number(opt.loads);
const VMS = Number(opt.vms);
const WAIT_MS = 60_000;

const started = Date.now();
const loadAtStart = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const qemusAtStart = otherQemus();
const idleVm = (name) => ({
  name, memoryStartupMiB: 64,
  ideDrives: [{ controller: 0, location: 0, media: 'dvd', path: guestFile('data.img') }],
  boot: { kind: 'disk', disk: 'ide0:0' },
});

const nubed = await startNubed();
const browser = await launchBrowser();
let eventRounds;
let loads;
try {
  eventRounds = await eventToDom();
  loads = await firstPaint();
} finally {
  await browser.close();
  await nubed.stop();
}
report();

async function newPage() {
  const context = await browser.newContext({
    baseURL: nubed.url, viewport: DESKTOP, extraHTTPHeaders: { Authorization: `Bearer ${nubed.token}` },
  });
  return { context, page: await context.newPage() };
}

/** (a): rounds of start and turn-off of one idle VM; every state change is a sample. */
async function eventToDom() {
  const vm = (await nubed.api('POST', '/api/v1/vms', idleVm('bench-vm'))).summary;
  const { context, page } = await newPage();
  await page.goto('/vms');
  await page.locator('tr[data-vm="bench-vm"] td[data-state]').waitFor();
  await page.evaluate(() => {
    window.benchSeen = [];
    let last = null;
    new MutationObserver(() => {
      const state = document.querySelector('tr[data-vm="bench-vm"] td[data-state]')?.dataset.state;
      if (state && state !== last) {
        last = state;
        window.benchSeen.push({ state, at: performance.timeOrigin + performance.now() });
      }
    }).observe(document.querySelector('tbody'), { subtree: true, childList: true, attributes: true, attributeFilter: ['data-state'] });
  });
  const events = [];
  const close = followEvents(nubed.socket, (e, at) => {
    if (e.type === 'vm-state-changed' && e.vmId === vm.id) events.push({ state: e.state, server: serverMs(e.time), sse: at });
  });
  const rounds = [];
  try {
    await new Promise((r) => setTimeout(r, 500)); // the plain client's stream is open
    for (let round = 0; round <= ROUNDS; round++) {
      const from = events.length;
      const seenFrom = await page.evaluate(() => window.benchSeen.length);
      await nubed.api('POST', `/api/v1/vms/${vm.id}/start?wait=60`);
      await page.locator('tr[data-vm="bench-vm"] td[data-state="running"]').waitFor({ timeout: WAIT_MS });
      await nubed.api('POST', `/api/v1/vms/${vm.id}/turn-off?wait=60`);
      await page.locator('tr[data-vm="bench-vm"] td[data-state="off"]').waitFor({ timeout: WAIT_MS });
      await new Promise((r) => setTimeout(r, 300));
      const seen = (await page.evaluate(() => window.benchSeen)).slice(seenFrom);
      rounds.push({ warmup: round === 0, samples: pair(events.slice(from), seen) });
    }
  } finally {
    close();
    await context.close();
  }
  return rounds;
}

/** Each event with the first time the row showed its state after the one before; a state the row never showed (two events in one frame) has no DOM time. */
function pair(events, seen) {
  let next = 0;
  return events.map((e) => {
    const i = seen.findIndex((s, k) => k >= next && s.state === e.state && s.at >= e.server - 5);
    if (i < 0) return { ...e, dom: null };
    next = i + 1;
    return { ...e, dom: seen[i].at };
  });
}

/** (b): VMS idle VMs defined; each load in a fresh browser context (nothing cached). */
async function firstPaint() {
  const have = (await nubed.api('GET', '/api/v1/vms')).length;
  for (let i = have; i < VMS; i += 16) {
    await Promise.all(Array.from({ length: Math.min(16, VMS - i) }, (_, k) =>
      nubed.api('POST', '/api/v1/vms', idleVm(`vm-${String(i + k).padStart(3, '0')}`))));
  }
  const results = [];
  for (let load = 0; load <= LOADS; load++) {
    const { context, page } = await newPage();
    await page.addInitScript((count) => {
      window.bench = {};
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) window.bench.lcp = e.startTime;
      }).observe({ type: 'largest-contentful-paint', buffered: true });
      new MutationObserver(() => {
        if (window.bench.rows || document.querySelectorAll('tbody tr').length < count) return;
        window.bench.rows = performance.now();
        // The frame after: rAF runs before that frame's paint, the task after it once painted.
        requestAnimationFrame(() => setTimeout(() => { window.bench.painted = performance.now(); }, 0));
      }).observe(document, { childList: true, subtree: true });
    }, VMS);
    await page.goto('/vms');
    await page.waitForFunction(() => window.bench.painted, null, { timeout: WAIT_MS });
    await page.waitForTimeout(500); // the last LCP entry comes with the painted frame
    const r = await page.evaluate(() => ({
      ...window.bench,
      fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime,
      listRead: performance.getEntriesByType('resource').find((e) => e.name.endsWith('/api/v1/vms'))?.duration,
    }));
    results.push({ warmup: load === 0, ...r });
    await context.close();
  }
  return results;
}

function report() {
  const measured = eventRounds.filter((r) => !r.warmup).flatMap((r) => r.samples);
  const shown = measured.filter((s) => s.dom !== null);
  const dom = stats(shown.map((s) => s.dom - s.server));
  const sse = stats(measured.map((s) => s.sse - s.server));
  const byState = (state) => stats(shown.filter((s) => s.state === state).map((s) => s.dom - s.server));
  const paints = loads.filter((l) => !l.warmup);
  const rows = stats(paints.map((l) => l.rows));
  const painted = stats(paints.map((l) => l.painted));
  const known = (key) => paints.map((l) => l[key]).filter((v) => v != null);
  const lcp = stats(known('lcp'));
  const fcp = stats(known('fcp'));
  const listRead = stats(known('listRead'));
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  const runLine = `${new Date(started).toISOString().slice(0, 16).replace('T', ' ')} UTC; command \`${opt.command}\`; ` +
    `load at start: ${loadAtStart}; other QEMUs running (not the bench's): ${qemusAtStart} at start, ${otherQemus()} at the end; ` +
    `duration: ${seconds} s; Chromium ${browser.version()} headless`;
  const row = (label, s, how) => `| ${label} | ${s.n} | **${ms(s.median)}** | ${ms(s.p90)} | ${ms(s.min)} | ${ms(s.max)} | ${how} |`;
  const section = `## Figure 6: the web console, event to DOM and first paint with ${VMS} VMs

One nubed (its own data folder), the console built as scripts/build.sh builds it, Debian's Chromium headless at ${DESKTOP.width}x${DESKTOP.height} through playwright-core. VMs are idle ones (64 MiB, a DVD with no boot sector: the BIOS idles), so that the machine stays quiet.

**Event to DOM.** ${ROUNDS} rounds (after 1 warm-up round not counted) of \`start\` then \`turn-off\` of one VM through the API, with the VM list open. Each \`vm-state-changed\` event is a sample: from the event's \`time\` (stamped by nubed when the state changed) to the moment the row's state cell shows that state (a MutationObserver in the page, \`performance.timeOrigin + performance.now()\`; the same wall clock of the same host). The console applies events once per animation frame, so a state that lasts less than a frame may never be shown (${measured.length - shown.length} of ${measured.length} here); the reference is a plain SSE client (Node, on the UNIX socket) receiving the same events.

| | n | median (ms) | p90 (ms) | min (ms) | max (ms) | |
|---|---:|---:|---:|---:|---:|---|
${row('state change → row shows it (all states)', dom, 'event time to DOM mutation in the page')}
${row('… to running', byState('running'), '')}
${row('… to off', byState('off'), '')}
${row('state change → a plain SSE client has it', sse, 'the reference: the stream\'s own delivery')}

**First paint with ${VMS} VMs.** ${LOADS} loads of \`/vms\` (after 1 warm-up load not counted), each in a fresh browser context (empty cache: every asset fetched), ${VMS} VMs defined, none running. Times from navigation start.

| | n | median (ms) | p90 (ms) | min (ms) | max (ms) | |
|---|---:|---:|---:|---:|---:|---|
${row(`the ${VMS}th row is in the DOM`, rows, 'MutationObserver from an init script')}
${row('the frame after it is painted', painted, 'requestAnimationFrame, then the next task')}
${row('Largest Contentful Paint', lcp, 'the browser\'s own entry: an element above the list (no row is larger), so it says little here')}
${row('First Contentful Paint', fcp, 'the browser\'s own entry (the page before the list is read)')}
${row('`GET /api/v1/vms` (in the page)', listRead, 'Resource Timing: the list\'s request, part of the above')}
`;
  writeSection(opt.out, runLine, section);
  console.log(section);
  console.error(`bench: wrote figure 6 into ${opt.out}`);
}

function otherQemus() {
  let n = 0;
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      if (/(^|\/)qemu-system/.test(cmd) && !cmd.includes('/tmp/nube-web-')) n++;
    } catch {
      // gone meanwhile
    }
  }
  return n;
}
