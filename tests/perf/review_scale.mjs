// Review mode at scale, measured in the real webview (under Xvfb, through tauri-driver and
// WebKitWebDriver): the demo with its next high-risk release grown to 200 checklist items
// and 2,000 work items (the demo's export, edited, imported with the CLI). Prints a Markdown
// table of
//   1. review mode opened: data arrived to painted (`data-opened-ms` of ReviewMode), over
//      RUNS openings;
//   2. a tick: sent to shown (`data-write-ms`), over TICKS items ticked with evidence.
//
//   SWITCHYARD_PROFILE=debug xvfb-run -a -s "-screen 0 1280x800x24" node tests/perf/review_scale.mjs
//
// Every process started here is stopped in `finally`, and every wait has a deadline.

import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { WebDriver, startDriver, stopDriver, waitUntil } from '../e2e/webdriver.mjs';

const root = resolve(import.meta.dirname, '../..');
const profile = process.env.SWITCHYARD_PROFILE ?? 'release';
const app = join(root, 'target', profile, 'switchyard-desktop');
const cli = join(root, 'target', profile, 'switchyard');
const runs = Number(process.env.RUNS ?? 5);
const ticks = Number(process.env.TICKS ?? 10);
const ITEMS = 200;
const WORK_ITEMS = 2000;
const port = 4444 + ((process.pid + 401) % 500);
const KEY = { enter: '\uE007', escape: '\uE00C', down: '\uE015', control: '\uE009' };

const home = mkdtempSync(join(tmpdir(), 'switchyard-review-scale-'));
const env = {
  ...process.env,
  XDG_DATA_HOME: join(home, 'data'),
  XDG_CONFIG_HOME: join(home, 'config'),
  XDG_CACHE_HOME: join(home, 'cache'),
  RUST_LOG: 'warn',
};

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : NaN;
};
const max = (xs) => Math.max(...xs);
const fmt = (x) => (Number.isFinite(x) ? x.toFixed(1) : 'n/a');

function run(args, extra = {}) {
  return execFileSync(cli, args, { env: { ...env, ...extra }, maxBuffer: 256 << 20, timeout: 120_000 });
}

/** The demo, its next high-risk release grown; answers the workspace file and the release. */
function workspace() {
  const demo = join(home, 'demo.sqlite3');
  run(['--db', demo, 'demo', 'load']);
  const doc = JSON.parse(run(['--db', demo, 'export', '--format', 'json']).toString());
  const today = new Date().toISOString().slice(0, 10);
  const latest = new Map();
  for (const a of doc.risk_assessments) {
    if (!latest.has(a.release_id) || latest.get(a.release_id).id < a.id) latest.set(a.release_id, a);
  }
  const r = doc.releases
    .filter((x) => !x.released && ['planned', 'in_progress'].includes(x.status) && x.release_date >= today)
    .sort((a, b) => a.release_date.localeCompare(b.release_date))
    .find((x) => (latest.get(x.id)?.override_class ?? latest.get(x.id)?.class) === 'high');
  const list = doc.checklists.find((c) => c.release_id === r.id);
  const manual = list.items.find((i) => i.kind === 'manual');
  let itemId = Math.max(...doc.checklists.flatMap((c) => c.items.map((i) => i.id))) + 1;
  let position = Math.max(...list.items.map((i) => i.position));
  while (list.items.length < ITEMS) {
    const n = list.items.length + 1;
    list.items.push({ ...manual, id: itemId++, position: ++position, title: `Scale check ${n}`, state: 'pending', evidence_url: null, note: '' });
  }
  const template = doc.work_items.find((w) => w.kind !== 'pull_request' && w.release_ids.includes(r.id)) ?? doc.work_items[0];
  let workId = Math.max(...doc.work_items.map((w) => w.id)) + 1;
  let added = doc.work_items.filter((w) => w.release_ids.includes(r.id)).length;
  for (let n = 1; added < WORK_ITEMS; n++, added++) {
    doc.work_items.push({
      ...template,
      id: workId++,
      source: null,
      source_key: `SCALE-${n}`,
      title: `Scale work item ${n}`,
      url: null,
      release_ids: [r.id],
    });
  }
  const file = join(home, 'doc.json');
  writeFileSync(file, JSON.stringify(doc));
  const db = join(home, 'scale.sqlite3');
  run(['--db', db, 'import', '--format', 'json', file]);
  return { db, release: r };
}

