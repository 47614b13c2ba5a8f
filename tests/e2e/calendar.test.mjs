// End to end: the real release build of the window, under Xvfb, driven through
// tauri-driver and WebKitWebDriver. Run by `./dev test` as
//   xvfb-run -a -s "-screen 0 1280x800x24" node --test tests/e2e/
// Every process this starts is stopped in `after`, pass or fail, and every wait has a deadline.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { WebDriver, e2eSetup, sleep, startDriver, stopDriver } from './webdriver.mjs';

const { app, cli, outDir, port, env, workspace } = e2eSetup('calendar');

let driver = null;
const wd = new WebDriver(`http://127.0.0.1:${port}`);

after(async () => {
  await wd.stop();
  await stopDriver(driver);
});

test('the window opens on the release calendar of the demo organisation', { timeout: 240_000 }, async () => {
  assert.ok(existsSync(app), `build the app first: ${app}`);
  mkdirSync(outDir, { recursive: true });
  driver = startDriver(port, env);
  await wd.waitForServer(20_000);
  await wd.start(app);

  const calendar = await wd.waitFor('[data-testid="calendar"][data-ready="true"]', 60_000);
  assert.ok(calendar);

  // The first start created the workspace in the user data dir with the demo organisation.
  assert.ok(existsSync(workspace), `no workspace at ${workspace}`);
  const doc = JSON.parse(execFileSync(cli, ['--db', workspace, 'export', '--format', 'json'], { env, maxBuffer: 64 << 20 }));
  assert.equal(doc.trains.length, 3);

  const lanes = await wd.execute(
    'return [...document.querySelectorAll("[data-testid=lane]")].map(e => e.getAttribute("data-train-name"))',
  );
  for (const train of doc.trains) assert.ok(lanes.includes(train.name), `lane ${train.name} missing: ${lanes}`);

  const shown = await wd.execute(
    'return [...document.querySelectorAll("[data-testid=release]")].map(e => e.getAttribute("data-release-name"))',
  );
  // The next planned release of the web train, as the store has it, is on screen.
  const today = new Date().toISOString().slice(0, 10);
  const web = doc.trains.find((t) => t.name === 'Web');
  const next = doc.releases
    .filter((r) => r.train_id === web.id && r.release_date >= today)
    .sort((a, b) => a.release_date.localeCompare(b.release_date))[0];
  assert.ok(next, 'the demo has an upcoming web release');
  assert.ok(shown.includes(next.name), `${next.name} not among ${shown.length} releases shown`);
  assert.ok(shown.length >= 40, `only ${shown.length} releases shown`);

  assert.ok((await wd.findAll('[data-testid="today-line"]')).length === 1, 'a today line');
  assert.ok((await wd.findAll('[data-testid="freeze-window"]')).length >= 1, 'a freeze window');

  await sleep(300);
  writeFileSync(join(outDir, 'calendar.png'), await wd.screenshot());

  // Opening a release shows its details: a pointer click on the next platform release
  // (the web one sits under the today marker).
  const platform = doc.trains.find((t) => t.name === 'Platform');
  const target = doc.releases
    .filter((r) => r.train_id === platform.id && r.release_date > today)
    .sort((a, b) => a.release_date.localeCompare(b.release_date))[0];
  const marker = (await wd.findAll(`[data-testid="release"][data-release-name="${target.name}"]`))[0];
  assert.ok(marker, `${target.name} is on screen`);
  await wd.pointerClick(marker);
  const panel = await wd.waitFor('[data-testid="release-panel"]', 10_000);
  const text = await wd.text(panel);
  assert.ok(text.includes(target.name), `panel shows: ${text.slice(0, 200)}`);

  // Its readiness timeline: the plotters chart of the reports, drawn for this release,
  // with a marker label for each of its milestones and the today line.
  const chart = await wd.waitFor('[data-testid="readiness-chart"]', 15_000);
  const src = await wd.attribute(chart, 'src');
  assert.ok(src.startsWith('data:image/svg+xml'), src.slice(0, 60));
  const svg = decodeURIComponent(src.slice(src.indexOf(',') + 1));
  const texts = [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1].trim());
  assert.ok(texts.includes(`Readiness — ${target.name}`), `the chart is of the release shown: ${texts}`);
  assert.ok(texts.includes('today'), 'a today line');
  const milestones = doc.milestones.filter((m) => m.release_id === target.id);
  assert.ok(milestones.length > 0);
  for (const m of milestones) {
    assert.ok(texts.includes(m.name), `milestone ${m.name} marked: ${texts}`);
  }
  const drawn = await wd.execute(
    'const i = document.querySelector(\'[data-testid="readiness-chart"]\'); return i.complete && i.naturalWidth;',
  );
  assert.ok(drawn > 0, 'the image decodes');
  await sleep(300);
  writeFileSync(join(outDir, 'release-panel.png'), await wd.screenshot());
  await wd.execute(
    'document.querySelector(\'[data-testid="readiness-chart"]\').scrollIntoView({ block: "end" });',
  );
  await sleep(300);
  writeFileSync(join(outDir, 'release-panel-readiness.png'), await wd.screenshot());
});

