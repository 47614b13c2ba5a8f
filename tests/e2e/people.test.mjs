// End to end: the People screen in the real window (tauri-driver + WebKitWebDriver under
// Xvfb): the demo's roster listed, a person added with roles and a GitHub login, a refused
// form (a login that belongs to someone else) shown next to its field, the person edited,
// then removed after the confirmation. Each step is checked through the real CLI
// (`switchyard people list --json`). Every process this starts is stopped in `after`, and
// every wait has a deadline.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { WebDriver, e2eSetup, sleep, startDriver, stopDriver, waitUntil } from './webdriver.mjs';

const { app, cli, outDir, port, env, workspace } = e2eSetup('people', { portOffset: 307 });

let driver = null;
const wd = new WebDriver(`http://127.0.0.1:${port}`);

after(async () => {
  await wd.stop();
  await stopDriver(driver);
});

const people = () =>
  JSON.parse(execFileSync(cli, ['--db', workspace, 'people', 'list', '--json'], { env }).toString());
const named = (name) => people().find((p) => p.name === name);

async function fill(css, text) {
  const el = await wd.waitFor(css, 10_000);
  await wd.call('POST', wd.s(`/element/${el}/clear`), {});
  if (text !== '') await wd.call('POST', wd.s(`/element/${el}/value`), { text });
  return el;
}

async function clickOn(css) {
  const el = await wd.waitFor(css, 10_000);
  await wd.click(el);
  return el;
}

const gone = (css) => waitUntil(`${css} gone`, async () => (await wd.findAll(css)).length === 0, 15_000);

/** The field errors shown: `{field: message}`. */
const fieldErrors = () =>
  wd.execute(
    'return Object.fromEntries([...document.querySelectorAll("[data-testid=field-error]")].map(e => [e.dataset.field, e.textContent.trim()]))',
  );

/** The roster as the screen shows it, in its order: [name, {roles, github, jira}] (an array:
 * WebDriver does not keep the order of an object's keys). */
const shownRows = () =>
  wd.execute(`return [...document.querySelectorAll('[data-testid="person-row"]')].map(r => [
    r.dataset.name,
    {
      roles: [...r.querySelectorAll('.chip')].map(c => c.dataset.role),
      github: [...r.querySelectorAll('td:nth-of-type(2) code')].map(c => c.textContent.trim()),
      jira: [...r.querySelectorAll('td:nth-of-type(3) code')].map(c => c.textContent.trim()),
    },
  ])`);
const shown = async () => Object.fromEntries(await shownRows());

/** The window in light and dark (WebDriver's own screenshot of the page). */
async function shot(name) {
  await wd.call('POST', wd.s('/actions'), {
    actions: [{ type: 'pointer', id: 'mouse', parameters: { pointerType: 'mouse' }, actions: [{ type: 'pointerMove', duration: 0, origin: 'viewport', x: 1270, y: 790 }] }],
  });
  await wd.call('DELETE', wd.s('/actions'));
  for (const theme of ['light', 'dark']) {
    await wd.execute(`document.documentElement.dataset.theme = ${JSON.stringify(theme)}`);
    await sleep(500);
    execFileSync('import', ['-window', 'root', join(outDir, `${name}-${theme}.png`)], { env, timeout: 20_000 });
  }
  await wd.execute('delete document.documentElement.dataset.theme');
}

/** The person row of `name`, its button `testid` clicked. */
async function rowButton(name, testid) {
  const el = await waitUntil(`${name}'s ${testid}`, async () => {
    const found = await wd.findAll(`[data-testid="person-row"][data-name="${name}"] [data-testid="${testid}"]`);
    return found[0] ?? null;
  }, 10_000);
  await wd.click(el);
}

