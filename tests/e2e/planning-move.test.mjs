// End to end: moving releases in the real window (tauri-driver + WebKitWebDriver under
// Xvfb): a drag with its slip preview, applied and undone; a scenario discarded; a
// dependency that closes a cycle refused; the demo's conflict fixed with "move to the
// next free slot". Each is checked afterwards through the real CLI's JSON output.
// Every process this starts is stopped in `after`, and every wait has a deadline.

import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { WebDriver, e2eSetup, sleep, startDriver, stopDriver, waitUntil } from './webdriver.mjs';

const { app, cli, outDir, port, env, workspace } = e2eSetup('move', { portOffset: 211 });
/** The window opens at the "Half year" zoom: 6 px a day. */
const PX_PER_DAY = 6;

let driver = null;
const wd = new WebDriver(`http://127.0.0.1:${port}`);

function sy(...args) {
  return execFileSync(cli, ['--db', workspace, ...args], { env, maxBuffer: 64 << 20, timeout: 60_000 }).toString();
}
const exportJson = () => sy('export', '--format', 'json');
const doc = () => JSON.parse(exportJson());
const dateOf = (d, id) => d.releases.find((r) => r.id === id).release_date;
/** `name` in the light theme, then `name-dark.png` in the dark one (the theme put back). */
const shot = async (name) => {
  for (const theme of ['light', 'dark']) {
    await wd.execute(`document.documentElement.dataset.theme = ${JSON.stringify(theme)}`);
    await sleep(300);
    const file = theme === 'light' ? name : name.replace(/\.png$/, '-dark.png');
    writeFileSync(join(outDir, file), await wd.screenshot());
  }
  await wd.execute('delete document.documentElement.dataset.theme');
};

