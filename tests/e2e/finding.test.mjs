// End to end: finding things in the real window (tauri-driver + WebKitWebDriver under Xvfb).
// The table view lists what the calendar shows (and `switchyard export` holds), by keyboard
// alone; Ctrl+K finds a release; a service filter narrows the calendar and the table; the
// month view; screenshots of each in light and dark. Every process started here is stopped
// in `after`, and every wait has a deadline.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { WebDriver, e2eSetup, painted, sleep, startDriver, stopDriver, waitUntil } from './webdriver.mjs';

const { root, app, cli, outDir, port, env, workspace } = e2eSetup('finding');

let driver = null;
const wd = new WebDriver(`http://127.0.0.1:${port}`);

after(async () => {
  await wd.stop();
  await stopDriver(driver);
});

const KEY = { tab: '\uE004', enter: '\uE007', escape: '\uE00C', up: '\uE013', down: '\uE015', shift: '\uE008', control: '\uE009' };

/** Real key presses with modifiers held: `chord([KEY.control], 'k')`. */
async function chord(modifiers, key) {
  const actions = [
    ...modifiers.map((m) => ({ type: 'keyDown', value: m })),
    { type: 'keyDown', value: key },
    { type: 'keyUp', value: key },
    ...modifiers.reverse().map((m) => ({ type: 'keyUp', value: m })),
  ];
  await wd.call('POST', wd.s('/actions'), { actions: [{ type: 'key', id: 'keyboard', actions }] });
  await wd.call('DELETE', wd.s('/actions'));
}

function exportDoc() {
  return JSON.parse(execFileSync(cli, ['--db', workspace, 'export', '--format', 'json'], { env, maxBuffer: 64 << 20 }));
}

/** The release ids on the timeline (every loaded release has a marker). */
async function calendarIds() {
  const ids = await wd.execute(
    'return [...document.querySelectorAll("[data-testid=release]")].map(e => Number(e.getAttribute("data-release-id")))',
  );
  return [...new Set(ids)].sort((a, b) => a - b);
}

/** Every row of the (virtualised) table: scrolled through from top to bottom. */
async function tableRows() {
  return wd.call('POST', wd.s('/execute/async'), {
    script: `const done = arguments[arguments.length - 1];
      const s = document.querySelector('[data-testid="table-view"]');
      const seen = new Map();
      const frame = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      (async () => {
        s.scrollTop = 0;
        for (;;) {
          await frame();
          for (const tr of s.querySelectorAll('[data-testid="table-row"]'))
            seen.set(Number(tr.dataset.releaseId), [Number(tr.dataset.index), tr.querySelector('[data-testid="row-name"]').textContent.replace(/ overdue$/, '')]);
          if (s.scrollTop + s.clientHeight >= s.scrollHeight - 1) break;
          s.scrollTop += s.clientHeight - 40;
        }
        s.scrollTop = 0;
        await frame();
        done({ rows: [...seen].map(([id, [index, name]]) => ({ id, index, name })), count: Number(s.querySelector('table').dataset.rows) });
      })();`,
    args: [],
  });
}

async function activeRow() {
  return wd.execute(
    'const a = document.activeElement; return a && a.dataset.testid === "table-row" ? { index: Number(a.dataset.index), id: Number(a.dataset.releaseId), name: a.querySelector("[data-testid=row-name]").textContent } : null;',
  );
}

async function setTheme(theme) {
  await wd.execute(
    'const s = document.querySelector("[data-testid=theme]"); s.value = arguments[0]; s.dispatchEvent(new Event("change", { bubbles: true }));',
    [theme],
  );
  await painted(wd);
  await sleep(200);
}

/**
 * The X screen as the user sees it (ImageMagick's `import -window root`, as screens.test.mjs
 * does): WebKitWebDriver's own screenshot stalled here for over 30 s on the month view.
 */
async function shot(name) {
  await painted(wd);
  await sleep(250);
  execFileSync('import', ['-window', 'root', join(outDir, name)], { env, timeout: 20_000 });
}

let loaded = null; // [from, to] of the calendar's loaded range

