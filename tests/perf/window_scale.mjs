// The window at scale, measured in the real webview (release build, under Xvfb, through
// tauri-driver and WebKitWebDriver). Run by `./dev measure-window`; prints a Markdown table.
//
//   1. 5,000 releases and 20,000 dependencies (tests/perf/large_plan.py, imported with the
//      CLI): the calendar painted after its data arrives (performance marks "calendar:data"
//      and "calendar:painted", read back over WebDriver), over RUNS reloads;
//   2. dragging a release there: frame times from requestAnimationFrame while WebDriver moves
//      the pointer in 40 steps (at the quarter zoom when the half-year one shows only clusters);
//   3. the table view there: frame times while the table scrolls 120 px a frame;
//   4. the demo organisation after MINUTES (default 10) of scripted use: the PSS of the app
//      and its WebKit processes.
//
// SWITCHYARD_PROFILE=debug measures target/debug; SWITCHYARD_APP=PATH another build of the
// window (to compare with an earlier UI under the same load); PARTS=memory only the fourth;
// SCREENS=calendar (default metrics,sync,calendar) the screens of its rounds; ROUND_SECONDS
// (default 9) the least time a round takes; IDLE=SECONDS
// (default 60) the quiet time after the rounds before memory is read again; FLOOR=SECONDS
// (default 15, 0 for none) the time on about:blank before the window without its page is read.
//
// Every process started here is stopped in `finally`, and every wait has a deadline.

import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { WebDriver, painted, sleep, startDriver, stopDriver, waitUntil } from '../e2e/webdriver.mjs';

const root = resolve(import.meta.dirname, '../..');
const profile = process.env.SWITCHYARD_PROFILE ?? 'release';
const app = process.env.SWITCHYARD_APP ?? join(root, 'target', profile, 'switchyard-desktop');
const cli = join(root, 'target', profile, 'switchyard');
const runs = Number(process.env.RUNS ?? 5);
const minutes = Number(process.env.MINUTES ?? 10);
const parts = process.env.PARTS ?? 'all';
// Seconds left alone on the calendar after the rounds: what the garbage collector and WebKit
// give back once the use stops.
const idle = Number(process.env.IDLE ?? 60);
// Seconds on about:blank after that (0: not measured): the window's memory without the page,
// which tells the page's own objects from what WebKit keeps.
const floor = Number(process.env.FLOOR ?? 15);
// Seconds a round of the memory part takes at least (default 9): the pace of a person going
// through the screens, and about the 65 rounds in ten minutes of the earlier runs, whose
// rounds waited 10 s for a release panel their click had not opened.
const roundSeconds = Number(process.env.ROUND_SECONDS ?? 9);
// The screens each round of the memory part visits after the calendar's views and a panel.
const screens = (process.env.SCREENS ?? 'metrics,sync,calendar').split(',').filter(Boolean);
const port = 4444 + (process.pid % 500);
const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';

function env(home, db) {
  const e = {
    ...process.env,
    XDG_DATA_HOME: join(home, 'data'),
    XDG_CONFIG_HOME: join(home, 'config'),
    XDG_CACHE_HOME: join(home, 'cache'),
    RUST_LOG: 'warn',
  };
  if (db) e.SWITCHYARD_DB = db;
  else delete e.SWITCHYARD_DB;
  return e;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : NaN;
};
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((s.length * p) / 100))] : NaN;
};
const fmt = (x) => (Number.isFinite(x) ? x.toFixed(0) : 'n/a');

/** Frame intervals (ms) of the page while `during` runs. */
async function frames(wd, during) {
  await wd.execute(`
    window.__frames = []; window.__recording = true;
    const tick = (t) => { window.__frames.push(t); if (window.__recording) requestAnimationFrame(tick); };
    requestAnimationFrame(tick);`);
  await during();
  const ts = await wd.execute('window.__recording = false; return window.__frames;');
  const gaps = [];
  for (let i = 1; i < ts.length; i++) gaps.push(ts[i] - ts[i - 1]);
  return gaps;
}

