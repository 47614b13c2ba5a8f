// End to end: the hostile-string corpus (tests/fixtures/hostile-strings.json: script tags,
// event handlers, `javascript:` links, bidi and zero-width characters, a 100 KB title, NUL,
// lone surrogates in JSON escapes) synced by the real CLI from a mock Jira and a mock GitHub
// (hostile-servers.mjs, the real payload shapes) into a fresh workspace, then every screen of
// the real window visited: nothing runs (each payload would set window.__pwned), nothing of
// the corpus becomes an element, every link is http(s), the layout stays within the window;
// and the CLI's Markdown of the same workspace mentions no one and autolinks nothing. Every
// process this starts is stopped in `after`, pass or fail, and every wait has a deadline.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { WebDriver, e2eSetup, painted, sleep, startDriver, stopDriver, toDocs, waitUntil } from './webdriver.mjs';
import { startHostileServers, JIRA_PROJECT, REPO, JIRA_TOKEN, GITHUB_TOKEN } from './hostile-servers.mjs';

const { app, cli, outDir, port, home, env } = e2eSetup('hostile', { portOffset: 233 });

const workspace = join(home, 'hostile.sqlite3');
Object.assign(env, {
  SWITCHYARD_DB: workspace,
  SWITCHYARD_JIRA_TOKEN: JIRA_TOKEN,
  SWITCHYARD_GITHUB_TOKEN: GITHUB_TOKEN,
});

const KEY = { escape: '\uE00C', control: '\uE009' };

let driver = null;
let servers = null;
const wd = new WebDriver(`http://127.0.0.1:${port}`);

// Asynchronous: the mock servers answer from this process's event loop.
const sy = async (args) =>
  (await promisify(execFile)(cli, ['--db', workspace, ...args], { env, maxBuffer: 256 << 20, timeout: 60_000, encoding: 'utf8' })).stdout;

async function shot(name, docs = false) {
  await painted(wd);
  await sleep(250);
  execFileSync('import', ['-window', 'root', join(outDir, name)], { env, timeout: 20_000 });
  if (docs) toDocs(outDir, name);
}

/**
 * What the page holds that the corpus must never make: a script that ran, an element or
 * attribute it carried, a link that is not http(s), a page wider than the window.
 */
const INSPECT = `
  const bad = [];
  if (window.__pwned !== undefined) bad.push('window.__pwned = ' + String(window.__pwned));
  if ((window.__hostileSeen || []).length) bad.push('added while visiting: ' + window.__hostileSeen.join(', '));
  for (const el of document.querySelectorAll('*')) {
    for (const a of el.attributes) {
      if (/^on/i.test(a.name)) bad.push('<' + el.localName + ' ' + a.name + '>');
      // Attributes that load or navigate (text in data-* and aria-* attributes is inert).
      const url = /^(href|xlink:href|src|srcset|action|formaction|poster|background|data|srcdoc)$/i.test(a.name);
      if (url && /^\\s*(javascript|data|vbscript):/i.test(a.value) && !(el.localName === 'img' && a.name === 'src' && a.value.startsWith('data:image/svg+xml'))) {
        bad.push('<' + el.localName + ' ' + a.name + '="' + a.value.slice(0, 60) + '">');
      }
    }
  }
  for (const el of document.querySelectorAll('iframe, object, embed, script:not([src]), style:not([data-vite-dev-id])')) {
    if (el.localName === 'style' && !/__pwned|display:none!important/.test(el.textContent)) continue;
    bad.push('<' + el.localName + '> ' + el.outerHTML.slice(0, 80));
  }
  for (const a of document.querySelectorAll('a[href]')) {
    const u = new URL(a.href, location.href);
    if (a.getAttribute('href').startsWith('#')) continue;
    if (u.protocol !== 'http:' && u.protocol !== 'https:') bad.push('link ' + a.href.slice(0, 60));
  }
  const width = window.innerWidth;
  const doc = document.documentElement;
  if (doc.scrollWidth > width + 2) bad.push('page ' + doc.scrollWidth + ' px wide in a ' + width + ' px window');
  // Anything holding the 100 KB title must stay within the window.
  let longest = 0;
  for (const el of document.querySelectorAll('body *')) {
    if (el.children.length > 0 || el.textContent.length < 50000) continue;
    const r = el.getBoundingClientRect();
    longest = Math.max(longest, r.width);
    if (r.right > width + 2 || r.width > width + 2) bad.push('<' + el.localName + ' class=' + el.className + '> with the long title is ' + Math.round(r.width) + ' px wide, right at ' + Math.round(r.right));
  }
  return { bad, longest, text: document.body.innerText.length };
`;