const { db, release } = workspace();
const wd = new WebDriver(`http://127.0.0.1:${port}`);
const driver = startDriver(port, { ...env, SWITCHYARD_DB: db });
const attr = (name) => wd.execute(`return document.querySelector('[data-testid="review-mode"]')?.getAttribute(${JSON.stringify(name)}) ?? null`);

try {
  await wd.waitForServer(20_000);
  await wd.start(app, { ...env, SWITCHYARD_DB: db });
  await wd.waitFor('[data-testid="calendar"][data-ready="true"]', 120_000);
  // Its panel through quick search.
  await wd.call('POST', wd.s('/actions'), {
    actions: [{ type: 'key', id: 'keyboard', actions: [{ type: 'keyDown', value: KEY.control }, { type: 'keyDown', value: 'k' }, { type: 'keyUp', value: 'k' }, { type: 'keyUp', value: KEY.control }] }],
  });
  await wd.call('DELETE', wd.s('/actions'));
  const input = await wd.waitFor('[data-testid="quick-search-input"]', 5_000);
  await wd.call('POST', wd.s(`/element/${input}/value`), { text: release.name });
  const options = await waitUntil(
    'search results',
    async () => {
      const o = await wd.execute('return [...document.querySelectorAll("[data-testid=quick-search-option]")].map(e => [e.dataset.kind, e.dataset.key])');
      return o.length > 0 ? o : null;
    },
    10_000,
  );
  const at = options.findIndex(([kind, key]) => kind === 'release' && Number(key) === release.id);
  if (at > 0) await wd.press(KEY.down, at);
  await wd.press(KEY.enter);
  await wd.waitFor('[data-testid="release-panel"]', 10_000);

  const opened = [];
  for (let i = 0; i < runs; i++) {
    await wd.click(await wd.waitFor('[data-testid="release-review"]', 10_000));
    opened.push(Number(await waitUntil('opened', () => attr('data-opened-ms'), 60_000)));
    if (i < runs - 1) {
      await wd.press(KEY.escape);
      await waitUntil('closed', async () => (await wd.findAll('[data-testid="review-mode"]')).length === 0, 10_000);
    }
  }
  const items = await wd.execute('return document.querySelectorAll("[data-testid=review-item]").length');
  // The read alone (no paint): the command's round trip through IPC, and its answer's size.
  const reads = [];
  let bytes = 0;
  for (let i = 0; i < runs; i++) {
    const [ms, size] = (
      await wd.call('POST', wd.s('/execute/async'), {
        script: `const done = arguments[arguments.length - 1];
          const t = performance.now();
          window.__TAURI_INTERNALS__.invoke('get_release_review', { release: ${release.id} })
            .then((r) => done([performance.now() - t, JSON.stringify(r).length]), (e) => done([NaN, String(e)]));`,
        args: [],
      })
    );
    reads.push(ms);
    bytes = size;
  }
  const works = await wd.execute('return document.querySelector("[data-testid=review-work-count]").textContent');

  const written = [];
  const splits = [];
  for (let i = 0; i < ticks; i++) {
    const key = await wd.execute(
      'return [...document.querySelectorAll(\'[data-testid="review-item"][data-kind="manual"]\')].find(e => e.dataset.state !== "done")?.dataset.key',
    );
    const sel = (css) => `[data-testid="review-item"][data-key="${key}"] ${css}`;
    await wd.click(await wd.waitFor(sel('[data-testid="item-done"]'), 10_000));
    const ev = await wd.waitFor(sel('[data-testid="item-evidence"]'), 10_000);
    await wd.call('POST', wd.s(`/element/${ev}/value`), { text: `https://wiki.example.com/scale/${i}` });
    const before = Number(await attr('data-writes'));
    // The save is clicked from the page (a DOM click, as a pointer's ends up): WebDriver's
    // own click keeps the page's thread busy past the answer's arrival (scrolling into view,
    // waiting for a frame), and that wait is the driver's, not the window's.
    const save = await wd.waitFor(sel('[data-testid="item-save"]'), 10_000);
    await wd.execute('arguments[0].click()', [{ 'element-6066-11e4-a52e-4f735466cecf': save }]);
    await waitUntil('tick shown', async () => Number(await attr('data-writes')) > before, 30_000);
    written.push(Number(await attr('data-write-ms')));
    splits.push((await attr('data-write-split')).split(',').map(Number));
  }

  // The readiness chart alone: drawn again once writes pause, it holds the workspace while
  // it is drawn, so a tick that comes meanwhile waits for it.
  const charts = [];
  for (let i = 0; i < runs; i++) {
    charts.push(
      await wd.call('POST', wd.s('/execute/async'), {
        script: `const done = arguments[arguments.length - 1];
          const t = performance.now();
          window.__TAURI_INTERNALS__.invoke('get_readiness_chart', { release: ${release.id} })
            .then(() => done(performance.now() - t), (e) => done(String(e)));`,
        args: [],
      }),
    );
  }
  // A write alone (no paint): an item blocked and reset again, through IPC.
  const scaleKey = await wd.execute(
    'return [...document.querySelectorAll(\'[data-testid="review-item"][data-kind="manual"]\')].find(e => e.dataset.state === "pending")?.dataset.key',
  );
  const bare = [];
  for (let i = 0; i < runs * 2; i++) {
    const state = i % 2 === 0 ? 'blocked' : 'pending';
    bare.push(
      await wd.call('POST', wd.s('/execute/async'), {
        script: `const done = arguments[arguments.length - 1];
          const t = performance.now();
          window.__TAURI_INTERNALS__.invoke('set_checklist_item', { release: ${release.id}, item: ${JSON.stringify(String(scaleKey))}, state: '${state}', evidenceUrl: null, note: null })
            .then(() => done(performance.now() - t), (e) => done(String(e)));`,
        args: [],
      }),
    );
  }

  console.log(`Review mode of ${release.name}: ${items} checklist items, ${works} work items (${profile} build)\n`);
  console.log('| what | median | max | runs |');
  console.log('|---|---|---|---|');
  console.log(`| opened: data arrived to painted | ${fmt(median(opened))} ms | ${fmt(max(opened))} ms | ${opened.length} |`);
  console.log(`| the review read alone (invoke to answer, ${(bytes / 1024).toFixed(0)} KiB of JSON) | ${fmt(median(reads))} ms | ${fmt(max(reads))} ms | ${reads.length} |`);
  console.log(`| the readiness chart alone (invoke to answer) | ${fmt(median(charts))} ms | ${fmt(max(charts))} ms | ${charts.length} |`);
  console.log(`| a write alone (invoke to the review's answer, no paint) | ${fmt(median(bare))} ms | ${fmt(max(bare))} ms | ${bare.length} |`);
  console.log(`| a tick: sent to shown (write, answer, paint) | ${fmt(median(written))} ms | ${fmt(max(written))} ms | ${written.length} |`);
  const part = (i) => splits.map((s) => s[i]);
  console.log(`| of which: sent to answered | ${fmt(median(part(0)))} ms | ${fmt(max(part(0)))} ms | ${splits.length} |`);
  console.log(`| of which: answered to the page updated | ${fmt(median(part(1)))} ms | ${fmt(max(part(1)))} ms | ${splits.length} |`);
  console.log(`| of which: updated to the next frame | ${fmt(median(part(2)))} ms | ${fmt(max(part(2)))} ms | ${splits.length} |`);
} finally {
  await wd.stop();
  await stopDriver(driver);
  rmSync(home, { recursive: true, force: true });
}