/** Milliseconds from "calendar:data" to "calendar:painted" of the page shown. */
async function paintMs(wd) {
  const m = await waitUntil(
    'the calendar marks',
    () =>
      wd.execute(`
        const m = Object.fromEntries(performance.getEntriesByType("mark").map((e) => [e.name, e.startTime]));
        return m["calendar:painted"] !== undefined ? m : null;`),
    60_000,
  );
  return m['calendar:painted'] - m['calendar:data'];
}

/** Sum of PSS (kB) of `pid` and all its descendants, with their names and the sum by name. */
function pssTree(pid) {
  const children = new Map();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(d));
    } catch {
      /* gone */
    }
  }
  let total = 0;
  const names = [];
  const byName = {};
  const walk = (p) => {
    try {
      const text = readFileSync(`/proc/${p}/smaps_rollup`, 'utf8');
      const kb = Number(/^Pss:\s+(\d+)/m.exec(text)[1]);
      const name = readFileSync(`/proc/${p}/comm`, 'utf8').trim();
      total += kb;
      names.push(name);
      byName[name] = (byName[name] ?? 0) + kb;
    } catch {
      /* gone */
    }
    for (const c of children.get(p) ?? []) walk(c);
  };
  walk(pid);
  return { kb: total, names, byName };
}

function appPid() {
  const out = execFileSync('pgrep', ['-n', '-f', app]).toString().trim();
  return Number(out.split('\n').pop());
}

async function withWindow(home, db, fn) {
  const e = env(home, db);
  const driver = startDriver(port, e);
  const wd = new WebDriver(`http://127.0.0.1:${port}`);
  try {
    await wd.waitForServer(20_000);
    await wd.start(app);
    await wd.waitFor('[data-testid="calendar"][data-ready="true"]', 120_000);
    return await fn(wd);
  } finally {
    await wd.stop();
    await stopDriver(driver);
  }
}