/** The table row of release `id`: the table draws only the rows in view, so it is scrolled to. */
async function tableRow(id) {
  const css = `[data-testid="table-row"][data-release-id="${id}"]`;
  await wd.execute(`document.querySelector('[data-testid=table-view]').scrollTop = 0`);
  for (let i = 0; i < 40; i++) {
    const found = await wd.findAll(css);
    if (found.length > 0) {
      await wd.execute('arguments[0].scrollIntoView({ block: "center" })', [{ 'element-6066-11e4-a52e-4f735466cecf': found[0] }]);
      await painted(wd);
      return (await wd.findAll(css))[0] ?? found[0];
    }
    await wd.execute(`document.querySelector('[data-testid=table-view]').scrollTop += 300`);
    await painted(wd);
  }
  throw new Error(`no table row for release ${id}`);
}

async function assertSafe(where) {
  const r = await wd.execute(INSPECT);
  assert.deepEqual(r.bad, [], `${where}: ${r.bad.join('; ')}`);
  return r;
}

/** Records every element added later that the corpus could have made. */
const WATCH = `
  window.__hostileSeen = [];
  new MutationObserver((list) => {
    for (const m of list) for (const n of m.addedNodes) {
      if (n.nodeType !== 1) continue;
      for (const el of [n, ...n.querySelectorAll('*')]) {
        if (['script', 'iframe', 'object', 'embed'].includes(el.localName)) window.__hostileSeen.push(el.localName);
        for (const a of el.attributes) if (/^on/i.test(a.name)) window.__hostileSeen.push(el.localName + ' ' + a.name);
      }
    }
  }).observe(document.documentElement, { childList: true, subtree: true });
  return true;
`;

before(async () => {
  assert.ok(existsSync(app), `build the app first: ${app}`);
  mkdirSync(outDir, { recursive: true });
  servers = await startHostileServers(Date.now());
  driver = startDriver(port, env);
  await wd.waitForServer(20_000);
});

after(async () => {
  await wd.stop();
  await stopDriver(driver);
  await servers?.close();
});

test('the corpus syncs whole through the real CLI, lone surrogates as U+FFFD', { timeout: 120_000 }, async () => {
  const jira = await sy(['sync', 'jira', '--url', servers.jiraUrl, '--project', JIRA_PROJECT]);
  const n = servers.strings.length;
  assert.match(jira, new RegExp(`Synced ${JIRA_PROJECT} from Jira Data Center: ${n} versions, ${n} issues`));
  const github = await sy(['sync', 'github', '--repo', REPO, '--api-url', servers.githubUrl, '--no-graphql', '--no-pr-commits', '--no-pr-details']);
  assert.match(github, new RegExp(`Synced 1 repositories from GitHub: ${n} releases, ${n} pull requests, 4 incidents, 6 deployments, ${n} workflow runs`));
  assert.deepEqual(servers.seen.unknown, [], 'the sync asked only what the mocks serve');

  const doc = JSON.parse(await sy(['export', '--format', 'json']));
  const titles = doc.work_items.map((w) => w.title);
  for (const s of servers.strings) {
    if (s.kind === 'lone_surrogate') continue;
    assert.ok(titles.includes(s.value), `${s.kind} kept as it came`);
  }
  assert.ok(titles.includes('lone \uFFFD high and \uFFFD low'), 'each lone surrogate became U+FFFD');
  assert.ok(doc.releases.some((r) => r.name.length === 100_000), 'the 100 KB name kept whole');
});

