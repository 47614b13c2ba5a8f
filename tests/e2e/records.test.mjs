// End to end: change records, a hotfix and a post-release review in the real window
// (tauri-driver + WebKitWebDriver under Xvfb) on the demo workspace. A change record raised
// from a release (its form filled from the release), refused for an author of one of its
// changes, then approved until its rule is met; a hotfix started from the New menu shows its
// reduced checklist and the review it owes; a shipped release's review scheduled, given an
// action item with owner and due day, the item marked done and the review completed with
// its findings. After each, the workspace is checked through the real CLI's JSON
// (`change-record show`, `readiness`, `review show`, `audit verify`). Every process this
// starts is stopped in `after`, and every wait has a deadline.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { WebDriver, e2eSetup, sleep, startDriver, stopDriver, waitUntil } from './webdriver.mjs';

const { app, cli, outDir, port, env, workspace } = e2eSetup('records', { portOffset: 307 });

let driver = null;
const wd = new WebDriver(`http://127.0.0.1:${port}`);

after(async () => {
  await wd.stop();
  await stopDriver(driver);
});

const KEY = { enter: '\uE007', escape: '\uE00C', down: '\uE015', control: '\uE009' };

function switchyard(args) {
  return execFileSync(cli, ['--db', workspace, ...args], { env, maxBuffer: 64 << 20 }).toString();
}
const json = (args) => JSON.parse(switchyard([...args, '--json']));
const exported = () => JSON.parse(switchyard(['export', '--format', 'json']));
function auditVerify() {
  // Exits non-zero when the chain is broken.
  return switchyard(['audit', 'verify']);
}

const step = (what) => process.env.E2E_DEBUG && console.error(`step: ${what}`);

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
  await wd.execute('arguments[0].scrollIntoView({ block: "center" })', [{ 'element-6066-11e4-a52e-4f735466cecf': el }]);
  await wd.click(el);
  return el;
}

const value = (css) => wd.execute(`return document.querySelector(${JSON.stringify(css)}).value`);
const gone = (css) => waitUntil(`${css} gone`, async () => (await wd.findAll(css)).length === 0, 15_000);
const fieldErrors = () =>
  wd.execute(
    'return Object.fromEntries([...document.querySelectorAll("[data-testid=field-error]")].map(e => [e.dataset.field, e.textContent.trim()]))',
  );

/** The screen as the X server shows it, light then dark (`name-dark.png`). */
async function shot(name, scrollTo = null) {
  await wd.call('POST', wd.s('/actions'), {
    actions: [{ type: 'pointer', id: 'mouse', parameters: { pointerType: 'mouse' }, actions: [{ type: 'pointerMove', duration: 0, origin: 'viewport', x: 700, y: 60 }] }],
  });
  await wd.call('DELETE', wd.s('/actions'));
  if (scrollTo) await wd.execute(`document.querySelector(${JSON.stringify(scrollTo)}).scrollIntoView({ block: "start" })`);
  for (const theme of ['light', 'dark']) {
    await wd.execute(`document.documentElement.dataset.theme = ${JSON.stringify(theme)}`);
    await sleep(600);
    const file = theme === 'light' ? name.replace(/\.png$/, '-light.png') : name.replace(/\.png$/, '-dark.png');
    execFileSync('import', ['-window', 'root', join(outDir, file)], { env, timeout: 20_000 });
  }
  await wd.execute('delete document.documentElement.dataset.theme');
}

async function chord(modifiers, key) {
  const actions = [
    ...modifiers.map((m) => ({ type: 'keyDown', value: m })),
    { type: 'keyDown', value: key },
    { type: 'keyUp', value: key },
    ...[...modifiers].reverse().map((m) => ({ type: 'keyUp', value: m })),
  ];
  await wd.call('POST', wd.s('/actions'), { actions: [{ type: 'key', id: 'keyboard', actions }] });
  await wd.call('DELETE', wd.s('/actions'));
}