function addDays(iso, n) {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

async function marker(id) {
  const [m] = await wd.findAll(`[data-testid="release"][data-release-id="${id}"]`);
  assert.ok(m, `release ${id} is on screen`);
  return m;
}

/** Scrolls the calendar so `id`'s marker is in the middle of the view. */
async function reveal(id) {
  await wd.execute(
    `const m = document.querySelector('[data-testid="release"][data-release-id="${id}"]');
     const s = document.querySelector('.scroller');
     const r = m.getBoundingClientRect(), sr = s.getBoundingClientRect();
     s.scrollLeft += r.x - (sr.x + sr.width / 2);`,
  );
  await sleep(300);
}

/** A real drag with the mouse: down on the marker, moved `dx` pixels in steps, up. */
async function drag(el, dx) {
  const [x, y] = await wd.execute(
    'const r = arguments[0].querySelector(".marker").getBoundingClientRect(); return [Math.round(r.x + r.width / 2), Math.round(r.y + r.height / 2)];',
    [{ 'element-6066-11e4-a52e-4f735466cecf': el }],
  );
  const steps = [];
  for (let i = 1; i <= 6; i++) steps.push({ type: 'pointerMove', duration: 30, origin: 'viewport', x: x + Math.round((dx * i) / 6), y });
  await wd.call('POST', wd.s('/actions'), {
    actions: [
      {
        type: 'pointer',
        id: 'mouse',
        parameters: { pointerType: 'mouse' },
        actions: [
          { type: 'pointerMove', duration: 0, origin: 'viewport', x, y },
          { type: 'pointerDown', button: 0 },
          ...steps,
          { type: 'pointerUp', button: 0 },
        ],
      },
    ],
  });
  await wd.call('DELETE', wd.s('/actions'));
}

async function clickTestId(id) {
  const el = await wd.waitFor(`[data-testid="${id}"]`, 15_000);
  await wd.click(el);
}

async function gone(css, ms = 15_000) {
  await waitUntil(`${css} to close`, async () => (await wd.findAll(css)).length === 0, ms);
}

before(async () => {
  assert.ok(existsSync(app), `build the app first: ${app}`);
  mkdirSync(outDir, { recursive: true });
  driver = startDriver(port, env);
  await wd.waitForServer(20_000);
  await wd.start(app);
  await wd.waitFor('[data-testid="calendar"][data-ready="true"]', 90_000);
});

after(async () => {
  await wd.stop();
  await stopDriver(driver);
});

test('dragging a release with dependents: preview, apply as the CLI predicted, audit, undo', { timeout: 180_000 }, async () => {
  const bytes0 = exportJson();
  const d0 = JSON.parse(bytes0);
  const today = new Date().toISOString().slice(0, 10);
  const byKey = (k) => d0.releases.find((r) => String(r.id) === k || r.source_key === k);
  // An open release dated ahead whose move by three weeks pushes a dependent (the demo's
  // platform -> web edges), as the CLI's dry run says before anything changes.
  const days = 21;
  let r = null;
  let to = null;
  let dry = null;
  for (const x of d0.dependencies) {
    const a = byKey(x.blocker);
    const b = byKey(x.blocked);
    if (x.kind !== 'release' || !a || !b || a.released || b.released || a.release_date < today) continue;
    const t = addDays(a.release_date, days);
    const p = JSON.parse(sy('release', 'move', String(a.id), '--to', t, '--json'));
    if (p.moves.length >= 1 && p.breaks.length === 0) {
      [r, to, dry] = [a, t, p];
      break;
    }
  }
  assert.ok(r, 'the demo has a release whose move pushes a dependent');
  assert.equal(dry.applied, false);
  await reveal(r.id);
  await drag(await marker(r.id), days * PX_PER_DAY);
  await wd.waitFor('[data-testid="preview-move"]', 20_000).catch(async (e) => {
    await shot('planning-debug-drag.png');
    throw e;
  });
  const listed = await wd.execute(
    'return [...document.querySelectorAll("[data-testid=preview-move]")].map(e => [Number(e.dataset.releaseId), e.dataset.to])',
  );
  const expected = [[r.id, to], ...dry.moves.map((m) => [m.release_id, m.to])];
  assert.deepEqual(
    [...listed].sort((a, b) => a[0] - b[0]),
    [...expected].sort((a, b) => a[0] - b[0]),
    'the preview lists the moves the CLI predicted',
  );
  const text = await wd.text(await wd.waitFor('[data-testid="move-preview"]', 5_000));
  for (const m of dry.moves) assert.ok(text.includes(m.name), `the preview names ${m.name}`);
  await shot('planning-slip-preview.png');
  assert.equal(exportJson(), bytes0, 'the preview wrote nothing');

  await clickTestId('move-apply');
  await gone('[data-testid="move-preview"]');
  const d1 = doc();
  for (const [id, date] of expected) assert.equal(dateOf(d1, id), date, `release ${id}`);
  const events = d1.audit_events.slice(d0.audit_events.length);
  assert.equal(events.length, expected.length, 'one audit event per release moved');
  const after = (e) => (typeof e.after === 'string' ? JSON.parse(e.after) : e.after);
  const change = after(events[0]).change;
  assert.ok(change, 'a change id');
  for (const e of events) {
    assert.equal(e.action, 'release.move');
    assert.equal(after(e).change, change);
  }

  // Undo, shown with what it undoes.
  const undo = await wd.waitFor('[data-testid="undo"]', 15_000);
  assert.ok((await wd.text(undo)).includes(r.name), await wd.text(undo));
  await wd.click(undo);
  await waitUntil('the dates to be back', async () => dateOf(doc(), r.id) === r.release_date, 20_000);
  const d2 = doc();
  for (const [id] of expected) assert.equal(dateOf(d2, id), dateOf(d0, id), `release ${id} back`);
  const undone = d2.audit_events.slice(d1.audit_events.length);
  assert.equal(undone.length, expected.length);
  for (const e of undone) assert.equal(after(e).undoes, change);
  assert.equal(d2.audit_events.length, d1.audit_events.length + expected.length, 'no event deleted');
});

test('a scenario of two moves, discarded, leaves the workspace byte for byte', { timeout: 120_000 }, async () => {
  const before = exportJson();
  const d0 = JSON.parse(before);
  const today = new Date().toISOString().slice(0, 10);
  const shown = await wd.execute(
    'return [...document.querySelectorAll("[data-testid=release]")].map(e => Number(e.dataset.releaseId))',
  );
  const open = d0.releases
    .filter((r) => !r.released && r.status !== 'cancelled' && r.release_date >= today && shown.includes(r.id))
    .sort((a, b) => a.release_date.localeCompare(b.release_date));
  const [a, b] = [open[0], open.find((r) => r.train_id !== open[0].train_id)];
  // With the keyboard on the focused marker: → a day, Shift+→ a week.
  for (const [r, shift] of [
    [a, false],
    [b, true],
  ]) {
    await reveal(r.id);
    await wd.execute('arguments[0].focus()', [{ 'element-6066-11e4-a52e-4f735466cecf': await marker(r.id) }]);
    if (shift) {
      await wd.call('POST', wd.s('/actions'), {
        actions: [
          {
            type: 'key',
            id: 'keyboard',
            actions: [
              { type: 'keyDown', value: '\uE008' },
              { type: 'keyDown', value: '\uE014' },
              { type: 'keyUp', value: '\uE014' },
              { type: 'keyUp', value: '\uE008' },
            ],
          },
        ],
      });
      await wd.call('DELETE', wd.s('/actions'));
    } else {
      await wd.press('\uE014');
    }
    const moved = await wd.waitFor(`[data-testid="preview-move"][data-release-id="${r.id}"]`, 15_000).catch(async (e) => {
      await shot('planning-debug-keyboard.png');
      throw e;
    });
    assert.equal(await wd.attribute(moved, 'data-to'), addDays(r.release_date, shift ? 7 : 1));
    await clickTestId('move-add-to-scenario');
    await gone('[data-testid="move-preview"]');
  }
  const bar = await wd.waitFor('[data-testid="scenario-bar"]', 10_000);
  assert.equal((await wd.findAll('[data-testid="scenario-move"]')).length, 2, await wd.text(bar));
  await waitUntil('the draft drawn over the plan', async () => (await wd.findAll('[data-testid="draft-move"]')).length >= 1, 10_000);
  await shot('planning-scenario.png');
  await clickTestId('scenario-discard');
  await gone('[data-testid="scenario-bar"]');
  assert.equal(exportJson(), before, 'discarding wrote nothing');
});

test('a dependency that closes a cycle is refused, naming it; nothing written', { timeout: 120_000 }, async () => {
  const before = exportJson();
  const d0 = JSON.parse(before);
  const today = new Date().toISOString().slice(0, 10);
  const byKey = (k) => d0.releases.find((r) => String(r.id) === k || r.source_key === k);
  const dep = d0.dependencies.find((x) => {
    const a = byKey(x.blocker);
    const b = byKey(x.blocked);
    return x.kind === 'release' && a && b && !b.released && b.release_date >= today;
  });
  const [blocker, blocked] = [byKey(dep.blocker), byKey(dep.blocked)];
  await reveal(blocked.id);
  await wd.pointerClick(await marker(blocked.id));
  await wd.waitFor('[data-testid="dependencies"]', 10_000);
  // Its chain is drawn: the arrow from its blocker.
  await waitUntil('chain arrows', async () => (await wd.findAll('[data-testid="chain-arrow"]')).length >= 1, 10_000);
  const crit = await wd.findAll('[data-testid="show-critical"]');
  if (crit.length) await wd.click(crit[0]);
  await shot('planning-chain.png');
  // "Blocks <its blocker>": blocked -> blocker closes blocker -> blocked -> blocker.
  const select = await wd.waitFor('[data-testid="dep-direction"]', 5_000);
  await wd.execute('arguments[0].value = "blocks"; arguments[0].dispatchEvent(new Event("change"))', [
    { 'element-6066-11e4-a52e-4f735466cecf': select },
  ]);
  const input = await wd.waitFor('[data-testid="dep-other"]', 5_000);
  await wd.call('POST', wd.s(`/element/${input}/value`), { text: blocker.name });
  await clickTestId('dep-add');
  const err = await wd.waitFor('[data-testid="dep-error"]', 15_000);
  const text = await wd.text(err);
  assert.ok(text.includes('dependency_cycle'), text);
  assert.ok(text.includes(`${blocker.name} -> ${blocked.name}`) || text.includes(`${blocked.name} -> ${blocker.name}`), text);
  assert.equal(exportJson(), before, 'nothing written');
  await wd.press('\uE00C'); // Escape closes the panel
});

test("the demo's conflict is listed and 'move to the next free slot' resolves it", { timeout: 120_000 }, async () => {
  await clickTestId('conflicts-button');
  const conflict = await wd.waitFor('[data-testid="conflict"][data-kind="dependency_order"]', 15_000);
  const [pick] = await wd.execute('return [arguments[0].querySelector("button.pick")]', [
    { 'element-6066-11e4-a52e-4f735466cecf': conflict },
  ]);
  await wd.click(pick['element-6066-11e4-a52e-4f735466cecf']);
  await waitUntil('its releases highlighted', async () => (await wd.findAll('[data-testid="conflict-highlight"]')).length >= 1, 10_000);
  await shot('planning-conflicts.png');
  const check0 = JSON.parse(sy('plan', 'check', '--json'));
  assert.ok(check0.conflicts.some((c) => c.kind === 'dependency_order'));
  const fix = await wd.execute('return [arguments[0].querySelector("[data-testid=conflict-fix]")]', [
    { 'element-6066-11e4-a52e-4f735466cecf': conflict },
  ]);
  assert.ok(fix[0], 'a fix is offered');
  await wd.click(fix[0]['element-6066-11e4-a52e-4f735466cecf']);
  await wd.waitFor('[data-testid="preview-resolved"]', 15_000);
  await clickTestId('move-apply');
  await gone('[data-testid="move-preview"]');
  const check1 = JSON.parse(sy('plan', 'check', '--json'));
  assert.ok(!check1.conflicts.some((c) => c.kind === 'dependency_order'), JSON.stringify(check1));
});