test('every screen shows the corpus as text: nothing runs, no element, no script link, the layout bounded', { timeout: 150_000 }, async () => {
  await wd.start(app);
  await wd.execute(WATCH);
  await wd.waitFor('[data-testid="calendar"][data-ready="true"]', 60_000);
  await painted(wd);
  const first = await assertSafe('calendar, timeline');
  assert.ok(first.text > 0);
  await shot('hostile-calendar.png', true);

  for (const mode of ['month', 'table']) {
    await wd.click(await wd.waitFor(`[data-testid="mode-${mode}"]`, 10_000));
    await painted(wd);
    await sleep(300);
    await assertSafe(`calendar, ${mode}`);
    await shot(`hostile-${mode}.png`);
  }

  // Each Jira version's release panel, from the table: its name, its work item (the same
  // string), review mode for the first ones.
  const doc = JSON.parse(await sy(['export', '--format', 'json']));
  const jiraReleases = doc.releases.filter((r) => r.source_key?.startsWith(`${JIRA_PROJECT}:`));
  assert.equal(jiraReleases.length, servers.strings.length);
  const byKind = Object.fromEntries(servers.strings.map((s, i) => [s.kind, jiraReleases.find((r) => r.source_key === `${JIRA_PROJECT}:${10100 + i}`)]));
  for (const kind of ['script_tag', 'img_onerror', 'attribute_breakout', 'javascript_link', 'bidi_override', 'long_title']) {
    const rel = byKind[kind];
    assert.ok(rel, kind);
    const row = await tableRow(rel.id);
    await wd.pointerClick(row);
    const panel = await wd.waitFor('[data-testid="release-panel"]', 10_000);
    await wd.waitFor('[data-testid="release-work-items"]', 15_000).catch(async (e) => {
      await shot(`hostile-failed-${kind}.png`);
      const text = await wd.execute('return document.querySelector("[data-testid=release-panel]")?.innerText.slice(0, 2000)');
      throw new Error(`${kind}: ${e.message}; the panel reads: ${text}`);
    });
    await painted(wd);
    const shown = await wd.execute('return arguments[0].innerText', [{ 'element-6066-11e4-a52e-4f735466cecf': panel }]);
    if (kind !== 'long_title') {
      const visible = servers.strings.find((s) => s.kind === kind).value.split('\n')[0].slice(0, 30);
      assert.ok(shown.includes(visible), `${kind}: the release panel shows the name as text: ${shown.slice(0, 200)}`);
    }
    await assertSafe(`release panel, ${kind}`);
    if (kind === 'script_tag' || kind === 'long_title') await shot(`hostile-release-panel-${kind}.png`, kind === 'long_title');
    if (kind === 'script_tag' || kind === 'long_title') {
      await wd.click(await wd.waitFor('[data-testid="release-review"]', 5_000));
      await wd.waitFor('[data-testid="review-mode"][data-ready="true"]', 30_000);
      await painted(wd);
      await assertSafe(`review mode, ${kind}`);
      await shot(`hostile-review-${kind}.png`, kind === 'script_tag');
      await wd.click(await wd.waitFor('[data-testid="review-back"]', 5_000));
      await waitUntil('review closed', async () => (await wd.findAll('[data-testid="review-mode"]')).length === 0, 5_000);
    }
    await wd.press(KEY.escape);
    await waitUntil('panel closed', async () => (await wd.findAll('[data-testid="release-panel"]')).length === 0, 5_000);
  }

  // Needs attention, then quick search for the script tag.
  await wd.click(await wd.waitFor('[data-testid="mode-timeline"]', 10_000));
  await wd.click(await wd.waitFor('[data-testid="attention-button"]', 10_000));
  await wd.waitFor('[data-testid="attention-panel"]', 10_000);
  await painted(wd);
  await assertSafe('needs attention');
  await wd.click(await wd.waitFor('[data-testid="attention-button"]', 10_000));

  await wd.call('POST', wd.s('/actions'), {
    actions: [{ type: 'key', id: 'kb', actions: [{ type: 'keyDown', value: KEY.control }, { type: 'keyDown', value: 'k' }, { type: 'keyUp', value: 'k' }, { type: 'keyUp', value: KEY.control }] }],
  });
  await wd.call('DELETE', wd.s('/actions'));
  const input = await wd.waitFor('[data-testid="quick-search-input"]', 5_000);
  await wd.call('POST', wd.s(`/element/${input}/value`), { text: 'script' });
  await waitUntil('search results', async () => (await wd.findAll('[data-testid="quick-search-option"]')).length > 0, 5_000);
  await assertSafe('quick search');
  await shot('hostile-quick-search.png');
  await wd.press(KEY.escape);

  for (const tab of ['metrics', 'people', 'sync']) {
    await wd.click(await wd.waitFor(`[data-testid="tab-${tab}"]`, 10_000));
    await wd.waitFor(`[data-testid="${tab}"][data-ready="true"]`, 60_000);
    await painted(wd);
    await sleep(300);
    await assertSafe(tab);
    await shot(`hostile-${tab}.png`);
  }
  await wd.click(await wd.waitFor('[data-testid="tab-calendar"]', 10_000));
  await wd.waitFor('[data-testid="calendar"][data-ready="true"]', 30_000);
  await assertSafe('calendar, at the end');
});

/** Markdown that pings or links: an `@` before a name, a scheme's `://`, a bare `www.`. */
function live(md) {
  const text = md.replace(/\]\([^)]*\)/g, ']()'); // link destinations the report writes itself
  const found = [];
  for (const re of [/@[\p{L}\p{N}_]/u, /\b[a-z][a-z0-9+.-]*:\/\//i, /(^|[^\p{L}\p{N}])www\./u]) {
    const m = text.match(re);
    if (m) found.push(JSON.stringify(text.slice(Math.max(0, m.index - 20), m.index + 30)));
  }
  return found;
}

test('the Markdown of the synced workspace mentions no one and autolinks nothing', { timeout: 60_000 }, async () => {
  const doc = JSON.parse(await sy(['export', '--format', 'json']));
  const index = servers.strings.findIndex((s) => s.kind === 'markdown');
  const rel = doc.releases.find((r) => r.source_key === `${JIRA_PROJECT}:${10100 + index}`);
  assert.ok(rel);
  for (const [what, md] of [
    ['notes', await sy(['notes', String(rel.id)])],
    ['report release', await sy(['report', 'release', String(rel.id), '--format', 'md'])],
  ]) {
    assert.ok(md.includes('@\u2060channel'), `${what}: the text is kept, the mention broken`);
    assert.deepEqual(live(md), [], `${what}: ${live(md).join(', ')}`);
    assert.ok(!/<script|<img|<svg|<iframe/i.test(md), `${what}: raw HTML`);
    assert.ok(!md.includes('\u0000'), `${what}: a NUL`);
  }
});
