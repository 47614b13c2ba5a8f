// End to end: the Sync screen's "Import deployments / incidents" in the real window. Files
// are chosen in the native GTK Open dialog, which xdotool answers the way a person types
// into it (as workspaces.test.mjs does); a preview comes before the write, the result after,
// and the Metrics screen then shows the imported service's numbers, checked against the
// real `switchyard` CLI on the same workspace. Every process this starts is stopped in
// `after`, pass or fail, and every wait has a deadline.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { WebDriver, e2eSetup, painted, sleep, startDriver, stopDriver, waitUntil } from './webdriver.mjs';

const { app, cli, outDir, port, home, env } = e2eSetup('ingest');
const files = join(home, 'exports');
const workspace = join(home, 'ingest.sqlite3');
Object.assign(env, {
  SWITCHYARD_DB: workspace,
  // GTK's file chooser keeps its settings in dconf, which has no D-Bus session here.
  GSETTINGS_BACKEND: 'memory',
});

let driver = null;
const wd = new WebDriver(`http://127.0.0.1:${port}`);

function switchyard(args) {
  return execFileSync(cli, ['--db', workspace, ...args], { env, maxBuffer: 64 << 20, timeout: 60_000 });
}
const cliJson = (args) => JSON.parse(switchyard([...args, '--json']).toString('utf8'));
const exported = () => JSON.parse(switchyard(['export', '--format', 'json']).toString('utf8'));

function xdotool(args) {
  return execFileSync('xdotool', args, { env, timeout: 20_000 }).toString().trim();
}

/** Answers the native Open dialog titled `title` with `path`: Ctrl+L, the path, Return. */
async function answerDialog(title, path) {
  const id = xdotool(['search', '--sync', '--onlyvisible', '--name', title]).split('\n')[0];
  xdotool(['windowfocus', '--sync', id]);
  await sleep(300);
  xdotool(['key', 'ctrl+l']);
  await sleep(200);
  xdotool(['type', '--delay', '15', path]);
  await sleep(300);
  xdotool(['key', 'Return']);
}

async function shot(name) {
  await painted(wd);
  await sleep(200);
  execFileSync('import', ['-window', 'root', join(outDir, name)], { env, timeout: 20_000 });
}

/** Sets a form control the way Svelte's bind:value hears it. */
const setValue = (testid, value, event = 'input') =>
  wd.execute(
    `const e = document.querySelector('[data-testid=' + arguments[0] + ']'); e.value = arguments[1]; e.dispatchEvent(new Event(arguments[2], { bubbles: true }));`,
    [testid, value, event],
  );

// The records, dated relative to today, inside the Metrics screen's default period (the 90
// days up to yesterday): three production deployments on days -10, -9, -8, one failed on
// day -7, one to staging; an incident one hour after day -8's deployment, resolved two hours
// later, and an open one on day -9 of another service's name, which no deployment caused.
const day = (n, h) => {
  const d = new Date();
  d.setUTCHours(h, 0, 0, 0);
  return new Date(d.getTime() - n * 86_400_000).toISOString().replace('.000Z', 'Z');
};
const deployments = [
  'service,environment,sha,outcome,time,key,ref,creator,url',
  `billing-batch,production,aaa111,success,${day(10, 10)},40,main,ci-bot,https://ci.example/job/40/`,
  `billing-batch,production,bbb222,success,${day(9, 10)},41,main,ci-bot,`,
  `billing-batch,production,ccc333,success,${day(8, 10)},42,main,ci-bot,`,
  `billing-batch,production,ddd444,failure,${day(7, 10)},43,main,ci-bot,`,
  `billing-batch,staging,eee555,success,${day(7, 12)},44,main,ci-bot,`,
].join('\n');
const title = 'Batch <b>late</b> & "stuck"';
const incidents = [
  'service,key,title,created_at,resolved_at,severity,url',
  `billing-batch,1207,"${title.replaceAll('"', '""')}",${day(8, 11)},${day(8, 13)},high,`,
].join('\n');

before(async () => {
  assert.ok(existsSync(app), `build the app first: ${app}`);
  mkdirSync(outDir, { recursive: true });
  mkdirSync(files, { recursive: true });
  writeFileSync(join(files, 'jenkins-builds.csv'), deployments + '\n');
  writeFileSync(join(files, 'pagerduty.csv'), incidents + '\n');
  // A workspace with a plan and no deployments.
  switchyard(['train', 'add', 'Billing', '--every', '2w', '--anchor', new Date().toISOString().slice(0, 10)]);
  driver = startDriver(port, env);
  await wd.waitForServer(20_000);
  await wd.start(app);
  await wd.waitFor('[data-testid="calendar"][data-ready="true"]', 60_000);
});

after(async () => {
  await wd.stop();
  await stopDriver(driver);
});

/** Chooses `file` for `kind` from `source`, waits for the preview and returns it. */
async function preview(kind, source, file, dialogTitle) {
  await setValue('ingest-kind', kind, 'change');
  await setValue('ingest-source', source);
  await wd.click(await wd.waitFor('[data-testid="ingest-choose"]', 5_000));
  await answerDialog(dialogTitle, join(files, file));
  return wd.waitFor('[data-testid="ingest-preview-result"]', 30_000);
}