test('a train header opens the readiness of its next releases', { timeout: 90_000 }, async () => {
  const doc = JSON.parse(execFileSync(cli, ['--db', workspace, 'export', '--format', 'json'], { env, maxBuffer: 64 << 20 }));
  const web = doc.trains.find((t) => t.name === 'Web');
  // In flight: planned or in progress, not archived, not released; by target date.
  const inFlight = doc.releases
    .filter((r) => r.train_id === web.id && ['planned', 'in_progress'].includes(r.status) && !r.archived && !r.released)
    .sort((a, b) => (a.release_date ?? '9999').localeCompare(b.release_date ?? '9999') || a.id - b.id);
  assert.ok(inFlight.length > 4, `the demo's Web train has ${inFlight.length} in flight`);

  const header = (await wd.findAll('[data-testid="lane-header"][data-train-name="Web"]'))[0];
  assert.ok(header, 'the Web lane has a header');
  await wd.click(header);
  const panel = await wd.waitFor('[data-testid="train-panel"]', 10_000);
  assert.equal(await wd.attribute(panel, 'data-train-name'), 'Web');
  assert.equal(
    await wd.execute('return document.querySelectorAll("[data-testid=release-panel]").length'),
    0,
    'the release panel gave way to the train panel',
  );

  const chart = await wd.waitFor('[data-testid="train-readiness-chart"]', 15_000);
  const listed = await wd.execute(
    'return [...document.querySelectorAll("[data-testid=train-releases] .name")].map(e => e.textContent.trim())',
  );
  assert.deepEqual(listed, inFlight.slice(0, 4).map((r) => r.name), 'the next four by target date');
  const text = await wd.text(panel);
  assert.ok(text.toLowerCase().includes(`4 of ${inFlight.length} in flight`), text.slice(0, 300));

  const src = await wd.attribute(chart, 'src');
  const svg = decodeURIComponent(src.slice(src.indexOf(',') + 1));
  const texts = [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1].trim());
  assert.ok(texts.includes('Readiness — Web'), `the chart is the train's: ${texts}`);
  assert.ok(texts.includes('today'), 'a today line');
  for (const name of listed) {
    assert.equal(texts.filter((t) => t === name).length, 2, `${name} in the legend and at its go/no-go: ${texts}`);
  }
  const drawn = await wd.execute(
    'const i = document.querySelector(\'[data-testid="train-readiness-chart"]\'); return i.complete && i.naturalWidth;',
  );
  assert.ok(drawn > 0, 'the image decodes');
  await sleep(300);
  writeFileSync(join(outDir, 'train-panel.png'), await wd.screenshot());

  // A release of the list opens its own panel.
  const first = (await wd.findAll('[data-testid="train-releases"] button'))[0];
  await wd.click(first);
  const releasePanel = await wd.waitFor('[data-testid="release-panel"]', 10_000);
  assert.equal(await wd.attribute(releasePanel, 'data-release-name'), listed[0]);
  assert.equal(await wd.execute('return document.querySelectorAll("[data-testid=train-panel]").length'), 0);
});