test('the table lists the calendar releases, by keyboard alone', { timeout: 240_000 }, async () => {
  assert.ok(existsSync(app), `build the app first: ${app}`);
  mkdirSync(outDir, { recursive: true });
  driver = startDriver(port, env);
  await wd.waitForServer(20_000);
  await wd.start(app);
  const main = await wd.waitFor('[data-testid="calendar"][data-ready="true"]', 60_000);
  loaded = [await wd.attribute(main, 'data-from'), await wd.attribute(main, 'data-to')];

  // The performance marks the lead's measurements read.
  const marks = await wd.execute('return performance.getEntriesByType("mark").map(m => [m.name, m.startTime])');
  const at = Object.fromEntries(marks);
  assert.ok(at['calendar:data'] !== undefined && at['calendar:painted'] !== undefined, JSON.stringify(marks));
  assert.ok(at['calendar:painted'] >= at['calendar:data']);
  console.log(`calendar painted ${(at['calendar:painted'] - at['calendar:data']).toFixed(1)} ms after its data arrived`);

  // The calendar against the CLI: every release of the loaded range that is not cancelled.
  const doc = exportDoc();
  const inRange = doc.releases
    .filter((r) => r.release_date && r.release_date >= loaded[0] && r.release_date <= loaded[1] && r.status !== 'cancelled')
    .map((r) => r.id)
    .sort((a, b) => a - b);
  const onCalendar = await calendarIds();
  assert.ok(onCalendar.length >= 40, `${onCalendar.length} releases on the calendar`);
  assert.deepEqual(onCalendar, inRange, 'the calendar shows the export releases of its range');
  await shot('finding-calendar-light.png');

  // Ctrl+3: the table, with the focus on its first row.
  await chord([KEY.control], '3');
  await wd.waitFor('[data-testid="table-view"] [data-testid="table-row"]', 10_000);
  await waitUntil('the first row has the focus', activeRow, 5_000);
  const { rows, count } = await tableRows();
  assert.equal(count, inRange.length, 'the table counts the calendar releases');
  assert.deepEqual(rows.map((r) => r.id).sort((a, b) => a - b), onCalendar, 'the table lists the calendar releases');
  const byId = new Map(doc.releases.map((r) => [r.id, r.name]));
  for (const r of rows) assert.equal(r.name, byId.get(r.id), `row ${r.id} names its release`);
  // Sorted by date (the default), the rows follow the export's dates.
  const dates = rows.sort((a, b) => a.index - b.index).map((r) => doc.releases.find((x) => x.id === r.id).release_date);
  assert.deepEqual(dates, [...dates].sort(), 'by date');
  const marks2 = await wd.execute('return performance.getEntriesByType("mark").map(m => m.name)');
  assert.ok(marks2.includes('table:painted'), JSON.stringify(marks2));
  // Reading every row scrolled the focused one away (rows out of view are not rendered):
  // the focus went to the table itself, and the next key gives it back to the row.
  assert.equal(await wd.execute('return document.activeElement.dataset.testid'), 'table-view');
  await wd.press(KEY.down);

  // Arrows move between rows.
  await waitUntil('row 0 focused', async () => (await activeRow())?.index === 0, 5_000);
  await wd.press(KEY.down, 3);
  assert.equal((await activeRow())?.index, 3, 'three rows down');
  await wd.press(KEY.up);
  assert.equal((await activeRow())?.index, 2, 'one row up');

  // Shift+Tab reaches the column headers (the last one first); ten back is Name: sort by it.
  for (let i = 0; i < 10; i++) await chord([KEY.shift], KEY.tab);
  const header = await wd.execute('return document.activeElement.dataset.testid');
  assert.equal(header, 'sort-name');
  await wd.press(KEY.enter);
  await painted(wd);
  const sortAttr = () => wd.execute('return document.querySelector("[data-testid=sort-name]").closest("th").getAttribute("aria-sort")');
  assert.equal(await sortAttr(), 'ascending');
  const names = (await tableRows()).rows.sort((a, b) => a.index - b.index).map((r) => r.name);
  const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });
  assert.deepEqual(names, [...names].sort(collator.compare), 'sorted by name');
  await wd.press(KEY.enter);
  await painted(wd);
  assert.equal(await sortAttr(), 'descending');
  const first = (await tableRows()).rows.find((r) => r.index === 0).name;
  assert.equal(first, [...names].sort(collator.compare).at(-1), 'the last name first');

  // Tab back to the rows (past the other nine headers), down one, Enter opens its panel.
  await wd.press(KEY.tab, 10);
  const row = await waitUntil('a row has the focus', activeRow, 5_000);
  await wd.press(KEY.down);
  const opened = await activeRow();
  assert.equal(opened.index, row.index + 1);
  await wd.press(KEY.enter);
  const panel = await wd.waitFor('[data-testid="release-panel"]', 10_000);
  assert.equal(await wd.attribute(panel, 'data-release-name'), byId.get(opened.id));
  await shot('finding-table-panel-light.png');
  // Escape closes it and gives the focus back to the row.
  await wd.press(KEY.escape);
  await waitUntil('the panel closed', async () => (await wd.findAll('[data-testid="release-panel"]')).length === 0, 5_000);
  assert.equal((await activeRow())?.id, opened.id, 'the focus is back on the row');
  await shot('finding-table-light.png');
});

