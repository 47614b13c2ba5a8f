// End to end: workspaces in the real window. It starts on a damaged file, then opens,
// creates and switches workspaces through the File menu and the native GTK dialogs, which
// xdotool answers the way a person types into them. Run by `./dev test` under xvfb-run with
// the other e2e files. Every process this starts is stopped in `after`, pass or fail, and
// every wait has a deadline.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { WebDriver, e2eSetup, painted, sleep, startDriver, stopDriver, waitUntil } from './webdriver.mjs';

const { app, cli, outDir, port, home, env } = e2eSetup('workspaces');
const plans = join(home, 'plans');
const damaged = join(plans, 'damaged.sqlite3');
const payments = join(plans, 'payments.sqlite3');
const demo = join(plans, 'demo.sqlite3');
const created = join(plans, 'new-plan.sqlite3');
Object.assign(env, {
  SWITCHYARD_DB: damaged,
  // GTK's file chooser keeps its settings in dconf, which has no D-Bus session here.
  GSETTINGS_BACKEND: 'memory',
});

let driver = null;
const wd = new WebDriver(`http://127.0.0.1:${port}`);

after(async () => {
  await wd.stop();
  await stopDriver(driver);
});

function switchyard(db, args) {
  return execFileSync(cli, ['--db', db, ...args], { env, maxBuffer: 64 << 20, timeout: 60_000 });
}

function xdotool(args) {
  return execFileSync('xdotool', args, { env, timeout: 20_000 }).toString().trim();
}

/**
 * Answers the native file dialog titled `title` with `path`, as a person would: Ctrl+L
 * (the location field) in an Open dialog, the name field of a Save dialog, then Return.
 */
async function answerDialog(title, path) {
  const id = xdotool(['search', '--sync', '--onlyvisible', '--name', title]).split('\n')[0];
  xdotool(['windowfocus', '--sync', id]);
  await sleep(300);
  xdotool(['key', title.startsWith('Open') ? 'ctrl+l' : 'ctrl+a']);
  await sleep(200);
  xdotool(['type', '--delay', '15', path]);
  await sleep(300);
  xdotool(['key', 'Return']);
}

const lanes = () =>
  wd.execute('return [...document.querySelectorAll("[data-testid=lane]")].map(e => e.getAttribute("data-train-name"))');
/** The workspace the menu names, once no File action is running. */
const shownName = () =>
  waitUntil('the File action ended', () =>
    wd.execute(
      'const b = document.querySelector("[data-testid=workspace-menu]"); return b.disabled ? null : b.textContent.trim();',
    ), 20_000);
const disabled = (testid) => wd.execute(`return document.querySelector('[data-testid=${testid}]').disabled`);

async function shot(name) {
  await painted(wd);
  await sleep(200);
  execFileSync('import', ['-window', 'root', join(outDir, name)], { env, timeout: 20_000 });
}

async function waitForLanes(expected) {
  await wd.waitFor('[data-testid="calendar"][data-ready="true"]', 60_000);
  try {
    return await waitUntil(`lanes ${expected}`, async () => {
      const l = await lanes();
      return expected.every((t) => l.includes(t)) ? l : null;
    }, 30_000);
  } catch (e) {
    await shot('workspace-failed.png').catch(() => {});
    throw e;
  }
}