test('people are added, edited and removed in the window, as the CLI then lists them', { timeout: 300_000 }, async () => {
  assert.ok(existsSync(app), `build the app first: ${app}`);
  assert.ok(existsSync(cli), `build the CLI first: ${cli}`);
  mkdirSync(outDir, { recursive: true });
  driver = startDriver(port, env);
  await wd.waitForServer(20_000);
  await wd.start(app);
  await wd.waitFor('[data-testid="calendar"][data-ready="true"]', 90_000);

  // The demo's roster, as the CLI lists it.
  await clickOn('[data-testid="tab-people"]');
  await wd.waitFor('[data-testid="people"][data-ready="true"]', 20_000);
  const rows = await shownRows();
  const first = Object.fromEntries(rows);
  const listed = people();
  assert.equal(listed.length, 8);
  assert.deepEqual(rows.map(([name]) => name), listed.map((p) => p.name), 'by name, as the CLI lists them');
  for (const p of listed) {
    assert.deepEqual(first[p.name], { roles: p.roles, github: p.github, jira: p.jira }, p.name);
  }
  await shot('people');

  // Add: a refused login first (it belongs to Omar Haddad), shown next to its field.
  await clickOn('[data-testid="person-add"]');
  await wd.waitFor('[data-testid="person-form"] #person-name', 10_000);
  await fill('#person-name', 'Tess Ng');
  await clickOn('[data-testid="person-roles"] input[value="sre"]');
  await clickOn('[data-testid="person-roles"] input[value="change_board"]');
  await fill('#person-github', 'omar-haddad');
  await fill('#person-jira', 'tess@acme.example');
  await clickOn('[data-testid="person-form"] [data-testid="form-submit"]');
  const errs = await waitUntil('the login error', async () => {
    const e = await fieldErrors();
    return e.github ? e : null;
  }, 10_000);
  assert.match(errs.github, /GitHub login omar-haddad belongs to Omar Haddad already/);
  assert.equal(named('Tess Ng'), undefined, 'a refused form writes nothing');
  await shot('people-form-error');

  await fill('#person-github', '@tess-ng');
  await fill('[data-testid="person-other-role"]', 'Incident commander');
  await clickOn('[data-testid="person-form"] [data-testid="form-submit"]');
  await gone('[data-testid="person-form"]');
  await wd.waitFor('[data-testid="person-row"][data-name="Tess Ng"]', 10_000);
  let tess = named('Tess Ng');
  assert.deepEqual(tess.roles, ['sre', 'change_board', 'incident_commander']);
  assert.deepEqual(tess.github, ['tess-ng']);
  assert.deepEqual(tess.jira, ['tess@acme.example']);
  assert.deepEqual((await shown())['Tess Ng'], { roles: tess.roles, github: tess.github, jira: tess.jira });

  // Edit: rename, one role off, one on, another login.
  await rowButton('Tess Ng', 'person-edit');
  await wd.waitFor('[data-testid="person-form"] #person-name', 10_000);
  await fill('#person-name', 'Tess Nguyen');
  await clickOn('[data-testid="person-roles"] input[value="change_board"]');
  await clickOn('[data-testid="person-roles"] input[value="qa"]');
  await fill('#person-github', 'tess-ng, tnguyen');
  await clickOn('[data-testid="person-form"] [data-testid="form-submit"]');
  await gone('[data-testid="person-form"]');
  await wd.waitFor('[data-testid="person-row"][data-name="Tess Nguyen"]', 10_000);
  const edited = named('Tess Nguyen');
  assert.equal(edited.id, tess.id, 'the same person');
  assert.deepEqual(edited.roles, ['sre', 'incident_commander', 'qa']);
  assert.deepEqual(edited.github, ['tess-ng', 'tnguyen']);
  assert.equal(named('Tess Ng'), undefined);

  // Remove, after the confirmation; Close first leaves the person there.
  await rowButton('Tess Nguyen', 'person-row-remove');
  await wd.waitFor('[data-testid="person-remove-confirm"]', 10_000);
  await shot('people-remove');
  await wd.press('\uE00C'); // Escape closes without removing
  await gone('[data-testid="person-form"]');
  assert.ok(named('Tess Nguyen'), 'Escape removes nothing');
  await rowButton('Tess Nguyen', 'person-row-remove');
  await clickOn('[data-testid="person-form"] [data-testid="form-submit"]');
  await gone('[data-testid="person-form"]');
  await gone('[data-testid="person-row"][data-name="Tess Nguyen"]');
  assert.equal(named('Tess Nguyen'), undefined);
  assert.equal(people().length, 8);

  // A change from the CLI shows up without a reload (the window follows the workspace).
  execFileSync(cli, ['--db', workspace, 'people', 'add', 'Cli Person', '--role', 'product'], { env });
  await wd.waitFor('[data-testid="person-row"][data-name="Cli Person"]', 15_000);

  // The empty roster says what to do.
  for (const p of people()) execFileSync(cli, ['--db', workspace, 'people', 'remove', p.name], { env });
  await wd.waitFor('[data-testid="people-empty"]', 15_000);
  await shot('people-empty');

  const audit = JSON.parse(
    execFileSync(cli, ['--db', workspace, 'export', '--format', 'json'], { env, maxBuffer: 64 << 20 }).toString(),
  ).audit_events.filter((e) => e.entity === 'person' && e.entity_id === String(tess.id));
  assert.deepEqual(audit.map((e) => e.action), ['person.add', 'person.edit', 'person.remove']);
  tess = null;
});
