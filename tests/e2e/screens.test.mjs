// End to end: the Metrics screen and the Export dialog of the real window, checked against
// the real `switchyard` CLI on the same workspace. Run by `./dev test` with calendar.test.mjs:
//   xvfb-run -a -s "-screen 0 1280x800x24" node --test tests/e2e/
// Every process this starts is stopped in `after`, pass or fail, and every wait has a deadline.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { WebDriver, e2eSetup, painted, sleep, startDriver, stopDriver, waitUntil } from './webdriver.mjs';

const { root, app, cli, outDir, port, home, env, workspace } = e2eSetup('screens');
const downloads = join(home, 'downloads');
Object.assign(env, {
  // A Jira token from the environment (the keyring may be absent under Xvfb); it never
  // leaves the machine: the Jira URL below is a closed local port.
  SWITCHYARD_JIRA_TOKEN: 'e2e-token-not-real',
  SWITCHYARD_GITHUB_TOKEN: 'e2e-github-token-not-real',
});
const UNREACHABLE = 'http://127.0.0.1:9';

let driver = null;
const wd = new WebDriver(`http://127.0.0.1:${port}`);

function switchyard(args) {
  return execFileSync(cli, ['--db', workspace, ...args], { env, maxBuffer: 64 << 20 });
}

function cliJson(args) {
  return JSON.parse(switchyard([...args, '--json']).toString('utf8'));
}

/**
 * The X screen as the user sees it (ImageMagick's `import -window root`, as
 * tests/perf/measure.py takes the README's picture). WebKitWebDriver's own screenshot can
 * stall for minutes on a modal dialog over the charts.
 */
async function shot(name) {
  await painted(wd);
  await sleep(200);
  execFileSync('import', ['-window', 'root', join(outDir, name)], { env, timeout: 20_000 });
}

// The figure as Rust's MetricCard writes it (switchyard_core::cards), without its unit.
const fmt = {
  pct: (v) => (v === null ? '–' : (v * 100).toFixed(1)),
  hours: (v) => (v === null ? '–' : v < 1 ? (v * 60).toFixed(0) : v < 48 ? v.toFixed(1) : (v / 24).toFixed(1)),
};

/** What each card shows, from the CLI's `dora --json` document. */
function expectedCards(doc) {
  return {
    deployment_frequency: [doc.deployment_frequency.per_week, doc.deployment_frequency.per_week.toFixed(2), doc.deployment_frequency.cluster],
    lead_time: [doc.lead_time.median_hours, fmt.hours(doc.lead_time.median_hours), doc.lead_time.cluster],
    change_failure_rate: [doc.change_failure_rate.value, fmt.pct(doc.change_failure_rate.value), doc.change_failure_rate.cluster],
    recovery_time: [doc.recovery_time.median_hours, fmt.hours(doc.recovery_time.median_hours), doc.recovery_time.cluster],
    rework_rate: [doc.rework_rate.value, fmt.pct(doc.rework_rate.value), null],
    deployment_success_rate: [doc.deployment_success_rate.value, fmt.pct(doc.deployment_success_rate.value), null],
  };
}

async function shownCards() {
  return wd.execute(`return [...document.querySelectorAll('[data-testid=metric-card]')].map(c => ({
    key: c.dataset.metric,
    value: c.dataset.value,
    cluster: c.dataset.cluster,
    shown: c.querySelector('[data-testid=metric-value]').textContent.trim(),
    detail: c.querySelector('[data-testid=metric-detail]').textContent.trim(),
  }))`);
}

function assertCardsMatch(cards, doc, label) {
  const want = expectedCards(doc);
  assert.deepEqual(cards.map((c) => c.key).sort(), Object.keys(want).sort(), `${label}: six cards`);
  for (const c of cards) {
    const [value, shown, cluster] = want[c.key];
    assert.equal(c.value, value === null ? '' : String(value), `${label}: ${c.key} value`);
    assert.equal(c.shown, shown, `${label}: ${c.key} as shown`);
    assert.equal(c.cluster, cluster ?? '', `${label}: ${c.key} cluster`);
  }
  const freq = cards.find((c) => c.key === 'deployment_frequency');
  assert.ok(freq.detail.startsWith(`${doc.deployment_frequency.count} deployments`), `${label}: ${freq.detail}`);
  const cfr = cards.find((c) => c.key === 'change_failure_rate');
  assert.equal(cfr.detail, `${doc.change_failure_rate.numerator} of ${doc.change_failure_rate.denominator} deployments`);
}