test('the Sync screen previews an import, writes it, and the Metrics screen shows its numbers', { timeout: 300_000 }, async () => {
  await wd.click(await wd.waitFor('[data-testid="tab-sync"]', 10_000));
  await wd.waitFor('[data-testid="sync"][data-ready="true"]', 30_000);
  await wd.waitFor('[data-testid="ingest"]', 10_000);

  // Deployments: the preview counts and writes nothing.
  const p = await preview('deployments', 'jenkins', 'jenkins-builds.csv', 'Open deployments file');
  assert.equal(await wd.attribute(p, 'data-new'), '5');
  assert.match(await wd.text(p), /Would create 1 service: billing-batch/);
  assert.equal(exported().deployments.length, 0, 'the preview wrote nothing');
  assert.equal(exported().services.length, 0);
  await shot('ingest-preview.png');

  await wd.click(await wd.waitFor('[data-testid="ingest-import"]', 5_000));
  const done = await wd.waitFor('[data-testid="ingest-result"]', 30_000);
  assert.equal(await wd.attribute(done, 'data-new'), '5');
  assert.match(await wd.text(done), /Imported jenkins-builds\.csv \(deployments\) from jenkins: 5 new, 0 updated, 0 unchanged/);
  const doc = exported();
  assert.deepEqual(doc.deployments.map((d) => d.source_key), ['jenkins:40', 'jenkins:41', 'jenkins:42', 'jenkins:43', 'jenkins:44']);
  assert.ok(doc.audit_events.some((e) => e.action === 'ingest.run'), 'one ingest.run event');
  await shot('ingest-result.png');

  // Incidents; their title has markup, shown as text.
  const q = await preview('incidents', 'pagerduty', 'pagerduty.csv', 'Open incidents file');
  assert.equal(await wd.attribute(q, 'data-new'), '1');
  await wd.click(await wd.waitFor('[data-testid="ingest-import"]', 5_000));
  await wd.waitFor('[data-testid="ingest-result"]', 30_000);
  assert.equal(exported().incidents[0].title, title);

  // The same file again: the preview finds nothing to write, and Import is off.
  const again = await preview('incidents', 'pagerduty', 'pagerduty.csv', 'Open incidents file');
  assert.equal(await wd.attribute(again, 'data-new'), '0');
  assert.match(await wd.text(again), /leave 1 unchanged/);
  assert.equal(await wd.execute(`return document.querySelector('[data-testid=ingest-import]').disabled`), true);

  // A bad source name: the error with its sentence, nothing written.
  await setValue('ingest-source', 'Pager Duty');
  await wd.click(await wd.waitFor('[data-testid="ingest-choose"]', 5_000));
  await answerDialog('Open incidents file', join(files, 'pagerduty.csv'));
  const err = await wd.waitFor('[data-testid="ingest-error"]', 30_000);
  assert.equal(await wd.attribute(err, 'data-error-code'), 'invalid_input');
  assert.match(await wd.text(err), /"Pager Duty" is not a source name/);

  // The numbers: billing-batch's, as the CLI gives them for the same period.
  await wd.click(await wd.waitFor('[data-testid="tab-metrics"]', 10_000));
  await wd.waitFor('[data-testid="metrics"][data-ready="true"]', 60_000);
  await waitUntil('billing-batch offered', () => wd.execute(`return [...document.querySelectorAll('[data-testid=scope] option')].some(o => o.value === 'service:billing-batch')`), 30_000);
  await setValue('scope', 'service:billing-batch', 'change');
  const screen = await waitUntil('the service scope', async () => {
    const s = await wd.execute(`return document.querySelector('[data-testid=scope]').value`);
    return s === 'service:billing-batch' ? wd.waitFor('[data-testid="metrics"][data-ready="true"]', 30_000) : null;
  }, 30_000);
  const from = await wd.attribute(screen, 'data-from');
  const to = await wd.attribute(screen, 'data-to');
  const dora = cliJson(['dora', '--service', 'billing-batch', '--from', from, '--to', to]);
  // By hand: 3 production successes (the failure and staging do not count), one of them
  // (day -8) caused the incident: 1 of 3; recovered after 3 hours.
  assert.equal(dora.deployment_frequency.count, 3);
  assert.equal(dora.change_failure_rate.numerator, 1);
  assert.equal(dora.change_failure_rate.denominator, 3);
  assert.equal(dora.recovery_time.median_hours, 3);
  const cards = await waitUntil('cards of billing-batch', async () => {
    const c = await wd.execute(`return [...document.querySelectorAll('[data-testid=metric-card]')].map(c => ({ key: c.dataset.metric, value: c.dataset.value, detail: c.querySelector('[data-testid=metric-detail]').textContent.trim() }))`);
    const cfr = c.find((x) => x.key === 'change_failure_rate');
    return cfr && cfr.detail === '1 of 3 deployments' ? c : null;
  }, 30_000);
  assert.equal(cards.find((c) => c.key === 'change_failure_rate').value, String(dora.change_failure_rate.value));
  assert.ok(cards.find((c) => c.key === 'deployment_frequency').detail.startsWith('3 deployments'));

  // The drill-down says where the failed change came from, and shows the title as text.
  await wd.click((await wd.findAll('[data-testid="metric-card"][data-metric="change_failure_rate"]'))[0]);
  const panel = await wd.waitFor('[data-testid="drill-panel"][data-total]', 30_000);
  assert.equal(await wd.attribute(panel, 'data-total'), '1');
  const row = await wd.execute(`const r = document.querySelector('[data-testid=drill-row]'); return { origin: r.querySelector('[data-testid=drill-origin]')?.textContent ?? '', text: r.textContent, bold: r.querySelectorAll('b').length }`);
  assert.equal(row.origin, 'from import jenkins:42');
  assert.ok(row.text.includes(`caused “${title}”`), row.text);
  assert.equal(row.bold, 0, 'markup from the file is not markup in the window');
  await shot('ingest-drill.png');
});
