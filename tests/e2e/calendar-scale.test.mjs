// End to end: the calendar of a large plan (tests/perf/large_plan.py: 5,000 releases on three
// trains and 50 services, imported with the CLI) in the real window under Xvfb, driven through
// tauri-driver and WebKitWebDriver. Releases that would overlap stack into sub-rows of their
// lane or, where they are denser than that, into one cluster marker with their count; labels
// that do not fit are left to the tooltip: no two labels drawn overlap, judged from the boxes
// the webview gives them, at each zoom, after a scroll and with lanes by service. A cluster
// lists its releases on Enter or a click. Every process started here is stopped in `after`,
// pass or fail, and every wait has a deadline.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { WebDriver, e2eSetup, painted, sleep, startDriver, stopDriver, waitUntil } from './webdriver.mjs';

const { root, app, cli, outDir, port, home, env, workspace } = e2eSetup('scale', { rustLog: 'warn' });
const KEY = { enter: '\uE007', escape: '\uE00C', down: '\uE015' };

let driver = null;
const wd = new WebDriver(`http://127.0.0.1:${port}`);

after(async () => {
  await wd.stop();
  await stopDriver(driver);
  // The generated plan and its workspace (about 11 MB).
  rmSync(home, { recursive: true, force: true });
});

/**
 * Every label drawn on the calendar with its box (viewport px), and the pairs of them whose
 * boxes overlap. A label is drawn when its text element is in the DOM and has a box; labels
 * left to the tooltip are not in the DOM at all.
 */
async function labelOverlaps() {
  return wd.execute(`
    const boxes = [...document.querySelectorAll('[data-testid="release"] text.label')]
      .map((e) => {
        const r = e.getBoundingClientRect();
        return { name: e.closest('[data-testid="release"]').dataset.releaseName, l: r.left, r: r.right, t: r.top, b: r.bottom };
      })
      .filter((b) => b.r > b.l && b.b > b.t)
      .sort((a, b) => a.l - b.l);
    const pairs = [];
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length && boxes[j].l < boxes[i].r; j++) {
        const a = boxes[i], b = boxes[j];
        // Overlapping by more than a rounding error, both ways.
        if (Math.min(a.r, b.r) - Math.max(a.l, b.l) > 0.5 && Math.min(a.b, b.b) - Math.max(a.t, b.t) > 0.5) {
          pairs.push(a.name + ' / ' + b.name);
        }
      }
    }
    return { labels: boxes.length, overlaps: pairs.slice(0, 10), count: pairs.length };`);
}

/** What the calendar draws now: markers, clusters (with the releases they stand for), lanes. */
async function drawn() {
  return wd.execute(`
    const clusters = [...document.querySelectorAll('[data-testid="cluster"]')];
    return {
      markers: document.querySelectorAll('[data-testid="release"]').length,
      clusters: clusters.length,
      inClusters: clusters.reduce((n, c) => n + Number(c.dataset.count), 0),
      lanes: [...document.querySelectorAll('[data-testid="lane"]')].map((l) => Number(l.dataset.rows)),
    };`);
}

async function zoom(level) {
  await wd.click(await wd.waitFor(`[data-testid="zoom-${level}"]`, 5_000));
  await sleep(400);
  await painted(wd);
}

async function shot(name) {
  await painted(wd);
  writeFileSync(join(outDir, name), await wd.screenshot());
}