test('Ctrl+K finds a release by part of its name and Enter opens it', { timeout: 90_000 }, async () => {
  const doc = exportDoc();
  // A planned release in view: found by its name without its first word.
  const target = doc.releases
    .filter((r) => r.status === 'planned' && r.release_date >= loaded[0] && r.release_date <= loaded[1] && r.name.includes(' '))
    .sort((a, b) => a.release_date.localeCompare(b.release_date))[0];
  assert.ok(target, 'a planned release in the loaded range');
  const part = target.name.slice(target.name.indexOf(' ') + 1);

  await chord([KEY.control], '1');
  await wd.waitFor('[data-testid="calendar"][data-mode="timeline"] [data-testid="release"]', 10_000);
  await chord([KEY.control], 'k');
  const input = await wd.waitFor('[data-testid="quick-search-input"]', 5_000);
  assert.equal(await wd.execute('return document.activeElement.dataset.testid'), 'quick-search-input');
  await wd.call('POST', wd.s(`/element/${input}/value`), { text: part });
  const options = await waitUntil(
    'results',
    async () => {
      const o = await wd.execute('return [...document.querySelectorAll("[data-testid=quick-search-option]")].map(e => [e.dataset.kind, e.dataset.key])');
      return o.length > 0 ? o : null;
    },
    5_000,
  );
  const at = options.findIndex(([kind, key]) => kind === 'release' && Number(key) === target.id);
  assert.ok(at >= 0, `${target.name} among ${JSON.stringify(options)} for "${part}"`);
  const combobox = await wd.execute('const i = document.activeElement; return [i.getAttribute("role"), i.getAttribute("aria-expanded"), i.getAttribute("aria-activedescendant")]');
  assert.deepEqual(combobox, ['combobox', 'true', 'quick-search-option-0']);
  await setTheme('light');
  await shot('finding-quick-search-light.png');
  await setTheme('dark');
  await shot('finding-quick-search-dark.png');
  await setTheme('light');
  if (at > 0) await wd.press(KEY.down, at);
  await wd.press(KEY.enter);
  const panel = await wd.waitFor('[data-testid="release-panel"]', 10_000);
  assert.equal(await wd.attribute(panel, 'data-release-name'), target.name);
  assert.equal((await wd.findAll('[data-testid="quick-search"]')).length, 0, 'the search closed');
  // The calendar scrolled to it: its marker is inside the visible part of the timeline.
  const visible = await wd.execute(
    `const m = document.querySelector('[data-testid="release"][data-release-id="${target.id}"]').getBoundingClientRect();
     const s = document.querySelector('.scroller').getBoundingClientRect();
     return m.left >= s.left && m.right <= s.right;`,
  );
  assert.ok(visible, 'the release is in view');
  await wd.press(KEY.escape);
  await waitUntil('the panel closed', async () => (await wd.findAll('[data-testid="release-panel"]')).length === 0, 5_000);
});