test('a change written by the CLI shows in the open window without a restart', { timeout: 90_000 }, async () => {
  // The release panel the previous test left open: the next Web release in flight.
  const panel = await wd.waitFor('[data-testid="release-panel"]', 10_000);
  const name = await wd.attribute(panel, 'data-release-name');
  const run = (args) => JSON.parse(execFileSync(cli, ['--db', workspace, ...args], { env, maxBuffer: 64 << 20 }));
  const before = run(['readiness', name, '--json']);
  const item = before.items.find((i) => i.kind === 'manual' && i.state === 'pending');
  assert.ok(item, `${name} has a pending manual item: ${JSON.stringify(before.items.map((i) => [i.title, i.state]))}`);
  const percentShown = () =>
    wd.execute('const e = document.querySelector("[data-testid=release-readiness]"); return e && e.getAttribute("data-percent");');
  const scrollLeft = () => wd.execute('return document.querySelector(".scroller").scrollLeft');
  // The window follows the CLI's first write (the checklist evaluated) too; wait for it.
  const deadline = (ms) => Date.now() + ms;
  let until = deadline(15_000);
  while (String(await percentShown()) !== String(Math.round(before.percent_ready)) && Date.now() < until) await sleep(200);
  assert.equal(String(await percentShown()), String(Math.round(before.percent_ready)), 'the panel shows what the CLI shows');
  const scrolled = await scrollLeft();

  const after = run(['readiness', name, '--tick', String(item.id), '--as', 'Nina Patel', '--json']);
  assert.ok(after.percent_ready > before.percent_ready, `${before.percent_ready} -> ${after.percent_ready}`);
  until = deadline(15_000);
  while (String(await percentShown()) !== String(Math.round(after.percent_ready)) && Date.now() < until) await sleep(200);
  assert.equal(
    String(await percentShown()),
    String(Math.round(after.percent_ready)),
    'the tick made by the CLI shows in the open panel',
  );
  // Same release, same place on the calendar.
  const still = await wd.waitFor('[data-testid="release-panel"]', 5_000);
  assert.equal(await wd.attribute(still, 'data-release-name'), name);
  assert.equal(await scrollLeft(), scrolled, 'the calendar kept its scroll position');
  await sleep(300);
  writeFileSync(join(outDir, 'release-panel-after-cli-tick.png'), await wd.screenshot());
});

test('the calendar scrolls to a release two years ahead and loads it as it comes into view', { timeout: 90_000 }, async () => {
  // Close whatever panel is open, then plan the Web train two years out with the CLI.
  await wd.execute('document.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true }))');
  const until = new Date(Date.now() + 2 * 366 * 86_400_000).toISOString().slice(0, 10);
  execFileSync(cli, ['--db', workspace, 'train', 'generate', 'Web', '--until', until], { env });
  const doc = JSON.parse(execFileSync(cli, ['--db', workspace, 'export', '--format', 'json'], { env, maxBuffer: 64 << 20 }));
  const web = doc.trains.find((t) => t.name === 'Web');
  const last = doc.releases
    .filter((r) => r.train_id === web.id && r.release_date)
    .sort((a, b) => b.release_date.localeCompare(a.release_date))[0];
  const twoYears = new Date(Date.now() + 700 * 86_400_000).toISOString().slice(0, 10);
  assert.ok(last.release_date >= twoYears, `the train reaches ${last.release_date}`);

  // The window follows the write; the calendar's axis now reaches that far. Scroll to its end.
  const marker = `[data-testid="release"][data-release-name="${last.name}"]`;
  // Not loaded with what is on screen now.
  assert.equal((await wd.findAll(marker)).length, 0, 'loaded before it came into view');
  const deadline = Date.now() + 30_000;
  while ((await wd.findAll(marker)).length === 0 && Date.now() < deadline) {
    await wd.execute(
      'const s = document.querySelector(".scroller"); s.scrollLeft = s.scrollWidth; s.dispatchEvent(new Event("scroll"));',
    );
    await sleep(300);
  }
  assert.equal((await wd.findAll(marker)).length, 1, `${last.name} (${last.release_date}) is on the calendar`);
  await sleep(300);
  writeFileSync(join(outDir, 'calendar-two-years-ahead.png'), await wd.screenshot());
  // Back to today.
  await wd.click(await wd.waitFor('[data-testid="today-button"]', 5_000));
});