test('a damaged workspace offers Open, New and Show in folder, and nothing that needs a workspace', { timeout: 240_000 }, async () => {
  assert.ok(existsSync(app), `build the app first: ${app}`);
  mkdirSync(outDir, { recursive: true });
  mkdirSync(plans, { recursive: true });
  const garbage = Buffer.from('this is not a Switchyard workspace\n'.repeat(200));
  writeFileSync(damaged, garbage);
  switchyard(payments, ['train', 'add', 'Payments', '--every', '2w', '--anchor', new Date().toISOString().slice(0, 10)]);
  const until = new Date(Date.now() + 120 * 86_400_000).toISOString().slice(0, 10);
  switchyard(payments, ['train', 'generate', 'Payments', '--until', until]);

  driver = startDriver(port, env);
  await wd.waitForServer(20_000);
  await wd.start(app);

  const problem = await wd.waitFor('[data-testid="workspace-problem"]', 60_000);
  assert.equal(await wd.attribute(problem, 'data-error-code'), 'not_a_database');
  assert.ok((await wd.text(problem)).includes(damaged), 'the problem names the file');
  for (const id of ['open-export', 'tab-metrics', 'tab-sync']) assert.equal(await disabled(id), true, `${id} is enabled`);
  assert.deepEqual(readFileSync(damaged), garbage, 'the damaged file was written to');
  await shot('workspace-damaged.png');

  // One of the choices: open another workspace in the native dialog.
  await wd.click(await wd.waitFor('[data-testid="problem-open"]', 5_000));
  await answerDialog('Open workspace', payments);
  assert.deepEqual(await waitForLanes(['Payments']), ['Payments'], 'only the Payments train');
  assert.equal(await shownName(), 'payments');
  for (const id of ['open-export', 'tab-metrics', 'tab-sync']) assert.equal(await disabled(id), false, `${id} is disabled`);
  assert.equal((await wd.findAll('[data-testid="workspace-problem"]')).length, 0);
});

test('the File menu opens, switches and creates workspaces; a file it cannot open leaves the one shown', { timeout: 240_000 }, async () => {
  switchyard(demo, ['demo', 'load']);
  const demoTrains = JSON.parse(switchyard(demo, ['export', '--format', 'json'])).trains.map((t) => t.name);
  assert.equal(demoTrains.length, 3);

  // Open: the demo organisation.
  await wd.click(await wd.waitFor('[data-testid="workspace-menu"]', 5_000));
  await wd.click(await wd.waitFor('[data-testid="menu-open"]', 5_000));
  await answerDialog('Open workspace', demo);
  await waitForLanes(demoTrains);
  assert.equal(await shownName(), 'demo');

  // Open recent: back to Payments, the workspace opened before.
  await wd.click(await wd.waitFor('[data-testid="workspace-menu"]', 5_000));
  const recent = await wd.waitFor(`[data-testid="menu-recent"][data-path="${payments}"]`, 5_000);
  await shot('workspace-menu.png');
  await wd.click(recent);
  assert.deepEqual(await waitForLanes(['Payments']), ['Payments'], 'only the Payments train');
  assert.equal(await shownName(), 'payments');

  // Ctrl+O on a damaged file: the reason in one line, Payments still shown.
  const main = xdotool(['search', '--onlyvisible', '--name', '^Switchyard']).split('\n')[0];
  xdotool(['windowfocus', '--sync', main]);
  xdotool(['key', 'ctrl+o']);
  await answerDialog('Open workspace', damaged);
  const error = await wd.waitFor('[data-testid="error"][data-error-code="not_a_database"]', 20_000);
  assert.match(await wd.text(error), /Couldn't open the workspace/);
  assert.equal(await shownName(), 'payments');
  assert.deepEqual(await lanes(), ['Payments']);
  await wd.click(await wd.waitFor('[data-testid="error-dismiss"]', 5_000));

  // New: an empty workspace, then the demo organisation loaded into it from its empty state.
  await wd.click(await wd.waitFor('[data-testid="workspace-menu"]', 5_000));
  await wd.click(await wd.waitFor('[data-testid="menu-new"]', 5_000));
  await answerDialog('New workspace', created);
  await wd.waitFor('[data-testid="empty-state"]', 30_000);
  assert.equal(await shownName(), 'new-plan');
  assert.ok(existsSync(created), `no workspace at ${created}`);
  await shot('workspace-new.png');
  await wd.click(await wd.waitFor('[data-testid="load-demo"]', 5_000));
  await waitForLanes(demoTrains);
  const doc = JSON.parse(switchyard(created, ['export', '--format', 'json']));
  assert.deepEqual(doc.trains.map((t) => t.name).sort(), [...demoTrains].sort(), 'the CLI reads the demo in the new file');

  // The recent list is what a restart reopens: newest first.
  const listed = JSON.parse(readFileSync(join(home, 'config/dev.switchyard.desktop/recent-workspaces.json'), 'utf8'));
  assert.deepEqual(listed.workspaces.slice(0, 3), [created, payments, demo]);
});