/** Opens a release's panel through quick search (Ctrl+K), by its name. */
async function openRelease(release) {
  const open = await wd.findAll('[data-testid="release-panel"]');
  if (open.length > 0) {
    await wd.press(KEY.escape);
    await gone('[data-testid="release-panel"]');
  }
  await chord([KEY.control], 'k');
  const input = await wd.waitFor('[data-testid="quick-search-input"]', 5_000);
  await wd.call('POST', wd.s(`/element/${input}/value`), { text: release.name });
  const options = await waitUntil('search results', async () => {
    const o = await wd.execute('return [...document.querySelectorAll("[data-testid=quick-search-option]")].map(e => [e.dataset.kind, e.dataset.key])');
    return o.some(([k, key]) => k === 'release' && Number(key) === release.id) ? o : null;
  }, 10_000);
  const at = options.findIndex(([k, key]) => k === 'release' && Number(key) === release.id);
  if (at > 0) await wd.press(KEY.down, at);
  await wd.press(KEY.enter);
  await wd.waitFor(`[data-testid="release-panel"][data-release-name="${release.name}"]`, 10_000);
}

let target = null;

test('a change record raised from the release, refused for an author, approved until its rule is met', { timeout: 300_000 }, async () => {
  assert.ok(existsSync(app), `build the app first: ${app}`);
  assert.ok(existsSync(cli), `build the CLI first: ${cli}`);
  mkdirSync(outDir, { recursive: true });
  driver = startDriver(port, env);
  await wd.waitForServer(20_000);
  await wd.start(app);
  await wd.waitFor('[data-testid="calendar"][data-ready="true"]', 90_000);
  const today = await wd.execute('return new Date().toISOString().slice(0, 10)');

  // The demo's next planned release with work items, one of them authored by someone.
  const doc = exported();
  const items = (id) => doc.work_items.filter((w) => w.release_ids.includes(id));
  // Segregation of duties looks at the authors of the release's pull requests.
  const pr = (w) => w.kind === 'pull_request' && w.author;
  target = doc.releases
    .filter((r) => r.status === 'planned' && r.release_date > today && items(r.id).some(pr))
    .sort((a, b) => a.release_date.localeCompare(b.release_date))[0];
  assert.ok(target, 'a planned demo release with authored work items');
  const author = items(target.id).find(pr).author;
  await openRelease(target);
  await wd.waitFor('[data-testid="change-records-empty"]', 15_000);

  // The form, filled from the release.
  await clickOn('[data-testid="change-record-raise"]');
  await wd.waitFor('[data-testid="change-record-form"]', 10_000);
  assert.equal(await value('[data-testid="cr-title"]'), `Change for release ${target.name}`);
  assert.equal(await value('[data-testid="cr-window-start"]'), `${target.release_date} 09:00`);
  assert.equal(await value('[data-testid="cr-window-end"]'), `${target.release_date} 17:00`);
  const services = await wd.execute('return [...document.querySelectorAll("[data-testid=cr-services] span")].map(e => e.textContent.trim())');
  assert.deepEqual(services, target.services);
  const changes = await wd.execute('return document.querySelectorAll("[data-testid=cr-changes] li").length');
  assert.equal(changes, items(target.id).length, 'the changes it will cover are the release\'s work items');

  // A window that ends before it starts: next to its field, nothing written.
  await fill('[data-testid="cr-window-end"]', `${target.release_date} 08:00`);
  await clickOn('[data-testid="change-record-form"] [data-testid="form-submit"]');
  const errs = await waitUntil('the window error', async () => {
    const e = await fieldErrors();
    return e.window_end ? e : null;
  }, 10_000);
  assert.match(errs.window_end, /ends before it starts/);
  assert.equal(json(['change-record', 'show', String(target.id)]).change_records.length, 0, 'a refused form wrote nothing');

  await fill('[data-testid="cr-window-end"]', `${target.release_date} 17:00`);
  await fill('[data-testid="cr-rollback"]', 'Redeploy the previous images');
  await fill('[data-testid="cr-evidence"]', 'https://ci.example.com/runs/4242');
  await clickOn('[data-testid="change-record-form"] [data-testid="form-submit"]');
  await gone('[data-testid="change-record-form"]');
  await wd.waitFor('[data-testid="change-record"][data-status="submitted"]', 10_000);
  let shown = json(['change-record', 'show', String(target.id)]);
  assert.equal(shown.change_records.length, 1);
  let rec = shown.change_records[0];
  assert.equal(rec.status, 'submitted');
  assert.deepEqual(rec.services, target.services);
  assert.equal(rec.changes.length, items(target.id).length);
  assert.deepEqual(rec.evidence, ['https://ci.example.com/runs/4242']);
  assert.equal(rec.rollback_plan, 'Redeploy the previous images');
  assert.equal(rec.window_start, `${target.release_date}T09:00:00Z`);

  // An author of one of the release's changes may not approve it: refused, nothing written.
  await clickOn('[data-testid="change-record-approve"]');
  await wd.waitFor('[data-testid="change-record-approve-form"]', 10_000);
  await fill('[data-testid="cr-approver"]', author);
  await clickOn('[data-testid="change-record-approve-form"] [data-testid="form-submit"]');
  const refusal = await waitUntil('the refusal', async () => {
    const e = await wd.findAll('[data-testid="change-record-approve-form"] [data-testid="form-error"]');
    return e.length > 0 ? e[0] : null;
  }, 10_000);
  assert.equal(await wd.attribute(refusal, 'data-error-code'), 'sod_violation');
  assert.equal(json(['change-record', 'show', String(target.id)]).change_records[0].approvals.length, 0);
  await clickOn('[data-testid="change-record-approve-form"] button.secondary');
  await gone('[data-testid="change-record-approve-form"]');

  // Distinct people in the roles still needed, until the record is approved.
  const people = [['sre', 'sam.sre'], ['change_board', 'cab.chair'], ['release_manager', 'rm.one'], ['qa', 'quinn.qa']];
  for (const [role, who] of people) {
    if ((await wd.findAll('[data-testid="change-record"][data-status="approved"]')).length > 0) break;
    await clickOn('[data-testid="change-record-approve"]');
    await wd.waitFor('[data-testid="change-record-approve-form"]', 10_000);
    await fill('[data-testid="cr-approver"]', who);
    await wd.execute(`const s = document.querySelector('[data-testid="cr-role"]'); s.value = ${JSON.stringify(role)}; s.dispatchEvent(new Event('change', { bubbles: true }));`);
    await clickOn('[data-testid="change-record-approve-form"] [data-testid="form-submit"]');
    await gone('[data-testid="change-record-approve-form"]');
  }
  await wd.waitFor('[data-testid="change-record"][data-status="approved"]', 10_000);
  shown = json(['change-record', 'show', String(target.id)]);
  rec = shown.change_records[0];
  assert.equal(rec.status, 'approved');
  assert.ok(rec.approvals.some((a) => a.approver === 'sam.sre' && a.role === 'sre'));
  assert.ok(!rec.approvals.some((a) => a.approver === author));
  auditVerify();
  const actions = exported().audit_events.filter((e) => e.entity === 'change_record' && e.entity_id === String(rec.id)).map((e) => e.action);
  assert.equal(actions[0], 'change_record.create');
  assert.ok(actions.includes('change_record.approve'));
  await shot('change-records.png', '[data-testid="change-records"]');
});