async function metricsReady() {
  return wd.waitFor('[data-testid="metrics"][data-ready="true"]', 60_000);
}

before(async () => {
  assert.ok(existsSync(app), `build the app first: ${app}`);
  mkdirSync(outDir, { recursive: true });
  // The download directory, as xdg-user-dirs names it.
  mkdirSync(join(home, 'config'), { recursive: true });
  writeFileSync(join(home, 'config/user-dirs.dirs'), `XDG_DOWNLOAD_DIR="${downloads}"\n`);
  driver = startDriver(port, env);
  await wd.waitForServer(20_000);
  await wd.start(app);
  await wd.waitFor('[data-testid="calendar"][data-ready="true"]', 60_000);
});

after(async () => {
  await wd.stop();
  await stopDriver(driver);
});

test('the Metrics screen shows the numbers and charts of `switchyard dora`', { timeout: 180_000 }, async () => {
  await wd.click(await wd.waitFor('[data-testid="tab-metrics"]', 10_000));
  const screen = await metricsReady();
  const from = await wd.attribute(screen, 'data-from');
  const to = await wd.attribute(screen, 'data-to');
  assert.equal(await wd.attribute(screen, 'data-bucket'), 'week');
  // The default period: the last 90 days up to yesterday.
  assert.equal((Date.parse(to) - Date.parse(from)) / 86_400_000, 89);

  const doc = cliJson(['dora', '--from', from, '--to', to]);
  assert.ok(doc.deployment_frequency.count > 0, 'the demo deploys in the last 90 days');
  assertCardsMatch(await shownCards(), doc, 'organisation');

  // Six charts, each an SVG drawn by Rust that loaded as an image.
  const charts = await waitUntil(
    'charts loaded',
    async () => {
      const c = await wd.execute(`return [...document.querySelectorAll('[data-testid=chart]')].map(f => {
        const img = f.querySelector('img');
        return { kind: f.dataset.chart, ok: img.complete && img.naturalWidth > 0, w: img.getBoundingClientRect().width };
      })`);
      return c.every((x) => x.ok) ? c : null;
    },
    10_000,
  );
  assert.deepEqual(
    charts.map((c) => c.kind),
    ['deployment-frequency', 'lead-time', 'change-failure-rate', 'recovery-time', 'rework-rate', 'pipeline'],
  );
  assert.ok(charts.every((c) => c.w > 300), `charts have room: ${charts.map((c) => c.w)}`);
  // No chart put markup into the page: they are images.
  assert.equal((await wd.findAll('[data-testid="charts"] svg')).length, 0);
  await shot('metrics.png');
  await wd.execute(`document.querySelector('[data-testid=charts]').scrollIntoView()`);
  await shot('metrics-charts.png');
  await wd.execute(`document.querySelector('[data-testid=metrics] .body').scrollTop = 0`);

  // A card opens the records behind its number: the ids of `dora --records`.
  await wd.click((await wd.findAll('[data-testid="metric-card"][data-metric="change_failure_rate"]'))[0]);
  const panel = await wd.waitFor('[data-testid="drill-panel"][data-total]', 30_000);
  const ids = cliJson(['dora', '--from', from, '--to', to, '--records', 'change-failures']);
  assert.equal(Number(await wd.attribute(panel, 'data-total')), ids.length);
  assert.equal(ids.length, doc.change_failure_rate.numerator);
  const rows = await wd.execute(
    `return [...document.querySelectorAll('[data-testid=drill-row]')].map(r => ({ id: Number(r.dataset.id), time: r.dataset.time, why: r.querySelector('.detail')?.textContent ?? '' }))`,
  );
  assert.deepEqual(rows.map((r) => r.id).sort((a, b) => a - b), ids.slice(0, 500), 'the records of the CLI');
  for (let i = 1; i < rows.length; i++) assert.ok(rows[i - 1].time >= rows[i].time, 'newest first');
  for (const r of rows) assert.ok(/caused “|rolled back by/.test(r.why), `row ${r.id} says why it failed: ${r.why}`);
  await shot('metrics-drill.png');
  await wd.execute(`document.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true })); window.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape' }));`);
  await waitUntil('drill panel closed', async () => (await wd.findAll('[data-testid="drill-panel"]')).length === 0, 5_000);

  // A team's scope and a year by month, against the CLI again.
  const teams = await wd.execute(`return [...document.querySelectorAll('[data-testid=scope] option')].map(o => o.value).filter(v => v.startsWith('team:'))`);
  assert.ok(teams.length > 0, 'teams to choose from');
  const team = teams[0].slice('team:'.length);
  await wd.click(await wd.waitFor('[data-testid="period-365"]', 5_000));
  await waitUntil('a year, by month', async () => (await wd.findAll('[data-testid="metrics"][data-ready="true"][data-bucket="month"]')).length > 0, 60_000);
  await wd.execute(
    `const s = document.querySelector('[data-testid=scope]'); s.value = arguments[0]; s.dispatchEvent(new Event('change', { bubbles: true }));`,
    [teams[0]],
  );
  await sleep(100);
  const yearScreen = await metricsReady();
  const yFrom = await wd.attribute(yearScreen, 'data-from');
  const yTo = await wd.attribute(yearScreen, 'data-to');
  assert.equal(yTo, to);
  const teamDoc = cliJson(['dora', '--from', yFrom, '--to', yTo, '--team', team, '--bucket', 'month']);
  assert.equal(teamDoc.team, team);
  assertCardsMatch(await shownCards(), teamDoc, `team ${team}`);
  assert.ok(teamDoc.deployment_frequency.count < cliJson(['dora', '--from', yFrom, '--to', yTo]).deployment_frequency.count);
  await shot('metrics-team-year.png');
});

