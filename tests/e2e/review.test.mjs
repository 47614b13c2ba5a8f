// End to end: the go/no-go meeting in the real window (tauri-driver + WebKitWebDriver under
// Xvfb). Review mode of the demo's next high-risk release: the risk overridden with a reason,
// the manual checklist items ticked with evidence, an approval refused for segregation of
// duties, approvals until the rule is met, go with conditions recorded, the minutes exported
// from the same view. Then the real CLI: `readiness --json` shows the ticks, approvals and
// decision, `audit verify` passes, and the release report carries the decision and its
// conditions. Every process this starts is stopped in `after`; every wait has a deadline.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { WebDriver, e2eSetup, painted, sleep, startDriver, stopDriver, toDocs, waitUntil } from './webdriver.mjs';

const { app, cli, outDir, port, home, env, workspace } = e2eSetup('review', { portOffset: 307 });
const downloads = join(home, 'Downloads');

/** The GitHub logins of the authors of the release's pull requests. */
const authorsOf = (doc, releaseId) =>
  new Set(doc.work_items.filter((w) => w.kind === 'pull_request' && w.release_ids.includes(releaseId) && w.author).map((w) => w.author));

/**
 * The roster person who tries to approve although they wrote a change in the release:
 * segregation of duties compares their linked GitHub logins with the release's authors.
 */
const AUTHOR_OF_A_CHANGE = (doc, releaseId) => {
  const authors = authorsOf(doc, releaseId);
  return doc.people.find((p) => p.github.some((g) => authors.has(g)));
};

/** Roster people who wrote nothing in the release and hold `role`. */
const approversOf = (doc, releaseId, role) => {
  const authors = authorsOf(doc, releaseId);
  return doc.people.filter((p) => p.roles.includes(role) && !p.github.some((g) => authors.has(g)));
};

const CONDITIONS = 'Ship behind the checkout-v2 flag; SRE on call for the first hour.';
const OVERRIDE_REASON = 'Agreed in the go/no-go meeting after walking through the rollback plan.';

let driver = null;
const wd = new WebDriver(`http://127.0.0.1:${port}`);
const KEY = { enter: '\uE007', escape: '\uE00C', down: '\uE015', control: '\uE009' };
const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';

after(async () => {
  await wd.stop();
  await stopDriver(driver);
});

const step = (what) => process.env.E2E_DEBUG && console.error(`step: ${what}`);

function switchyard(args) {
  return execFileSync(cli, ['--db', workspace, ...args], { env, maxBuffer: 64 << 20, timeout: 60_000 });
}
const cliJson = (args) => JSON.parse(switchyard(args).toString());

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

/** Picks `value` in the select `css` as a person would (the change event included). */
async function choose(css, value) {
  const el = await wd.waitFor(css, 5_000);
  await wd.execute('arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event("change"))', [{ [ELEMENT]: el }, value]);
  assert.equal(await wd.execute('return arguments[0].value', [{ [ELEMENT]: el }]), value, `${css} offers ${value}`);
}

async function fill(el, text) {
  await wd.call('POST', wd.s(`/element/${el}/clear`), {});
  if (text !== '') await wd.call('POST', wd.s(`/element/${el}/value`), { text });
}

/** The first element matching `css` inside the review item `key`. */
async function inItem(key, css) {
  const sel = `[data-testid="review-item"][data-key="${key}"] ${css}`;
  return wd.waitFor(sel, 10_000);
}

const reviewAttr = (name) => wd.execute(`return document.querySelector('[data-testid="review-mode"]').getAttribute(${JSON.stringify(name)})`);

/** Waits for the review to have answered `n` writes in all. */
const writesDone = (n) => waitUntil(`${n} writes shown`, async () => Number(await reviewAttr('data-writes')) >= n, 20_000);

/** The screen as the X server shows it, light then dark; copied to docs/screenshots. */
async function shot(name) {
  await wd.call('POST', wd.s('/actions'), {
    actions: [{ type: 'pointer', id: 'mouse', parameters: { pointerType: 'mouse' }, actions: [{ type: 'pointerMove', duration: 0, origin: 'viewport', x: 1270, y: 790 }] }],
  });
  await wd.call('DELETE', wd.s('/actions'));
  for (const theme of ['light', 'dark']) {
    await wd.execute(`document.documentElement.dataset.theme = ${JSON.stringify(theme)}`);
    await sleep(700);
    const file = `${name}-${theme}.png`;
    execFileSync('import', ['-window', 'root', join(outDir, file)], { env, timeout: 20_000 });
    toDocs(outDir, file);
  }
  await wd.execute('delete document.documentElement.dataset.theme');
}