let hotfix = null;

test('a hotfix from the New menu: its reduced checklist and the review it owes', { timeout: 180_000 }, async () => {
  assert.ok(target, 'the first test ran');
  await wd.press(KEY.escape);
  await gone('[data-testid="release-panel"]');
  const trigger = await wd.waitFor('[data-testid="plan-new"]', 10_000);
  await wd.click(trigger);
  await clickOn('[data-testid="new-hotfix"]');
  await wd.waitFor('[data-testid="hotfix-dialog"] [data-testid="hotfix-preview"]', 15_000);
  const service = target.services[0];
  const name = await value('[data-testid="hf-name"]');
  assert.match(name, /^Hotfix \d{4}-\d{2}-\d{2}/);
  await clickOn(`[data-testid="hotfix-dialog"] [data-testid="service-${service}"]`);

  // Without a reason: refused next to it, nothing created.
  await clickOn('[data-testid="hotfix-dialog"] [data-testid="form-submit"]');
  const errs = await waitUntil('the reason error', async () => {
    const e = await fieldErrors();
    return e.reason ? e : null;
  }, 10_000);
  assert.match(errs.reason, /needs a reason/);
  assert.ok(!exported().releases.some((r) => r.name === name), 'a refused hotfix created nothing');

  await fill('[data-testid="hf-reason"]', 'Card payments failing after the last deploy');
  await fill('[data-testid="hf-rollback"]', 'Redeploy the previous image');
  const due = await wd.execute('return document.querySelector("[data-testid=hotfix-preview-due]").textContent.trim()');
  await shot('hotfix-form.png');
  await clickOn('[data-testid="hotfix-dialog"] [data-testid="form-submit"]');
  const started = await wd.waitFor('[data-testid="hotfix-started"]', 15_000);
  const shownName = await wd.attribute(started, 'data-name');
  assert.equal(shownName, name);
  const checklist = await wd.execute('return [...document.querySelectorAll("[data-testid=hotfix-checklist-item]")].map(e => e.querySelector(".t").textContent.trim())');
  const reviewDue = await wd.attribute(await wd.waitFor('[data-testid="hotfix-review"]', 5_000), 'data-due');
  await shot('hotfix-started.png');

  // The CLI says the same: the reduced checklist, the review it owes, the change record.
  const readiness = json(['readiness', name]);
  assert.equal(readiness.template, 'hotfix');
  assert.deepEqual(checklist, readiness.items.map((i) => i.title));
  assert.ok(checklist.length < 5, `a reduced checklist: ${checklist.length} items`);
  const reviews = json(['review', 'show', name]);
  assert.equal(reviews.reviews.length, 1);
  assert.equal(reviews.reviews[0].status, 'scheduled');
  assert.equal(reviews.reviews[0].due_date, reviewDue);
  assert.ok(due.length > 0);
  const records = json(['change-record', 'show', name]);
  assert.equal(records.change_records[0].status, 'submitted');
  assert.deepEqual(records.change_records[0].services, [service]);
  hotfix = exported().releases.find((r) => r.name === name);
  assert.equal(hotfix.release_type, 'hotfix');
  auditVerify();

  await clickOn('[data-testid="hotfix-dialog"] button.secondary');
  await gone('[data-testid="hotfix-dialog"]');
  // Its panel shows the review it owes, with its due day.
  await openRelease(hotfix);
  const owed = await wd.waitFor('[data-testid="post-review-due"]', 15_000);
  assert.equal(await wd.attribute(owed, 'data-due'), reviewDue);
});