test('the Export dialog saves reports into the download directory', { timeout: 180_000 }, async () => {
  await wd.click(await wd.waitFor('[data-testid="open-export"]', 5_000));
  await wd.waitFor('[data-testid="export-dialog"]', 5_000);

  // Releases CSV: the same bytes as `switchyard report csv --kind releases`.
  await wd.click(await wd.waitFor('[data-testid="export-kind-releases_csv"]', 5_000));
  await wd.click(await wd.waitFor('[data-testid="export-save"]', 5_000));
  const status = await wd.waitFor('[data-testid="export-status"][data-state="saved"]', 60_000);
  const path = await wd.text(await wd.waitFor('[data-testid="export-path"]', 5_000));
  assert.equal(dirname(path), downloads);
  assert.equal(basename(path), 'switchyard-releases.csv');
  assert.deepEqual(readFileSync(path), switchyard(['report', 'csv', '--kind', 'releases']));
  assert.ok((await wd.text(status)).startsWith('Saved to '));

  // The leadership report as PDF for the default period and scope: the Metrics screen's
  // (the previous test left it on a year of the first team).
  await wd.click(await wd.waitFor('[data-testid="export-kind-leadership"]', 5_000));
  const metricsScope = await wd.execute(`return document.querySelector('[data-testid=scope]').value`);
  assert.match(String(metricsScope), /^team:/, 'the Metrics screen shows a team');
  assert.equal(await wd.execute(`return document.querySelector('[data-testid=export-scope]').value`), metricsScope);
  await wd.execute(`document.querySelector('[data-testid=export-format-pdf]').click()`);
  await wd.click(await wd.waitFor('[data-testid="export-save"]', 5_000));
  await waitUntil(
    'leadership report saved',
    async () => (await wd.text(await wd.waitFor('[data-testid="export-path"]', 1_000))).endsWith('.pdf'),
    90_000,
  );
  const pdf = await wd.text(await wd.waitFor('[data-testid="export-path"]', 1_000));
  assert.match(basename(pdf), /^switchyard-leadership-team-\d{4}-\d\d-\d\d-to-\d{4}-\d\d-\d\d\.pdf$/);
  assert.equal(readFileSync(pdf).subarray(0, 5).toString(), '%PDF-');
  await shot('export.png');

  // A custom period, as Markdown: the same report as `switchyard report leadership`.
  const day = (n) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);
  const [cFrom, cTo] = [day(130), day(31)];
  await wd.execute(`document.querySelector('[data-testid=export-period-custom]').click()`);
  await wd.execute(`document.querySelector('[data-testid=export-format-markdown]').click()`);
  await typeInto('export-from', cFrom);
  await typeInto('export-to', cTo);
  await chooseScope('organisation');
  assert.equal(await wd.text(await wd.waitFor('[data-testid="export-period"]', 5_000)), `${cFrom} to ${cTo}`);
  // The earlier "Saved to" line went with the change of choice.
  assert.equal((await wd.findAll('[data-testid="export-path"]')).length, 0, 'a stale saved line');
  await wd.click(await wd.waitFor('[data-testid="export-save"]', 5_000));
  await wd.waitFor('[data-testid="export-status"][data-state="saved"]', 60_000);
  const md = await wd.text(await wd.waitFor('[data-testid="export-path"]', 5_000));
  assert.equal(basename(md), `switchyard-leadership-${cFrom}-to-${cTo}.md`);
  const undated = (text) => text.split('\n').filter((l) => !l.includes(' · generated ')).join('\n');
  const cli = switchyard(['report', 'leadership', '--from', cFrom, '--to', cTo, '--format', 'md']).toString('utf8');
  assert.equal(undated(readFileSync(md, 'utf8')), undated(cli), 'the dialog and the CLI write the same report');
  // The same period for one team: the same report as `switchyard report leadership --team`.
  const team = String(metricsScope).slice('team:'.length);
  await chooseScope(`team:${team}`);
  await wd.click(await wd.waitFor('[data-testid="export-save"]', 5_000));
  await wd.waitFor('[data-testid="export-status"][data-state="saved"]', 60_000);
  const teamMd = await wd.text(await wd.waitFor('[data-testid="export-path"]', 5_000));
  assert.equal(basename(teamMd), `switchyard-leadership-team-${cFrom}-to-${cTo}.md`);
  const teamCli = switchyard(['report', 'leadership', '--from', cFrom, '--to', cTo, '--team', team, '--format', 'md']).toString('utf8');
  assert.equal(undated(readFileSync(teamMd, 'utf8')), undated(teamCli), 'the dialog and the CLI scope the report alike');
  assert.notEqual(undated(teamCli), undated(cli), 'the team report is the organisation report');
  // Tab stays inside the dialog: real key presses, past every control in it.
  await wd.press('\uE004', 40);
  assert.ok(
    await wd.execute(`return document.querySelector('[data-testid=export-dialog]').contains(document.activeElement)`),
    'focus left the dialog',
  );

  // An error shows its code: the download directory is now a file.
  rmSync(downloads, { recursive: true, force: true });
  writeFileSync(downloads, 'not a directory');
  await wd.click(await wd.waitFor('[data-testid="export-kind-calendar_ics"]', 5_000));
  await wd.click(await wd.waitFor('[data-testid="export-save"]', 5_000));
  const error = await wd.waitFor('[data-testid="export-error"]', 30_000);
  assert.equal(await wd.attribute(error, 'data-error-code'), 'io');
  await shot('export-error.png');
  rmSync(downloads, { force: true });
  await wd.click((await wd.findAll('[data-testid="export-dialog"] button.secondary'))[0]);
  await waitUntil('dialog closed', async () => (await wd.findAll('[data-testid="export-dialog"]')).length === 0, 5_000);

  // From a release's panel: its readiness report, named by id, with its name in it.
  await wd.click(await wd.waitFor('[data-testid="tab-calendar"]', 5_000));
  const docJson = JSON.parse(switchyard(['export', '--format', 'json']).toString('utf8'));
  const today = new Date().toISOString().slice(0, 10);
  const platform = docJson.trains.find((t) => t.name === 'Platform');
  const target = docJson.releases
    .filter((r) => r.train_id === platform.id && r.release_date > today)
    .sort((a, b) => a.release_date.localeCompare(b.release_date))[0];
  await painted(wd);
  const marker = (await wd.findAll(`[data-testid="release"][data-release-name="${target.name}"]`))[0];
  assert.ok(marker, `${target.name} is on screen`);
  await wd.pointerClick(marker);
  await wd.click(await wd.waitFor('[data-testid="release-export"]', 10_000));
  await wd.waitFor('[data-testid="export-dialog"]', 5_000);
  const chosen = await wd.execute(`return document.querySelector('[data-testid=export-release]').value`);
  assert.equal(String(chosen), String(target.id));
  // The format chosen last time (Markdown) is kept; this one is wanted as HTML.
  assert.equal(await wd.execute(`return document.querySelector('[data-testid=export-format-markdown]').checked`), true);
  await wd.execute(`document.querySelector('[data-testid=export-format-html]').click()`);
  await wd.click(await wd.waitFor('[data-testid="export-save"]', 5_000));
  await wd.waitFor('[data-testid="export-status"][data-state="saved"]', 60_000);
  const report = await wd.text(await wd.waitFor('[data-testid="export-path"]', 5_000));
  assert.equal(basename(report), `switchyard-release-${target.id}-readiness.html`);
  assert.ok(readFileSync(report, 'utf8').includes(target.name));
  await wd.click((await wd.findAll('[data-testid="export-dialog"] button.secondary'))[0]);
  await waitUntil('dialog closed', async () => (await wd.findAll('[data-testid="export-dialog"]')).length === 0, 5_000);
});

