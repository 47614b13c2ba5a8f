// End to end: the Sync screen's deploy-workflow rules (which GitHub Actions runs are
// deployments): a rule is previewed against the synced runs without writing, a bad pattern
// is refused with its sentence, and the saved rule derives the deployments, checked with
// the real `switchyard` CLI on the same workspace.
//   xvfb-run -a -s "-screen 0 1280x800x24" node --test tests/e2e/deploy-rules.test.mjs
// Every process this starts is stopped in `after`, pass or fail, and every wait has a deadline.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { WebDriver, e2eSetup, painted, sleep, startDriver, stopDriver, waitUntil } from './webdriver.mjs';

const { app, cli, outDir, port, home, env, workspace } = e2eSetup('deploy', { portOffset: 211 });
const REPO = 'octo-org/octo-repo';
const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';
const el = (id) => ({ [ELEMENT]: id });

let driver = null;
const wd = new WebDriver(`http://127.0.0.1:${port}`);

function switchyard(db, args) {
  return execFileSync(cli, ['--db', db, ...args], { env, maxBuffer: 64 << 20 }).toString('utf8');
}

function exported() {
  const out = join(home, `export-${Date.now()}.json`);
  switchyard(workspace, ['export', '--format', 'json', '--out', out]);
  return JSON.parse(readFileSync(out, 'utf8'));
}

/** A workflow run in the export document's shape, as a GitHub sync stores it. */
function run(id, workflow, conclusion, attempt, finished, key = `${REPO}/runs/${id}`) {
  return {
    id,
    source: 'github',
    source_key: key,
    service: REPO,
    workflow,
    head_sha: String(id).repeat(40).slice(0, 40),
    event: 'push',
    status: conclusion ? 'completed' : 'in_progress',
    conclusion,
    attempt,
    started_at: finished.replace(/:\d\d:00Z$/, ':00:00Z'),
    finished_at: conclusion ? finished : null,
  };
}

async function shot(name) {
  await painted(wd);
  await sleep(200);
  execFileSync('import', ['-window', 'root', join(outDir, name)], { env, timeout: 20_000 });
}

/** Types into the `n`th element of `testid` the way Svelte's bind:value hears it. */
async function typeInto(testid, value, n = 0) {
  await wd.waitFor(`[data-testid="${testid}"]`, 5_000);
  const els = await wd.findAll(`[data-testid="${testid}"]`);
  await wd.execute(
    `const e = arguments[0]; e.value = arguments[1]; e.dispatchEvent(new Event('input', { bubbles: true }));`,
    [el(els[n]), value],
  );
}

before(async () => {
  assert.ok(existsSync(app), `build the app first: ${app}`);
  mkdirSync(outDir, { recursive: true });
  mkdirSync(join(home, 'data/dev.switchyard.desktop'), { recursive: true });
  // The workspace: one GitHub repository and its synced runs (the document of an empty
  // workspace's export, with the service and runs added).
  const empty = join(home, 'empty.sqlite3');
  const emptyDoc = join(home, 'empty.json');
  switchyard(empty, ['export', '--format', 'json', '--out', emptyDoc]);
  const doc = JSON.parse(readFileSync(emptyDoc, 'utf8'));
  doc.services = [{ id: 1, name: REPO, team: null, source: 'github', source_key: REPO }];
  doc.pipeline_runs = [
    run(1, 'Deploy production', 'success', 1, '2026-03-02T09:10:00Z'),
    run(2, 'Deploy production', 'failure', 1, '2026-03-03T10:08:00Z'),
    // Re-run: the first attempt failed, the second succeeded: one success.
    run(3, 'Deploy production', 'success', 2, '2026-03-04T11:40:00Z'),
    run(4, 'Deploy production', 'failure', 1, '2026-03-04T11:12:00Z', `${REPO}/runs/3/attempts/1`),
    run(5, 'Deploy production', 'cancelled', 1, '2026-03-05T12:03:00Z'),
    run(6, 'Deploy staging', 'success', 1, '2026-03-06T16:07:00Z'),
    run(7, 'CI', 'success', 1, '2026-03-02T08:41:00Z'),
    run(8, 'Deploy production', null, 1, '2026-03-12T08:25:00Z'),
  ];
  const file = join(home, 'runs.json');
  writeFileSync(file, JSON.stringify(doc));
  switchyard(workspace, ['import', '--format', 'json', file]);
  driver = startDriver(port, env);
  await wd.waitForServer(20_000);
  await wd.start(app);
  await wd.waitFor('[data-testid="calendar"][data-ready="true"]', 60_000);
});

after(async () => {
  await wd.stop();
  await stopDriver(driver);
});