test('a service filter leaves only its releases on the calendar and in the table', { timeout: 90_000 }, async () => {
  const doc = exportDoc();
  const service = 'web-checkout';
  const want = doc.releases
    .filter((r) => r.release_date >= loaded[0] && r.release_date <= loaded[1] && r.status !== 'cancelled' && r.services.includes(service))
    .map((r) => r.id)
    .sort((a, b) => a - b);
  const all = await calendarIds();
  assert.ok(want.length > 0 && want.length < all.length, `${want.length} of ${all.length} ship ${service}`);

  await wd.click(await wd.waitFor('[data-testid="filter-service"]', 5_000));
  const box = await wd.waitFor(`[data-testid="filter-service-menu"] input[data-value="${service}"]`, 5_000);
  await wd.click(box);
  await painted(wd);
  await wd.press(KEY.escape);
  assert.deepEqual(await calendarIds(), want, 'the calendar shows only the releases of the service');
  const count = await wd.text(await wd.waitFor('[data-testid="shown-count"]', 5_000));
  assert.equal(count, `${want.length} of ${all.length} releases shown`);
  await shot('finding-calendar-filtered-light.png');

  await chord([KEY.control], '3');
  await wd.waitFor('[data-testid="table-view"]', 10_000);
  const { rows } = await tableRows();
  assert.deepEqual(rows.map((r) => r.id).sort((a, b) => a - b), want, 'the table too');

  await chord([KEY.control], '2');
  await wd.waitFor('[data-testid="month-view"]', 10_000);
  const inMonth = await wd.execute('return [...document.querySelectorAll("[data-testid=month-release]")].map(e => Number(e.dataset.releaseId))');
  for (const id of inMonth) assert.ok(want.includes(id), `month shows ${id}, which does not ship ${service}`);

  await wd.click(await wd.waitFor('[data-testid="filter-reset"]', 5_000));
  await painted(wd);
  assert.equal((await wd.findAll('[data-testid="filter-reset"]')).length, 0);
  assert.equal(await wd.text(await wd.waitFor('[data-testid="shown-count"]', 5_000)), `${all.length} releases`);

  // Lanes by team: one lane per team owning a service of a release in view, each release
  // on the lanes of its services' teams.
  await chord([KEY.control], '1');
  await wd.waitFor('[data-testid="lanes-by"]', 10_000);
  await wd.execute('const s = document.querySelector("[data-testid=lanes-by]"); s.value = "team"; s.dispatchEvent(new Event("change", { bubbles: true }));');
  await painted(wd);
  const teamOf = new Map(doc.services.map((s) => [s.name, s.team]));
  const inView = doc.releases.filter((r) => r.release_date >= loaded[0] && r.release_date <= loaded[1] && r.status !== 'cancelled');
  const teams = [...new Set(inView.flatMap((r) => r.services.map((s) => teamOf.get(s)).filter(Boolean)))].sort((a, b) => a.localeCompare(b));
  const lanes = await wd.execute('return [...document.querySelectorAll("[data-testid=lane]")].map(e => e.getAttribute("data-train-name"))');
  assert.deepEqual(lanes.filter((l) => l !== 'No team'), teams, 'a lane per team');
  const team = teams[0];
  const onLane = await wd.execute(
    `return [...document.querySelectorAll('[data-testid="lane"][data-train-name="${team}"] [data-testid="release"]')].map(e => Number(e.dataset.releaseId)).sort((a, b) => a - b)`,
  );
  const ofTeam = inView.filter((r) => r.services.some((s) => teamOf.get(s) === team)).map((r) => r.id).sort((a, b) => a - b);
  assert.deepEqual(onLane, ofTeam, `the ${team} lane`);
  await shot('finding-lanes-by-team-light.png');
  await wd.execute('const s = document.querySelector("[data-testid=lanes-by]"); s.value = "train"; s.dispatchEvent(new Event("change", { bubbles: true }));');
  await painted(wd);
});