test('a go/no-go meeting run in review mode, checked through the CLI', { timeout: 420_000 }, async () => {
  assert.ok(existsSync(app), `build the app first: ${app}`);
  assert.ok(existsSync(cli), `build the CLI first: ${cli}`);
  mkdirSync(outDir, { recursive: true });
  mkdirSync(join(home, 'config'), { recursive: true });
  writeFileSync(join(home, 'config/user-dirs.dirs'), `XDG_DOWNLOAD_DIR="${downloads}"\n`);
  driver = startDriver(port, env);
  await wd.waitForServer(20_000);
  await wd.start(app);
  await wd.waitFor('[data-testid="calendar"][data-ready="true"]', 90_000);
  const today = await wd.execute('return new Date().toISOString().slice(0, 10)');

  // The demo's next release in flight whose risk in force is high or critical and that has
  // changes by a known author (the demo stores where each release stands as it loads; its
  // later high releases have no changes linked yet, so nobody could be refused there).
  const doc = cliJson(['export', '--format', 'json']);
  const latest = new Map();
  for (const a of doc.risk_assessments) {
    if (!latest.has(a.release_id) || latest.get(a.release_id).id < a.id) latest.set(a.release_id, a);
  }
  const classOf = (r) => latest.get(r.id)?.override_class ?? latest.get(r.id)?.class;
  const target = doc.releases
    .filter((r) => !r.released && (r.status === 'planned' || r.status === 'in_progress') && r.release_date >= today)
    .sort((a, b) => a.release_date.localeCompare(b.release_date) || a.id - b.id)
    .find((r) => ['high', 'critical'].includes(classOf(r)) && AUTHOR_OF_A_CHANGE(doc, r.id));
  assert.ok(target, 'a high-risk release in flight with changes');
  const startClass = classOf(target);
  const overrideTo = startClass === 'critical' ? 'high' : 'critical';
  const authorPerson = AUTHOR_OF_A_CHANGE(doc, target.id);
  const author = authorPerson.name;
  const authorLogin = authorPerson.github.find((g) => authorsOf(doc, target.id).has(g));
  step(`target ${target.name}, author ${author} (${authorLogin})`);

  // Its panel through quick search, then Review…
  await chord([KEY.control], 'k');
  const input = await wd.waitFor('[data-testid="quick-search-input"]', 5_000);
  await wd.call('POST', wd.s(`/element/${input}/value`), { text: target.name });
  const options = await waitUntil(
    'search results',
    async () => {
      const o = await wd.execute('return [...document.querySelectorAll("[data-testid=quick-search-option]")].map(e => [e.dataset.kind, e.dataset.key])');
      return o.length > 0 ? o : null;
    },
    5_000,
  );
  const at = options.findIndex(([kind, key]) => kind === 'release' && Number(key) === target.id);
  assert.ok(at >= 0, `${target.name} among ${JSON.stringify(options)}`);
  if (at > 0) await wd.press(KEY.down, at);
  await wd.press(KEY.enter);
  await wd.waitFor(`[data-testid="release-panel"][data-release-name="${target.name}"]`, 10_000);
  await wd.click(await wd.waitFor('[data-testid="release-review"]', 5_000));
  await wd.waitFor(`[data-testid="review-mode"][data-release-id="${target.id}"][data-ready="true"]`, 30_000);
  await waitUntil('the open measured', () => reviewAttr('data-opened-ms'), 10_000);
  assert.equal(await wd.attribute(await wd.waitFor('[data-testid="review-risk-class"]', 5_000), 'data-class'), startClass);
  const rule = await wd.text(await wd.waitFor('[data-testid="approvals-rule"]', 5_000));
  assert.match(rule, new RegExp(`^A ${startClass} release needs approvals from \\d+ people`));
  const beforeTicks = Number(await wd.attribute(await wd.waitFor('[data-testid="review-progress"]', 5_000), 'data-percent'));
  let writes = 0;

  // Risk: an override needs a reason (refused in the form, nothing sent), then recorded.
  step('override');
  const overrideClass = await wd.waitFor('[data-testid="override-class"]', 5_000);
  await wd.execute('arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event("change"))', [{ [ELEMENT]: overrideClass }, overrideTo]);
  await wd.click(await wd.waitFor('[data-testid="override-save"]', 5_000));
  await wd.waitFor('[data-testid="override-error"]', 5_000);
  assert.equal(Number(await reviewAttr('data-writes')), 0, 'a refused override was sent');
  await fill(await wd.waitFor('[data-testid="override-reason"]', 5_000), OVERRIDE_REASON);
  await wd.click(await wd.waitFor('[data-testid="override-save"]', 5_000));
  await writesDone(++writes);
  await wd.waitFor(`[data-testid="review-risk-class"][data-class="${overrideTo}"]`, 10_000);
  assert.equal(await wd.text(await wd.waitFor('[data-testid="review-risk-reason"]', 5_000)), `Override: ${OVERRIDE_REASON}`);

  // The checklist: not applicable needs a reason; then every manual item ticked with evidence.
  step('checklist');
  const manualKeys = async () =>
    wd.execute(
      'return [...document.querySelectorAll(\'[data-testid="review-item"][data-kind="manual"]\')].filter(e => e.dataset.state !== "done").map(e => e.dataset.key)',
    );
  const first = (await manualKeys())[0];
  assert.ok(first, 'an open manual item');
  await wd.click(await inItem(first, '[data-testid="item-na"]'));
  await wd.click(await inItem(first, '[data-testid="item-save"]'));
  await inItem(first, '[data-testid="item-error"]');
  assert.equal(Number(await reviewAttr('data-writes')), writes, 'a refused tick was sent');
  await wd.click(await inItem(first, 'form .rv-btn:not(.primary)')); // Cancel
  const ticked = [];
  for (let guard = 0; guard < 12; guard++) {
    const open = await manualKeys();
    if (open.length === 0) break;
    const key = open[0];
    const slug = `item-${guard + 1}`;
    await wd.click(await inItem(key, '[data-testid="item-done"]'));
    await fill(await inItem(key, '[data-testid="item-evidence"]'), `https://wiki.example.com/go-no-go/${slug}`);
    await fill(await inItem(key, '[data-testid="item-note"]'), `Checked in the meeting (${slug})`);
    await wd.click(await inItem(key, '[data-testid="item-save"]'));
    await writesDone(++writes);
    const title = await wd.execute(
      `return [...document.querySelectorAll('[data-testid="review-item"]')].find(e => e.dataset.key === ${JSON.stringify(key)})?.querySelector('.title')?.textContent`,
    );
    ticked.push({ title: title ?? key, slug });
  }
  assert.ok(ticked.length >= 2, `ticked ${ticked.length} manual items`);
  assert.deepEqual(await manualKeys(), [], 'every manual item is done');
  const afterTicks = Number(await wd.attribute(await wd.waitFor('[data-testid="review-progress"]', 5_000), 'data-percent'));
  assert.ok(afterTicks > beforeTicks, `readiness ${beforeTicks} → ${afterTicks}`);
  const tickMs = Number(await reviewAttr('data-write-ms'));
  step(`a tick written and shown in ${tickMs} ms`);

  // Approvals: the author of a change is refused, naming them; nothing is written.
  step('approvals');
  await choose('[data-testid="approval-role"]', authorPerson.roles[0]);
  await choose('[data-testid="approver-input"]', author);
  await wd.click(await wd.waitFor('[data-testid="approve"]', 5_000));
  const refusal = await wd.waitFor('[data-testid="approval-error"][data-code="sod_violation"]', 15_000);
  const refusalText = await wd.text(refusal);
  // It names the person, the identity that matched and the change.
  assert.ok(refusalText.includes(author) && refusalText.includes(authorLogin), refusalText);
  assert.match(refusalText, /authored/);
  assert.equal((await wd.findAll('[data-testid="approval-given"]')).length, 0, 'the refused approval shows');
  assert.equal(cliJson(['readiness', String(target.id), '--json']).go_no_go.approvals.length, 0, 'the refused approval was written');

  const missing = async () => {
    const el = await wd.waitFor('[data-testid="approvals-needed"]', 5_000);
    return { roles: (await wd.attribute(el, 'data-missing')).split(',').filter(Boolean), complete: (await wd.attribute(el, 'data-complete')) === 'true' };
  };
  const approvals = [];
  for (let n = 0; n < 6; n++) {
    const m = await missing();
    if (m.complete) break;
    // A role still needed, else any role a person who has not approved yet holds.
    const used = new Set(approvals.map((a) => a.approver));
    const role =
      m.roles[0] ??
      doc.people.flatMap((p) => p.roles).find((r) => approversOf(doc, target.id, r).some((p) => !used.has(p.name)));
    const person = approversOf(doc, target.id, role).find((p) => !used.has(p.name));
    assert.ok(person, `someone on the roster who wrote nothing can approve as ${role}`);
    await choose('[data-testid="approval-role"]', role);
    await choose('[data-testid="approver-input"]', person.name);
    await wd.click(await wd.waitFor('[data-testid="approve"]', 5_000));
    await writesDone(++writes);
    approvals.push({ role, approver: person.name });
  }
  assert.ok((await missing()).complete, 'the rule is met');
  assert.equal((await wd.findAll('[data-testid="approval-given"]')).length, approvals.length);

  // The decision: go with conditions needs them; then recorded.
  step('decision');
  await wd.click(await wd.waitFor('[data-testid="decision-outcome-go_with_conditions"]', 5_000));
  await wd.click(await wd.waitFor('[data-testid="decide"]', 5_000));
  await wd.waitFor('[data-testid="decision-error"]', 5_000);
  assert.equal(Number(await reviewAttr('data-writes')), writes);
  await fill(await wd.waitFor('[data-testid="decision-notes"]', 5_000), CONDITIONS);
  // Recorded by someone on the roster who wrote nothing in the release.
  const decider = doc.people.find((p) => !p.github.some((g) => authorsOf(doc, target.id).has(g)) && !approvals.some((a) => a.approver === p.name));
  await choose('[data-testid="decider"]', decider.name);
  await wd.click(await wd.waitFor('[data-testid="decide"]', 5_000));
  await writesDone(++writes);
  await wd.waitFor('[data-testid="decision-current"][data-outcome="go_with_conditions"]', 10_000);
  assert.equal(await wd.text(await wd.waitFor('[data-testid="decision-notes-text"]', 5_000)), CONDITIONS);

  // The pictures: the top of the review (scope, environments, plans), and the rest scrolled.
  await wd.execute('document.querySelector(".review .body").scrollTop = 0');
  await painted(wd);
  await shot('review');
  await wd.execute('const b = document.querySelector(".review .body"); b.scrollTop = document.querySelector("[data-testid=review-approvals]").offsetTop - 80');
  await painted(wd);
  await shot('review-decision');

  // The minutes: the export dialog for this release's report, over the review; Esc closes
  // the dialog first, the review stays.
  step('minutes');
  await wd.click(await wd.waitFor('[data-testid="review-export"]', 5_000));
  await wd.waitFor('[data-testid="export-dialog"]', 5_000);
  await wd.click(await wd.waitFor('[data-testid="export-kind-release_report"]', 5_000));
  const chosen = await wd.execute('return document.querySelector(\'[data-testid="export-release"]\').value');
  assert.equal(Number(chosen), target.id, 'the dialog is on the release reviewed');
  await wd.click(await wd.waitFor('[data-testid="export-format-html"]', 5_000));
  await wd.click(await wd.waitFor('[data-testid="export-save"]', 5_000));
  await wd.waitFor('[data-testid="export-status"][data-state="saved"]', 60_000);
  const minutesPath = await wd.text(await wd.waitFor('[data-testid="export-path"]', 5_000));
  assert.equal(dirname(minutesPath), downloads);
  const minutes = readFileSync(minutesPath, 'utf8');
  assert.ok(/go with conditions/i.test(minutes), 'the minutes name the decision');
  assert.ok(minutes.includes('Ship behind the checkout-v2 flag; SRE on call for the first hour.'), 'the minutes carry the conditions');
  await wd.press(KEY.escape);
  await waitUntil('the export dialog closed', async () => (await wd.findAll('[data-testid="export-dialog"]')).length === 0, 5_000);
  assert.equal((await wd.findAll('[data-testid="review-mode"]')).length, 1, 'Esc on the dialog closed the review');
  await wd.press(KEY.escape);
  await waitUntil('the review closed', async () => (await wd.findAll('[data-testid="review-mode"]')).length === 0, 5_000);
  await wd.waitFor(`[data-testid="release-panel"][data-release-name="${target.name}"]`, 5_000);

  // The CLI sees the same meeting.
  step('cli');
  const ready = cliJson(['readiness', String(target.id), '--json']);
  for (const t of ticked) {
    const item = ready.items.find((i) => i.title === t.title);
    assert.ok(item, `${t.title} in readiness --json`);
    assert.equal(item.state, 'done', t.title);
    assert.equal(item.evidence_url, `https://wiki.example.com/go-no-go/${t.slug}`);
    assert.equal(item.note, `Checked in the meeting (${t.slug})`);
  }
  assert.equal(ready.go_no_go.risk_class, overrideTo);
  const decision = ready.go_no_go.latest_decision;
  assert.equal(decision.outcome, 'go_with_conditions');
  assert.equal(decision.notes, CONDITIONS);
  assert.deepEqual(
    decision.approvals.map((a) => [a.role, a.approver]).sort(),
    approvals.map((a) => [a.role, a.approver]).sort(),
  );
  assert.ok(!decision.approvals.some((a) => a.approver === author));
  const verify = spawnSync(cli, ['--db', workspace, 'audit', 'verify'], { env, timeout: 60_000 });
  assert.equal(verify.status, 0, `audit verify: ${verify.stdout}${verify.stderr}`);
  const report = switchyard(['report', 'release', String(target.id), '--format', 'md']).toString();
  assert.ok(/go with conditions/i.test(report), 'the release report names the decision');
  assert.ok(report.includes(CONDITIONS), 'the release report carries the conditions');
  assert.ok(report.includes(OVERRIDE_REASON), 'the release report carries the override reason');
});
