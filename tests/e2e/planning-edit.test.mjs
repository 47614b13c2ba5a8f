// End to end: planning in the real window (tauri-driver + WebKitWebDriver under Xvfb):
// a train made in its form, "Generate until…" previewed and applied, a release edited and
// another cancelled, a freeze window added after a refused form. Each step is checked
// afterwards through the real CLI's JSON export. Every process this starts is stopped in
// `after`, and every wait has a deadline.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { WebDriver, e2eSetup, sleep, startDriver, stopDriver, waitUntil } from './webdriver.mjs';

const { app, cli, outDir, port, env, workspace } = e2eSetup('plan', { portOffset: 211 });

let driver = null;
const wd = new WebDriver(`http://127.0.0.1:${port}`);

after(async () => {
  await wd.stop();
  await stopDriver(driver);
});

function exportText() {
  return execFileSync(cli, ['--db', workspace, 'export', '--format', 'json'], { env, maxBuffer: 64 << 20 }).toString();
}
const exported = () => JSON.parse(exportText());

/** `YYYY-MM-DD` of the window's today plus `n` days. */
let today = '';
function plus(n) {
  const d = new Date(`${today}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** With E2E_DEBUG set, each step is logged. */
const step = (what) => process.env.E2E_DEBUG && console.error(`step: ${what}`);

/** Replaces what the input `css` holds with `text`, as typing does. */
async function fill(css, text) {
  step(`fill ${css}`);
  const el = await wd.waitFor(css, 10_000);
  await wd.call('POST', wd.s(`/element/${el}/clear`), {});
  if (text !== '') await wd.call('POST', wd.s(`/element/${el}/value`), { text });
  return el;
}

async function clickOn(css) {
  step(`click ${css}`);
  const el = await wd.waitFor(css, 10_000);
  await wd.click(el);
  return el;
}

/**
 * The screen as the X server shows it (ImageMagick's `import`, from `./dev setup --test`):
 * WebKitWebDriver's own screenshot never answers once the generate preview's table is in
 * the dialog, so every picture of this file is taken the same way, from outside.
 */
async function shot(name) {
  // The pointer out of the way, so no tooltip of what was clicked stays in the picture.
  await wd.call('POST', wd.s('/actions'), {
    actions: [{ type: 'pointer', id: 'mouse', parameters: { pointerType: 'mouse' }, actions: [{ type: 'pointerMove', duration: 0, origin: 'viewport', x: 1270, y: 60 }] }],
  });
  await wd.call('DELETE', wd.s('/actions'));
  // The light theme, then the dark one as `name-dark.png` (the theme put back after).
  for (const theme of ['light', 'dark']) {
    await wd.execute(`document.documentElement.dataset.theme = ${JSON.stringify(theme)}`);
    await sleep(600);
    const file = theme === 'light' ? name : name.replace(/\.png$/, '-dark.png');
    execFileSync('import', ['-window', 'root', join(outDir, file)], { env, timeout: 20_000 });
  }
  await wd.execute('delete document.documentElement.dataset.theme');
}

const gone = (css) => waitUntil(`${css} gone`, async () => (await wd.findAll(css)).length === 0, 15_000);

/** The field errors shown: `{field: message}`. */
const fieldErrors = () =>
  wd.execute(
    'return Object.fromEntries([...document.querySelectorAll("[data-testid=field-error]")].map(e => [e.dataset.field, e.textContent.trim()]))',
  );

/** Opens New ▾ by keyboard and picks `item` (Train…, Release…, Freeze window…, Holiday…). */
async function newFromMenu(testid) {
  const trigger = await wd.waitFor('[data-testid="plan-new"]', 10_000);
  await wd.execute('arguments[0].focus()', [{ 'element-6066-11e4-a52e-4f735466cecf': trigger }]);
  await wd.press('\uE015'); // ArrowDown opens the menu on its first item
  await wd.waitFor('[role="menu"]', 5_000);
  const focused = await wd.execute('return document.activeElement.dataset.testid');
  assert.equal(focused, 'new-train', 'the menu opens with its first item focused');
  await clickOn(`[data-testid="${testid}"]`);
}

let train = null;
let preview = [];

test('a train made in the form, its releases generated from the dry-run list', { timeout: 300_000 }, async () => {
  assert.ok(existsSync(app), `build the app first: ${app}`);
  assert.ok(existsSync(cli), `build the CLI first: ${cli}`);
  mkdirSync(outDir, { recursive: true });
  driver = startDriver(port, env);
  await wd.waitForServer(20_000);
  await wd.start(app);
  await wd.waitFor('[data-testid="calendar"][data-ready="true"]', 90_000);
  today = await wd.execute('return new Date().toISOString().slice(0, 10)');
  const services = exported().services.map((s) => s.name);
  const service = services.includes('mobile-bff') ? 'mobile-bff' : services[0];

  await newFromMenu('new-train');
  await wd.waitFor('[data-testid="train-form"] #train-name', 15_000);
  await fill('#train-name', 'Mobile');
  await fill('#train-description', 'The mobile apps and their backend.');
  await fill('#train-every', 'fortnightly');
  await fill('#train-anchor', plus(3));
  await clickOn(`[data-testid="train-form"] [data-testid="service-${service}"]`);

  // A cadence the parser refuses: shown next to its field, nothing written.
  const before = exportText();
  await clickOn('[data-testid="train-form"] [data-testid="form-submit"]');
  const errs = await waitUntil('the cadence error', async () => {
    const e = await fieldErrors();
    return e.every ? e : null;
  }, 10_000);
  assert.match(errs.every, /not a number of weeks/);
  assert.equal(
    await wd.execute('return document.getElementById("train-every").getAttribute("aria-describedby")'),
    'err-every',
  );
  assert.ok((await wd.findAll('[data-testid="train-form"]')).length === 1, 'the form stays open');
  assert.equal(exportText(), before, 'a refused train wrote nothing');
  await shot('plan-train-form-error.png');

  await fill('#train-every', '2w');
  await shot('plan-train-form.png');
  // Enter submits the form.
  const name = await wd.waitFor('#train-name', 5_000);
  await wd.call('POST', wd.s(`/element/${name}/value`), { text: '\uE007' });

  // A new train goes on to "Generate until…": the dry-run list first.
  await wd.waitFor('[data-testid="generate-dialog"]', 15_000);
  train = exported().trains.find((t) => t.name === 'Mobile');
  assert.ok(train, 'the train is in the export');
  assert.deepEqual(train.services, [service]);
  await fill('#gen-from', today);
  await fill('#gen-until', plus(70));
  await clickOn('[data-testid="generate-dialog"] [data-testid="form-submit"]');
  await wd.waitFor('[data-testid="generate-row"]', 15_000);
  preview = await wd.execute(
    'return [...document.querySelectorAll("[data-testid=generate-row]")].map(e => ({ name: e.dataset.name, date: e.dataset.date }))',
  );
  assert.ok(preview.length >= 4, `the preview lists ${preview.length} releases`);
  const dryRun = JSON.parse(
    execFileSync(cli, ['--db', workspace, 'train', 'generate', 'Mobile', '--from', today, '--until', plus(70), '--dry-run', '--json'], { env }),
  );
  assert.deepEqual(
    preview,
    dryRun.created.map((r) => ({ name: r.name, date: r.release_date })),
    'the window previews what `train generate --dry-run` says',
  );
  assert.equal(exported().releases.filter((r) => r.train_id === train.id).length, 0, 'a preview writes nothing');
  await shot('plan-generate-preview.png');

  await clickOn('[data-testid="generate-dialog"] [data-testid="form-submit"]');
  await gone('[data-testid="generate-dialog"]');

  const doc = exported();
  const made = doc.releases
    .filter((r) => r.train_id === train.id)
    .sort((a, b) => a.release_date.localeCompare(b.release_date))
    .map((r) => ({ name: r.name, date: r.release_date }));
  assert.deepEqual(made, preview, 'the export holds exactly the previewed releases');
  assert.ok(doc.audit_events.some((e) => e.action === 'train.generate'), 'the generation is audited');

  // On the calendar: a Mobile lane with every generated release.
  await waitUntil('the Mobile releases on the calendar', async () => {
    const shown = await wd.execute(
      'return [...document.querySelectorAll("[data-testid=lane][data-train-name=Mobile] [data-testid=release]")].map(e => e.getAttribute("data-release-name"))',
    );
    return preview.every((p) => shown.includes(p.name));
  }, 15_000);
});

/** Opens a release's panel from its train's panel (the next releases in flight). */
async function openFromTrain(trainName, releaseName) {
  await clickOn(`[data-testid="lane-header"][data-train-name="${trainName}"]`);
  await wd.waitFor(`[data-testid="train-panel"][data-train-name="${trainName}"]`, 10_000);
  const button = await waitUntil(`${releaseName} in the train panel`, async () => {
    const all = await wd.findAll('[data-testid="train-releases"] button.release');
    for (const b of all) if ((await wd.attribute(b, 'title')) === `Open ${releaseName}`) return b;
    return null;
  }, 15_000);
  await wd.click(button);
  await wd.waitFor(`[data-testid="release-panel"][data-release-name="${releaseName}"]`, 10_000);
}

test('a release edited and another cancelled: the CLI shows both, the calendar marks the cancelled one', { timeout: 180_000 }, async () => {
  assert.ok(train && preview.length >= 2, 'the first test made the train');
  const doc = exported();
  const mine = doc.releases.filter((r) => r.train_id === train.id).sort((a, b) => a.release_date.localeCompare(b.release_date));
  const [first, second] = mine;

  await openFromTrain('Mobile', first.name);
  // Esc closes the form, not the panel under it; the focus goes back to Edit….
  await clickOn('[data-testid="release-edit"]');
  await wd.waitFor('[data-testid="release-form"] #release-name', 10_000);
  await wd.press('\uE00C');
  await gone('[data-testid="release-form"]');
  assert.equal((await wd.findAll('[data-testid="release-panel"]')).length, 1, 'the panel stays open');
  assert.equal(await wd.execute('return document.activeElement.dataset.testid'), 'release-edit');
  await clickOn('[data-testid="release-edit"]');
  await wd.waitFor('[data-testid="release-form"]', 10_000);
  await fill('#release-name', `${first.name} beta`);
  await fill('#release-version', '1.0.0-beta');
  await clickOn('[data-testid="release-form"] [data-testid="form-submit"]');
  await gone('[data-testid="release-form"]');
  let after = exported().releases.find((r) => r.id === first.id);
  assert.equal(after.name, `${first.name} beta`);
  assert.equal(after.version, '1.0.0-beta');
  // The open panel follows: the new name, and the edit in its history.
  await wd.waitFor(`[data-testid="release-panel"][data-release-name="${first.name} beta"]`, 10_000);
  await waitUntil('the edit in the history', async () => {
    const actions = await wd.execute(
      'return [...document.querySelectorAll("[data-testid=history-entry]")].map(e => e.dataset.action)',
    );
    return actions[0] === 'release.edit';
  }, 10_000);

  await openFromTrain('Mobile', second.name);
  await clickOn('[data-testid="release-cancel"]');
  await wd.waitFor('[data-testid="cancel-release"]', 10_000);
  await clickOn('[data-testid="cancel-release"] [data-testid="form-submit"]');
  await gone('[data-testid="cancel-release"]');
  after = exported().releases.find((r) => r.id === second.id);
  assert.equal(after.status, 'cancelled', 'kept, with status cancelled');
  const cls = await waitUntil('the cancelled marker', async () => {
    const m = (await wd.findAll(`[data-testid="release"][data-release-name="${second.name}"]`))[0];
    const c = m ? await wd.attribute(m, 'class') : '';
    return c.includes('cancelled') ? c : null;
  }, 10_000);
  assert.ok(cls.includes('cancelled'));
  const audit = exported().audit_events.filter((e) => e.entity === 'release' && [String(first.id), String(second.id)].includes(e.entity_id));
  assert.deepEqual(audit.map((e) => e.action).sort(), ['release.cancel', 'release.edit']);
  await wd.press('\uE00C'); // Esc closes the panel
});

test('a freeze window for a service, after a refused form that wrote nothing', { timeout: 120_000 }, async () => {
  const services = exported().services.map((s) => s.name);
  const service = services.includes('payments-api') ? 'payments-api' : services[0];
  await newFromMenu('new-freeze');
  await wd.waitFor('[data-testid="freeze-form"]', 10_000);
  await fill('#freeze-name', 'Mobile launch');
  await fill('#freeze-start', plus(30));
  await fill('#freeze-end', plus(25));
  await fill('#freeze-reason', 'app store review');
  await clickOn(`[data-testid="freeze-form"] [data-testid="service-${service}"]`);
  const before = exportText();
  await clickOn('[data-testid="freeze-form"] [data-testid="form-submit"]');
  const errs = await waitUntil('the end date error', async () => {
    const e = await fieldErrors();
    return e.end_date ? e : null;
  }, 10_000);
  assert.match(errs.end_date, /ends .* before it starts/);
  assert.equal(exportText(), before, 'a refused freeze window wrote nothing');
  await shot('plan-freeze-form-error.png');

  await fill('#freeze-end', plus(34));
  await clickOn('[data-testid="freeze-form"] [data-testid="form-submit"]');
  await gone('[data-testid="freeze-form"]');
  const w = exported().freeze_windows.find((f) => f.name === 'Mobile launch');
  assert.ok(w, 'the window is in the export');
  assert.equal(w.start_date, plus(30));
  assert.equal(w.end_date, plus(34));
  assert.deepEqual(w.services, [service]);
  await wd.waitFor('[data-testid="freeze-window"][data-freeze-name="Mobile launch"]', 10_000);

  // A holiday: on the calendar as a day mark, in the export.
  await newFromMenu('new-holiday');
  await wd.waitFor('[data-testid="holiday-form"]', 10_000);
  await fill('#holiday-date', plus(12));
  await fill('#holiday-name', 'Founders day');
  await clickOn('[data-testid="holiday-form"] [data-testid="form-submit"]');
  await gone('[data-testid="holiday-form"]');
  const h = exported().holidays.find((x) => x.name === 'Founders day');
  assert.equal(h?.date, plus(12));
  await wd.waitFor(`[data-testid="holiday"][data-date="${plus(12)}"]`, 10_000);
  await shot('plan-calendar-freeze-and-holiday.png');
});

test('the release panel of a demo release: its work items and its history', { timeout: 120_000 }, async () => {
  const doc = exported();
  const platform = doc.trains.find((t) => t.name === 'Platform');
  const inFlight = doc.releases
    .filter((r) => r.train_id === platform.id && ['planned', 'in_progress'].includes(r.status) && !r.released)
    .sort((a, b) => a.release_date.localeCompare(b.release_date));
  const items = (id) => doc.work_items.filter((w) => w.release_ids.includes(id)).length;
  const target = inFlight.find((r) => items(r.id) > 0) ?? inFlight[0];
  await openFromTrain('Platform', target.name);
  await shot('plan-release-panel-actions.png');
  // An edit, so the history has a line to show.
  await clickOn('[data-testid="release-edit"]');
  await wd.waitFor('[data-testid="release-form"]', 10_000);
  await fill('#release-version', `${target.version ?? '1'}.1`);
  await clickOn('[data-testid="release-form"] [data-testid="form-submit"]');
  await gone('[data-testid="release-form"]');
  const shown = await waitUntil('the work items and history', async () => {
    const n = await wd.execute('return document.querySelectorAll("[data-testid=work-item]").length');
    const h = await wd.execute('return document.querySelectorAll("[data-testid=history-entry]").length');
    return h > 0 ? { n, h } : null;
  }, 15_000);
  assert.equal(shown.n, items(target.id), 'every work item of the release is listed');
  const links = await wd.execute(
    'return [...document.querySelectorAll("[data-testid=work-item] a")].map(a => a.getAttribute("href"))',
  );
  assert.ok(links.every((h) => /^https?:\/\//.test(h)), `only web links: ${links.slice(0, 3)}`);
  await wd.execute('document.querySelector("[data-testid=release-history]").scrollIntoView({ block: "center" })');
  await shot('plan-release-panel-work-items-history.png');
});