const rows = [];
const add = (row) => {
  rows.push(row);
  console.error(`measured: ${row[0]}: ${row[1]}`);
};
const home = mkdtempSync(join(tmpdir(), 'switchyard-scale-'));
try {
  // 1-3: the large plan (PARTS=memory leaves them out).
  if (parts === 'all') {
    const doc = join(home, 'large.json');
    // Where the app opens on its first start (the environment of tauri-driver reaches the
    // app only in part: XDG_* do, SWITCHYARD_DB does not).
    const db = join(home, 'data/dev.switchyard.desktop/switchyard.sqlite3');
    mkdirSync(join(home, 'data/dev.switchyard.desktop'), { recursive: true });
    execFileSync('python3', [join(root, 'tests/perf/large_plan.py'), doc]);
    execFileSync(cli, ['import', '--format', 'json', '--db', db, doc], { env: env(home), stdio: 'ignore' });
    await withWindow(home, null, async (wd) => {
      const shown = await wd.execute(`
        const clusters = [...document.querySelectorAll("[data-testid=cluster]")];
        const markers = document.querySelectorAll("[data-testid=release]").length;
        const inClusters = clusters.reduce((n, c) => n + Number(c.dataset.count), 0);
        return clusters.length ? \`\${markers} markers and \${clusters.length} clusters of \${inClusters} releases drawn\` : \`\${markers} markers drawn\`;`);
      const paints = [await paintMs(wd)];
      for (let i = 1; i < runs; i++) {
        await wd.execute('location.reload()');
        await sleep(500);
        await wd.waitFor('[data-testid="calendar"][data-ready="true"]', 120_000);
        paints.push(await paintMs(wd));
      }
      add([
        `calendar painted after its data arrives (5,000 releases, 20,000 dependencies; ${shown}), median of ${runs}`,
        `${fmt(median(paints))} ms (${fmt(Math.min(...paints))}-${fmt(Math.max(...paints))})`,
        '< 200 ms',
      ]);

      // Dragging the first planned release in view by 40 pointer steps. At the half-year zoom
      // this plan's trains are clusters only (about nine releases a week a train); then the
      // drag is measured at the quarter zoom, where releases are drawn one by one.
      const findTarget = () =>
        wd.execute(`
        const sc = document.querySelector(".scroller").getBoundingClientRect();
        const m = [...document.querySelectorAll('[data-testid=release]')].find((e) => {
          if (!["planned", "in_progress"].includes(e.dataset.status)) return false;
          const r = e.getBoundingClientRect();
          return r.left > sc.left + 260 && r.right < sc.right - 200 && r.top > sc.top + 40 && r.bottom < sc.bottom;
        });
        return m ? [m.getBoundingClientRect().x + 4, m.getBoundingClientRect().y + m.getBoundingClientRect().height / 2] : null;`);
      let dragZoom = 'half-year';
      let target = await findTarget();
      if (!target) {
        await wd.click(await wd.waitFor('[data-testid="zoom-quarter"]', 5_000));
        await sleep(500);
        await painted(wd);
        dragZoom = 'quarter';
        target = await findTarget();
      }
      if (target) {
        const [x, y] = target.map(Math.round);
        const moves = [];
        for (let i = 1; i <= 40; i++) moves.push({ type: 'pointerMove', duration: 16, origin: 'viewport', x: x + i * 3, y });
        const gaps = await frames(wd, async () => {
          await wd.call('POST', wd.s('/actions'), {
            actions: [
              {
                type: 'pointer',
                id: 'mouse',
                parameters: { pointerType: 'mouse' },
                actions: [{ type: 'pointerMove', duration: 0, origin: 'viewport', x, y }, { type: 'pointerDown', button: 0 }, ...moves],
              },
            ],
          });
        });
        await wd.call('DELETE', wd.s('/actions'));
        await wd.press('\uE00C'); // Escape: no move is applied
        const fps = 1000 / (gaps.reduce((a, b) => a + b, 0) / Math.max(1, gaps.length));
        add([
          `dragging a release there (at the ${dragZoom} zoom; ${await wd.execute('return document.querySelectorAll("[data-testid=release]").length + document.querySelectorAll("[data-testid=cluster]").length')} markers and clusters drawn): frames per second (frame time p95, worst)`,
          `${fmt(fps)} fps (${fmt(pct(gaps, 95))} ms, ${fmt(Math.max(...gaps))} ms)`,
          '>= 30 fps',
        ]);
      } else {
        add(['dragging a release there', 'no release in view to drag', '>= 30 fps']);
      }

      // The table view, scrolled 120 px a frame for 120 frames.
      await wd.call('POST', wd.s('/actions'), {
        actions: [{ type: 'key', id: 'kb', actions: [{ type: 'keyDown', value: '\uE009' }, { type: 'keyDown', value: '3' }, { type: 'keyUp', value: '3' }, { type: 'keyUp', value: '\uE009' }] }],
      });
      await wd.call('DELETE', wd.s('/actions'));
      const table = await wd.waitFor('[data-testid="table-view"]', 30_000).catch(() => null);
      if (table) {
        await painted(wd);
        const gaps = await frames(wd, () =>
          wd.call('POST', wd.s('/execute/async'), {
            script: `const done = arguments[arguments.length - 1];
              const el = arguments[0]; let n = 0;
              const step = () => { el.scrollTop += 120; if (++n < 120) requestAnimationFrame(step); else done(true); };
              requestAnimationFrame(step);`,
            args: [{ [ELEMENT]: table }],
          }),
        );
        const dropped = gaps.filter((g) => g > 25).length;
        add([
          'table view scrolled 120 px a frame for 120 frames: frames over 25 ms (median, p95 frame time)',
          `${dropped} of ${gaps.length} (${fmt(median(gaps))} ms, ${fmt(pct(gaps, 95))} ms)`,
          'none dropped',
        ]);
      }
    });
  }

  // 4: the demo after scripted use.
  rmSync(join(home, 'data'), { recursive: true, force: true });
  await withWindow(home, null, async (wd) => {
    const pid = appPid();
    const mb = (kb) => (kb / 1024).toFixed(0);
    const split = (byName) =>
      Object.entries(byName)
        .map(([n, kb]) => `${n} ${mb(kb)}`)
        .join(', ');
    const atStart = pssTree(pid);
    console.error(`PSS at start: ${mb(atStart.kb)} MB (${split(atStart.byName)})`);
    const end = Date.now() + minutes * 60_000;
    let nextSample = Date.now() + 60_000;
    let rounds = 0;
    // Rounds whose release panel opened (a marker off the screen opens none).
    let panels = 0;
    const key = async (k) => {
      await wd.call('POST', wd.s('/actions'), {
        actions: [{ type: 'key', id: 'kb', actions: [{ type: 'keyDown', value: '\uE009' }, { type: 'keyDown', value: k }, { type: 'keyUp', value: k }, { type: 'keyUp', value: '\uE009' }] }],
      });
      await wd.call('DELETE', wd.s('/actions'));
      await painted(wd);
    };
    while (Date.now() < end) {
      const roundEnd = Date.now() + roundSeconds * 1000;
      for (const k of ['2', '3', '1']) await key(k);
      // The markers a click reaches (most of the timeline is scrolled out of the window, and
      // a click there lands on nothing), one after another from round to round.
      const markers = await wd.findAll('[data-testid="release"]');
      const seen = await wd
        .execute(
          `return [...arguments].map((m) => { const r = m.getBoundingClientRect();
             const at = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
             return r.width > 0 && at !== null && m.contains(at); });`,
          markers.map((m) => ({ [ELEMENT]: m })),
        )
        .catch(() => []);
      const visible = markers.filter((_, i) => seen[i]);
      if (visible.length) {
        await wd.pointerClick(visible[rounds % visible.length]).catch(() => {});
        if (await wd.waitFor('[data-testid="release-panel"]', 10_000).then(() => true, () => false)) panels += 1;
        await sleep(300);
        await wd.press('\uE00C');
      }
      for (const s of screens) {
        const tab = await wd.findAll(`[data-testid="tab-${s}"]`);
        if (tab.length) await wd.click(tab[0]).catch(() => {});
        await sleep(400);
      }
      rounds += 1;
      if (Date.now() < roundEnd) await sleep(Math.min(roundEnd, end) - Date.now());
      if (Date.now() >= nextSample) {
        nextSample += 60_000;
        const now = pssTree(pid);
        const nodes = await wd.execute('return document.getElementsByTagName("*").length').catch(() => '?');
        console.error(`PSS after ${rounds} rounds (${panels} opened a release panel): ${mb(now.kb)} MB (${split(now.byName)}); ${nodes} elements in the page`);
      }
    }
    const { kb, names, byName } = pssTree(pid);
    add([
      `window memory with the demo after ${minutes} min of scripted use (${rounds} rounds, ${panels} of them opening a release panel; PSS of ${names.length} processes: ${[...new Set(names)].join(', ')}; at start ${mb(atStart.kb)} MB: ${split(atStart.byName)})`,
      `${mb(kb)} MB (${split(byName)})`,
      '< 300 MB',
    ]);
    if (idle > 0) {
      await sleep(idle * 1000);
      const after = pssTree(pid);
      add([`the same, then left alone on the calendar for ${idle} s`, `${mb(after.kb)} MB (${split(after.byName)})`, '']);
    }
    if (floor > 0) {
      // The same processes with the page gone (about:blank): what the page's own objects
      // held is told apart from what WebKit keeps after them and its libraries and GL.
      await wd.call('POST', wd.s('/url'), { url: 'about:blank' });
      await sleep(floor * 1000);
      const blank = pssTree(pid);
      add([`the same window on about:blank for ${floor} s (the page gone; what WebKit kept, its libraries and GL stay)`, `${mb(blank.kb)} MB (${split(blank.byName)})`, '']);
    }
  });
} finally {
  rmSync(home, { recursive: true, force: true });
}

console.log('| measure | figure | target |\n|---|---|---|');
for (const r of rows) console.log(`| ${r.join(' | ')} |`);