test('deploy-workflow rules are previewed without writing, refused with their sentence, and saved', { timeout: 180_000 }, async () => {
  await wd.click(await wd.waitFor('[data-testid="tab-sync"]', 5_000));
  const panel = await wd.waitFor('[data-testid="deploy-rules"][data-ready="true"]', 30_000);
  await wd.execute('arguments[0].scrollIntoView()', [el(panel)]);
  // No rules yet: the empty state says so, and nothing is derived.
  assert.match(await wd.text(await wd.waitFor('[data-testid="deploy-rules-empty"]', 5_000)), /No rules/);
  assert.match(await wd.text(await wd.waitFor('[data-testid="deploy-rules-status"]', 5_000)), /^0 deployments from 7 synced runs now/);

  // A rule for the production deploy workflow, previewed.
  await wd.click(await wd.waitFor('[data-testid="deploy-rule-add"]', 5_000));
  await typeInto('deploy-rule-workflow', 'Deploy production');
  await wd.click(await wd.waitFor('[data-testid="deploy-rules-preview"]', 5_000));
  const summary = await wd.waitFor('[data-testid="deploy-preview-summary"]', 10_000);
  assert.equal(await wd.text(summary), '3 runs would count: 2 succeeded, 1 failed; 3 to production.');
  const rows = await wd.findAll('[data-testid="deploy-preview-row"]');
  const shown = [];
  for (const r of rows) shown.push([await wd.attribute(r, 'data-outcome'), await wd.text(r)]);
  assert.deepEqual(
    shown.map(([o]) => o),
    ['success', 'failure', 'success'],
  );
  // The environment named production is not followed by "(production)" again.
  assert.match(shown[0][1], /2026-03-04 11:40 UTC.*#3 \(attempt 2\).*success.*production$/);
  assert.doesNotMatch(shown[0][1], /\(production\)/);
  assert.match(shown[1][1], /2026-03-03 10:08 UTC.*#2.*failure/);
  assert.match(await wd.text(await wd.waitFor('[data-testid="deploy-rule-count"]', 5_000)), /^3 runs$/);
  await shot('deploy-rules-preview.png');
  // The preview wrote nothing.
  assert.deepEqual(exported().deployments, []);
  assert.deepEqual(JSON.parse(switchyard(workspace, ['settings', 'show'])).deployment_workflows, []);

  // A pattern that is not a glob: refused with its sentence and code; the preview is gone.
  await typeInto('deploy-rule-workflow', 'Deploy [');
  assert.equal((await wd.findAll('[data-testid="deploy-preview"]')).length, 0);
  await wd.click(await wd.waitFor('[data-testid="deploy-rules-preview"]', 5_000));
  const err = await wd.waitFor('[data-testid="deploy-rules-error"]', 10_000);
  assert.equal(await wd.attribute(err, 'data-error-code'), 'invalid_input');
  assert.match(await wd.text(err), /deployment_workflows\[0\]\.workflow: "Deploy \[" is not a glob pattern/);
  await wd.click(await wd.waitFor('[data-testid="deploy-rules-save"]', 5_000));
  await waitUntil('save refused', async () => (await wd.findAll('[data-testid="deploy-rules-error"]')).length === 1, 5_000);
  assert.deepEqual(JSON.parse(switchyard(workspace, ['settings', 'show'])).deployment_workflows, []);

  // Fixed and saved: the deployments are derived at once, as the CLI sees them.
  await typeInto('deploy-rule-workflow', 'deploy prod*');
  await wd.click(await wd.waitFor('[data-testid="deploy-rules-save"]', 5_000));
  const note = await wd.waitFor('[data-testid="deploy-rules-note"]', 10_000);
  assert.equal(await wd.text(note), 'Saved. 3 deployments derived from workflow runs.');
  assert.match(await wd.text(await wd.waitFor('[data-testid="deploy-rules-status"]', 5_000)), /^3 deployments from 7 synced runs now$/);
  assert.deepEqual(JSON.parse(switchyard(workspace, ['settings', 'show'])).deployment_workflows, [
    { repository: '*', workflow: 'deploy prod*', environment: 'production', prefer: 'runs' },
  ]);
  const deps = exported()
    .deployments.map((d) => [d.source_key, d.outcome, d.time])
    .sort((a, b) => a[2].localeCompare(b[2]));
  assert.deepEqual(deps, [
    [`${REPO}/runs/1`, 'success', '2026-03-02T09:10:00Z'],
    [`${REPO}/runs/2`, 'failure', '2026-03-03T10:08:00Z'],
    [`${REPO}/runs/3`, 'success', '2026-03-04T11:40:00Z'],
  ]);
  await shot('deploy-rules-saved.png');
});