test('the month view: releases on their days, freezes shaded; every view in light and dark', { timeout: 120_000 }, async () => {
  const doc = exportDoc();
  await chord([KEY.control], '2');
  const title = await wd.text(await wd.waitFor('[data-testid="month-title"]', 10_000));
  // The month of today as the window has it: its releases are the export's of that month.
  const prefix = await wd.attribute(await wd.waitFor('[data-testid="month-view"]', 5_000), 'data-month');
  assert.match(prefix, /^\d{4}-\d{2}$/);
  // The grid shows whole weeks: the days around the month too.
  const [firstDay, lastDay] = await wd.execute(
    'const d = [...document.querySelectorAll("[data-testid=month-view] [data-day]")].map(e => Number(e.dataset.day)); return [Math.min(...d), Math.max(...d)];',
  );
  const iso = (day) => new Date(day * 86_400_000).toISOString().slice(0, 10);
  assert.ok(iso(firstDay) <= `${prefix}-01` && iso(lastDay) >= `${prefix}-28`, `${iso(firstDay)}..${iso(lastDay)}`);
  const want = doc.releases
    .filter((r) => r.release_date >= iso(firstDay) && r.release_date <= iso(lastDay) && r.status !== 'cancelled')
    .map((r) => r.id)
    .sort((a, b) => a - b);
  const shown = await wd.execute(
    'return [...document.querySelectorAll("[data-testid=month-release]")].map(e => Number(e.dataset.releaseId)).sort((a, b) => a - b)',
  );
  // A day shows four releases at most ("+n more"), so the month lists a subset, never another month's.
  for (const id of shown) assert.ok(want.includes(id), `${id} is not of ${title}`);
  assert.ok(shown.length >= Math.min(want.length, 4), `${shown.length} of ${want.length} releases shown in ${title}`);
  await shot('finding-month-light.png');
  await wd.click(await wd.waitFor('[data-testid="month-next"]', 5_000));
  assert.notEqual(await wd.text(await wd.waitFor('[data-testid="month-title"]', 5_000)), title);
  await wd.click(await wd.waitFor('[data-testid="month-prev"]', 5_000));
  assert.equal(await wd.text(await wd.waitFor('[data-testid="month-title"]', 5_000)), title);

  // Dark: chosen in the top bar, remembered.
  await setTheme('dark');
  assert.equal(await wd.execute('return document.documentElement.dataset.theme'), 'dark');
  assert.equal(await wd.execute('return localStorage.getItem("switchyard.theme")'), 'dark');
  const bg = await wd.execute('return getComputedStyle(document.documentElement).backgroundColor');
  assert.equal(bg, 'rgb(20, 24, 31)', 'the dark background');
  await shot('finding-month-dark.png');
  await chord([KEY.control], '3');
  await wd.waitFor('[data-testid="table-view"] [data-testid="table-row"]', 10_000);
  await shot('finding-table-dark.png');
  await chord([KEY.control], '1');
  await wd.waitFor('[data-testid="calendar"][data-mode="timeline"] [data-testid="release"]', 10_000);
  await shot('finding-calendar-dark.png');
  // After a reload the choice stands.
  await wd.execute('document.querySelector("[data-testid=calendar]").removeAttribute("data-ready"); setTimeout(() => location.reload(), 0);');
  await sleep(500);
  await wd.waitFor('[data-testid="calendar"][data-ready="true"]', 60_000);
  assert.equal(await wd.execute('return document.documentElement.dataset.theme'), 'dark');
  await setTheme('system');
  assert.equal(await wd.execute('return localStorage.getItem("switchyard.theme")'), null);
});

test('the native View menu reaches the window: Table, then Theme > Dark', { timeout: 60_000 }, async () => {
  const xdotool = (args) => execFileSync('xdotool', args, { env, timeout: 20_000 }).toString().trim();
  await chord([KEY.control], '1');
  await wd.waitFor('[data-testid="calendar"][data-mode="timeline"]', 10_000);
  // The window's menu bar, as a person uses it: click View, then the keyboard.
  const id = xdotool(['search', '--sync', '--onlyvisible', '--name', 'Switchyard']).split('\n')[0];
  xdotool(['windowfocus', '--sync', id]);
  const geometry = xdotool(['getwindowgeometry', '--shell', id]);
  const at = Object.fromEntries(geometry.split('\n').map((l) => l.split('=')));
  const viewMenu = [Number(at.X) + 104, Number(at.Y) + 12]; // File, Edit, View from the left
  xdotool(['mousemove', '--sync', String(viewMenu[0]), String(viewMenu[1]), 'click', '1']);
  await sleep(500);
  xdotool(['key', 'Down', 'Down', 'Down', 'Return']); // Timeline, Month, Table
  await wd.waitFor('[data-testid="calendar"][data-mode="table"] [data-testid="table-view"]', 10_000);
  // View > Theme > Dark: past Quick search, into the submenu, its third item.
  xdotool(['mousemove', '--sync', String(viewMenu[0]), String(viewMenu[1]), 'click', '1']);
  await sleep(500);
  xdotool(['key', 'Down', 'Down', 'Down', 'Down', 'Down', 'Right', 'Down', 'Down', 'Return']);
  await waitUntil('the dark theme', async () => (await wd.execute('return document.documentElement.dataset.theme')) === 'dark', 10_000);
  await shot('finding-menu-table-dark.png');
  await setTheme('system');
});