test('a post-release review scheduled, an action item added and done, the review completed', { timeout: 240_000 }, async () => {
  const doc = exported();
  const shipped = doc.releases
    .filter((r) => r.status === 'released' && !doc.reviews.some((v) => v.release_id === r.id))
    .sort((a, b) => b.release_date.localeCompare(a.release_date))[0];
  assert.ok(shipped, 'a shipped release without a review');
  await openRelease(shipped);
  await wd.waitFor('[data-testid="post-reviews-empty"]', 15_000);

  await clickOn('[data-testid="post-review-schedule"]');
  await wd.waitFor('[data-testid="post-review-schedule-form"]', 10_000);
  const due = await value('[data-testid="pr-due"]');
  assert.match(due, /^\d{4}-\d{2}-\d{2}$/, 'a due day is suggested');
  await clickOn('[data-testid="post-review-schedule-form"] [data-testid="form-submit"]');
  await gone('[data-testid="post-review-schedule-form"]');
  await wd.waitFor('[data-testid="post-review"][data-status="scheduled"]', 10_000);
  let reviews = json(['review', 'show', String(shipped.id)]).reviews;
  assert.equal(reviews.length, 1);
  assert.equal(reviews[0].due_date, due);

  // Two action items with owner and due day: the panel counts them open.
  for (const [title, owner] of [['Add a canary for the checkout flow', 'dana.sre'], ['Alert on payment error rate', 'omar.eng']]) {
    await clickOn('[data-testid="post-review-add-action"]');
    await wd.waitFor('[data-testid="review-action-form"]', 10_000);
    await fill('[data-testid="pa-title"]', title);
    await fill('[data-testid="pa-owner"]', owner);
    await fill('[data-testid="pa-due"]', due);
    await clickOn('[data-testid="review-action-form"] [data-testid="form-submit"]');
    await gone('[data-testid="review-action-form"]');
  }
  await waitUntil('two actions', async () => (await wd.findAll('[data-testid="review-action"]')).length === 2, 10_000);
  const chip = await wd.waitFor('[data-testid="release-open-actions"]', 10_000);
  assert.match(await wd.execute('return arguments[0].textContent', [{ 'element-6066-11e4-a52e-4f735466cecf': chip }]), /2 open actions/);
  reviews = json(['review', 'show', String(shipped.id)]).reviews;
  assert.deepEqual(
    reviews[0].action_items.map((a) => [a.title, a.owner, a.due_date, a.status]),
    [
      ['Add a canary for the checkout flow', 'dana.sre', due, 'open'],
      ['Alert on payment error rate', 'omar.eng', due, 'open'],
    ],
  );

  // The first marked done.
  await clickOn('[data-testid="review-action"]:first-child [data-testid="review-action-done"]');
  await wd.waitFor('[data-testid="review-action"][data-status="done"]', 10_000);
  await waitUntil('one open action', async () => {
    const t = await wd.execute('return document.querySelector("[data-testid=release-open-actions]")?.textContent ?? ""');
    return /1 open action\b/.test(t);
  }, 10_000);

  // Completing needs findings.
  await clickOn('[data-testid="post-review-complete"]');
  await wd.waitFor('[data-testid="post-review-complete-form"]', 10_000);
  await clickOn('[data-testid="post-review-complete-form"] [data-testid="form-submit"]');
  await waitUntil('the findings error', async () => (await fieldErrors()).findings, 10_000);
  await fill('[data-testid="pr-findings"]', 'A config push skipped the canary; the payment alert fired late.');
  await clickOn('[data-testid="post-review-complete-form"] [data-testid="form-submit"]');
  await gone('[data-testid="post-review-complete-form"]');
  await wd.waitFor('[data-testid="post-review"][data-status="done"]', 10_000);

  reviews = json(['review', 'show', String(shipped.id)]).reviews;
  assert.equal(reviews[0].status, 'done');
  assert.equal(reviews[0].summary, 'A config push skipped the canary; the payment alert fired late.');
  assert.deepEqual(reviews[0].action_items.map((a) => a.status), ['done', 'open']);
  auditVerify();
  // The open action is in the leadership report's open actions.
  const md = switchyard(['report', 'leadership', '--format', 'md']);
  const section = md.split('Open post-release action items')[1]?.split('\n## ')[0] ?? '';
  assert.ok(section.includes('Alert on payment error rate'), section);
  assert.ok(!section.includes('Add a canary for the checkout flow'), section);
  await shot('post-release-review.png', '[data-testid="post-reviews"]');
});