test('a calendar of 5,000 releases: stacked, clustered, and no label over another', { timeout: 420_000 }, async () => {
  assert.ok(existsSync(app), `build the app first: ${app}`);
  mkdirSync(outDir, { recursive: true });
  mkdirSync(join(home, 'data/dev.switchyard.desktop'), { recursive: true });
  const doc = join(home, 'large.json');
  execFileSync('python3', [join(root, 'tests/perf/large_plan.py'), doc], { timeout: 60_000 });
  execFileSync(cli, ['import', '--format', 'json', '--db', workspace, doc], { env, stdio: 'ignore', timeout: 180_000 });

  driver = startDriver(port, env);
  await wd.waitForServer(20_000);
  await wd.start(app);
  await wd.waitFor('[data-testid="calendar"][data-ready="true"]', 120_000);
  await painted(wd);

  // At the half-year zoom (the default) the dense trains cluster: fewer things drawn than
  // releases they stand for, and the lanes within their sub-rows.
  const half = await drawn();
  assert.ok(half.clusters > 0, `clusters at the half-year zoom: ${JSON.stringify(half)}`);
  assert.ok(half.inClusters > 2 * (half.markers + half.clusters), `clusters stand for most releases: ${JSON.stringify(half)}`);
  assert.ok(half.markers + half.clusters < 600, `a few hundred things drawn, not thousands: ${JSON.stringify(half)}`);
  for (const rows of half.lanes) assert.ok(rows >= 1 && rows <= 3, `sub-rows per lane: ${half.lanes}`);
  let o = await labelOverlaps();
  assert.ok(o.labels > 0, 'some labels are drawn');
  assert.equal(o.count, 0, `labels overlap at the half-year zoom: ${o.overlaps.join('; ')}`);
  await shot('calendar-scale-half.png');

  // Scrolled by most of a view: the labels slid to the left edge do not overlap either.
  await wd.execute('const s = document.querySelector(".scroller"); s.scrollLeft += Math.round(s.clientWidth * 0.7);');
  await sleep(300);
  await painted(wd);
  o = await labelOverlaps();
  assert.equal(o.count, 0, `labels overlap after a scroll: ${o.overlaps.join('; ')}`);

  // A cluster lists its releases: focused and Enter, then Escape gives the focus back.
  const cluster = await wd.execute(`
    const sc = document.querySelector(".scroller").getBoundingClientRect();
    const c = [...document.querySelectorAll('[data-testid="cluster"]')].find((e) => {
      const r = e.getBoundingClientRect();
      return r.left > sc.left + 300 && r.right < sc.right - 300 && r.top > sc.top + 60 && r.bottom < sc.bottom - 40;
    });
    if (!c) return null;
    c.focus();
    return { count: Number(c.dataset.count), label: c.getAttribute("aria-label") };`);
  assert.ok(cluster, 'a cluster in view');
  assert.match(cluster.label, new RegExp(`^${cluster.count} releases, `));
  await wd.press(KEY.enter);
  const list = await wd.waitFor('[data-testid="cluster-list"]', 5_000);
  const listed = await wd.execute(
    'return [...document.querySelectorAll(\'[data-testid="cluster-list"] button\')].map((b) => [Number(b.dataset.releaseId), b.querySelector(".name").textContent])',
  );
  assert.equal(listed.length, cluster.count, 'the list holds every release of the cluster');
  assert.equal(new Set(listed.map(([id]) => id)).size, listed.length);
  assert.ok(
    await wd.execute('return document.activeElement === document.querySelector(\'[data-testid="cluster-list"] button\')'),
    'the focus moved to the first release listed',
  );
  await shot('calendar-scale-cluster-list.png');
  assert.ok(list);
  await wd.press(KEY.escape);
  await waitUntil('the list closes', async () => (await wd.findAll('[data-testid="cluster-list"]')).length === 0, 5_000);
  assert.ok(
    await wd.execute('return document.activeElement?.dataset?.testid === "cluster"'),
    'the focus is back on the cluster',
  );

  // Enter again, down to the second release and Enter: its panel opens.
  await wd.press(KEY.enter);
  await wd.waitFor('[data-testid="cluster-list"]', 5_000);
  await wd.press(KEY.down);
  assert.equal(
    await wd.execute('return document.activeElement?.dataset?.releaseId ?? document.activeElement?.outerHTML.slice(0, 120)'),
    String(listed[1][0]),
    'Down moved to the second release listed',
  );
  await wd.press(KEY.enter);
  const panel = await wd.waitFor('[data-testid="release-panel"]', 10_000);
  const want = listed[1][1];
  await waitUntil(`the panel shows ${want}`, async () => (await wd.text(panel)).includes(want), 10_000);
  await wd.press(KEY.escape);

  // The other zooms: quarter (stacked mostly) and year (clustered mostly).
  for (const level of ['quarter', 'year']) {
    await zoom(level);
    const d = await drawn();
    assert.ok(d.markers + d.clusters < 800, `${level}: ${JSON.stringify(d)}`);
    o = await labelOverlaps();
    // At the quarter zoom most releases have room for their label; at the year zoom few.
    if (level === 'quarter') assert.ok(o.labels > 20, `${level}: ${o.labels} labels drawn`);
    else assert.ok(d.clusters > 0, `${level}: clusters`);
    assert.equal(o.count, 0, `labels overlap at the ${level} zoom: ${o.overlaps.join('; ')}`);
    await shot(`calendar-scale-${level}.png`);
  }
  await zoom('half');

  // Lanes by service: 50 lanes, each header as tall as its lane, no label over another.
  await wd.execute('const s = document.querySelector("[data-testid=lanes-by]"); s.value = "service"; s.dispatchEvent(new Event("change", { bubbles: true }));');
  await waitUntil('lanes by service', async () => (await drawn()).lanes.length >= 50, 30_000);
  await painted(wd);
  const heights = await wd.execute(`
    const lanes = [...document.querySelectorAll('[data-testid="lane"]')];
    const headers = [...document.querySelectorAll('[data-testid="lane-header"]')];
    return lanes.map((l, i) => [Number(l.dataset.rows), Math.round(headers[i].getBoundingClientRect().height)]);`);
  for (const [rows, h] of heights) assert.equal(h, 76 + (rows - 1) * 40, `a header of a lane of ${rows} sub-rows is ${h} px`);
  o = await labelOverlaps();
  assert.ok(o.labels > 0, 'by service: some labels are drawn');
  assert.equal(o.count, 0, `labels overlap with lanes by service: ${o.overlaps.join('; ')}`);
  await shot('calendar-scale-services.png');
  await wd.execute('const s = document.querySelector("[data-testid=lanes-by]"); s.value = "train"; s.dispatchEvent(new Event("change", { bubbles: true }));');
});