/** Picks a scope in the Export dialog the way Svelte's bind:value hears it. */
async function chooseScope(value) {
  await wd.execute(
    `const e = document.querySelector('[data-testid=export-scope]'); e.value = arguments[0]; e.dispatchEvent(new Event('change', { bubbles: true }));`,
    [value],
  );
}

/** Types into an input the way Svelte's bind:value hears it. */
async function typeInto(testid, value) {
  const el = await wd.waitFor(`[data-testid="${testid}"]`, 5_000);
  await wd.execute(
    `const e = arguments[0]; e.value = arguments[1]; e.dispatchEvent(new Event('input', { bubbles: true }));`,
    [{ 'element-6066-11e4-a52e-4f735466cecf': el }, value],
  );
}

test('the Sync screen syncs Jira with progress, cancels, and shows errors with codes', { timeout: 180_000 }, async () => {
  await wd.click(await wd.waitFor('[data-testid="tab-sync"]', 5_000));
  await wd.waitFor('[data-testid="sync"][data-ready="true"]', 30_000);
  // The token from the environment counts as stored; the window never sees it.
  assert.equal(await wd.text(await wd.waitFor('[data-testid="jira-token-state"]', 5_000)), 'stored');
  const page = await wd.execute('return document.body.innerHTML');
  assert.ok(!page.includes('e2e-token-not-real'), 'the token reached the page');
  assert.ok(!page.includes('e2e-github-token-not-real'), 'the GitHub token reached the page');
  assert.equal(await wd.text(await wd.waitFor('[data-testid="jira-last"]', 5_000)), 'Never synced.');

  // Nothing configured: nothing to sync, and the screen says what is missing.
  const disabled = () => wd.execute('return document.querySelector("[data-testid=jira-sync]").disabled');
  assert.equal(await disabled(), true, 'Sync Jira now waits for a URL and a project');
  assert.ok((await wd.text(await wd.waitFor('[data-testid="jira-needs"]', 5_000))).includes('at least one project'));

  // Storing a token where no system keyring runs (Xvfb has no Secret Service): one line
  // that names the environment variable, and the typed token kept to try again. A token
  // is kept for the host of the URL on screen, so the URL comes first.
  await typeInto('jira-url', UNREACHABLE);
  await typeInto('jira-token', 'e2e-typed-token');
  await wd.click(await wd.waitFor('[data-testid="jira-store-token"]', 5_000));
  await waitUntil(
    'the keyring answered',
    async () =>
      (await wd.findAll('[data-testid="jira-error"]')).length === 1 ||
      (await wd.execute('return document.querySelector("[data-testid=jira-token]").value')) === '',
    15_000,
  );
  const typed = await wd.execute('return document.querySelector("[data-testid=jira-token]").value');
  if ((await wd.findAll('[data-testid="jira-error"]')).length === 1) {
    const e = await wd.waitFor('[data-testid="jira-error"]', 1_000);
    assert.equal(await wd.attribute(e, 'data-error-code'), 'io');
    const msg = await wd.text(e);
    assert.ok(msg.includes('SWITCHYARD_JIRA_TOKEN'), `the way around it is named: ${msg}`);
    assert.ok(!msg.includes('\n'), msg);
    assert.equal(typed, 'e2e-typed-token', 'the typed token is kept');
    await shot('sync-no-keyring.png');
    await typeInto('jira-token', '');
  } else {
    assert.equal(typed, '', 'a stored token is cleared from the field');
  }

  await typeInto('jira-url', UNREACHABLE);
  await typeInto('jira-projects', 'ABC');
  assert.equal(await disabled(), false, 'configured: Sync Jira now is enabled');

  // Sync now: progress while it retries the closed port, then Cancel stops it.
  await wd.click(await wd.waitFor('[data-testid="jira-sync"]', 5_000));
  await wd.waitFor('[data-testid="jira-progress"]', 10_000);
  await waitUntil(
    'a progress line from the sync',
    async () =>
      (await wd.execute(`return document.querySelector('[data-testid="jira-progress"] .line')?.textContent ?? ''`)).startsWith(
        'waiting',
      ),
    20_000,
  );
  await shot('sync-progress.png');
  await wd.click(await wd.waitFor('[data-testid="jira-cancel"]', 5_000));
  const cancelled = await wd.waitFor('[data-testid="jira-error"]', 10_000);
  assert.equal(await wd.attribute(cancelled, 'data-error-code'), 'cancelled');
  assert.equal((await wd.findAll('[data-testid="jira-progress"]')).length, 0);

  // Again, to the end: the same error code as `switchyard sync jira` on the same URL.
  let cliCode = null;
  try {
    switchyard(['sync', 'jira', '--url', UNREACHABLE, '--project', 'ABC']);
  } catch (e) {
    cliCode = /error\[([a-z_]+)\]/.exec(e.stderr.toString('utf8'))?.[1] ?? null;
  }
  assert.ok(cliCode, 'the CLI fails on a closed port');
  await wd.click(await wd.waitFor('[data-testid="jira-sync"]', 5_000));
  await wd.waitFor('[data-testid="jira-progress"]', 10_000);
  await waitUntil('the sync gave up', async () => (await wd.findAll('[data-testid="jira-progress"]')).length === 0, 90_000);
  const error = await wd.waitFor('[data-testid="jira-error"]', 5_000);
  assert.equal(await wd.attribute(error, 'data-error-code'), cliCode, await wd.text(error));
  assert.equal(cliCode, 'jira_unavailable');
  await waitUntil(
    'the last sync line',
    async () => (await wd.text(await wd.waitFor('[data-testid="jira-last"]', 1_000))).includes(`failed (${cliCode})`),
    5_000,
  );
  await shot('sync.png');

  // GitHub through the same screen: its own settings, its own run, the CLI's error code.
  assert.equal(await wd.text(await wd.waitFor('[data-testid="github-token-state"]', 5_000)), 'stored');
  await typeInto('github-url', UNREACHABLE);
  await typeInto('github-repos', 'acme/web');
  let ghCode = null;
  try {
    switchyard(['sync', 'github', '--api-url', UNREACHABLE, '--repo', 'acme/web']);
  } catch (e) {
    ghCode = /error\[([a-z_]+)\]/.exec(e.stderr.toString('utf8'))?.[1] ?? null;
  }
  assert.equal(ghCode, 'github_unavailable');
  await wd.click(await wd.waitFor('[data-testid="github-sync"]', 5_000));
  await waitUntil('the GitHub sync gave up', async () => (await wd.findAll('[data-testid="github-error"]')).length === 1, 60_000);
  const ghError = await wd.waitFor('[data-testid="github-error"]', 1_000);
  assert.equal(await wd.attribute(ghError, 'data-error-code'), ghCode);
  const ghMessage = await wd.execute(`return document.querySelector('[data-testid="github-error"]').textContent`);
  assert.ok(ghMessage.includes('cannot reach'), `the error says what failed: ${ghMessage}`);
  await waitUntil(
    'the GitHub last sync line',
    async () => (await wd.text(await wd.waitFor('[data-testid="github-last"]', 1_000))).includes(`failed (${ghCode})`),
    5_000,
  );
  // The Jira side kept its own state.
  assert.equal(await wd.attribute(await wd.waitFor('[data-testid="jira-error"]', 1_000), 'data-error-code'), cliCode);
  await shot('sync-github.png');
});
