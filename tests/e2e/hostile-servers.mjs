// A mock Jira (Data Center, REST v2) and a mock GitHub (REST) on 127.0.0.1 that serve the
// real payload shapes of tests/fixtures with every text a person can type (titles,
// summaries, descriptions, version and release names, branch names, author names, labels,
// components, environments) replaced by the hostile strings of
// tests/fixtures/hostile-strings.json, and one pull request's html_url by a `javascript:`
// link. JSON.stringify writes the corpus's lone surrogates as `\ud800` escapes, as the real
// servers do. Used by hostile.test.mjs; nothing here reaches the network.

import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const fixtures = resolve(import.meta.dirname, '../fixtures');
const load = (name) => JSON.parse(readFileSync(join(fixtures, name), 'utf8'));

export const JIRA_PROJECT = 'HOST';
export const REPO = 'hostile-org/hostile-repo';
export const JIRA_TOKEN = 'hostile-jira-token-not-real';
export const GITHUB_TOKEN = 'hostile-github-token-not-real';

/** The corpus: its strings (kind, value), the 100 KB title among them. */
export function corpus() {
  const file = load('hostile-strings.json');
  const long = file.long_title.unit.repeat(file.long_title.repeat);
  return [...file.strings, { kind: 'long_title', value: long }];
}

const DAY = 86_400_000;
const isoDay = (t) => new Date(t).toISOString().slice(0, 10);

/** Jira's times: `2024-03-01T09:00:00.000+0000`. */
const jiraTime = (t) => new Date(t).toISOString().replace('Z', '+0000');

/** The Jira world: one version per corpus string, due from `today` on, each with one issue. */
function jiraWorld(strings, now) {
  const versionTemplate = load('jira/project-versions-paginated.json').values[1];
  const issueTemplate = load('jira/dc-v2/jrjc-issue-expand-changelog.json');
  const versions = strings.map((s, i) => ({
    ...versionTemplate,
    id: String(10100 + i),
    name: s.value,
    description: s.value,
    released: false,
    archived: false,
    releaseDate: isoDay(now + (i + 1) * 2 * DAY),
    startDate: isoDay(now - 10 * DAY),
    self: `https://jira.invalid/rest/api/2/version/${10100 + i}`,
  }));
  const issues = strings.map((s, i) => {
    const n = i + 1;
    const issue = structuredClone(issueTemplate);
    issue.id = String(30000 + n);
    issue.key = `${JIRA_PROJECT}-${n}`;
    issue.self = `https://jira.invalid/rest/api/2/issue/${30000 + n}`;
    const f = issue.fields;
    f.summary = s.value;
    f.description = s.value;
    f.labels = [s.value.slice(0, 200), 'incident-not'];
    // Every third issue names a hostile component: a service (a lane) of that name.
    f.components = n % 3 === 0 ? [{ id: String(n), name: s.value.slice(0, 300) }] : [];
    f.fixVersions = [{ id: versions[i].id, name: versions[i].name, released: false, archived: false }];
    f.issuelinks = [];
    f.assignee = { ...f.assignee, name: `user${n}`, displayName: s.value.slice(0, 500) };
    f.reporter = { ...f.reporter, name: `reporter${n}`, displayName: s.value.slice(0, 500) };
    f.project = { ...f.project, key: JIRA_PROJECT, name: 'Hostile' };
    f.created = jiraTime(now - 20 * DAY);
    f.updated = jiraTime(now - DAY + n * 60_000);
    f.resolutiondate = null;
    for (const h of issue.changelog.histories) h.author = { ...h.author, displayName: s.value.slice(0, 500) };
    return issue;
  });
  return { versions, issues };
}

/** The GitHub world: a release, a merged pull request, an incident and a run per string. */
function githubWorld(strings, now, base) {
  const releaseTemplate = load('github/list-releases.json')[0];
  const pullTemplate = load('github/list-pulls.json')[0];
  const issueTemplate = load('github/list-issues.json')[0];
  const deployment = load('github/list-deployments.json')[0];
  const status = load('github/list-deployment-statuses.json')[0];
  const runs = load('github/list-workflow-runs.json');
  const user = (login) => ({ ...pullTemplate.user, login });
  const releases = strings.map((s, i) => ({
    ...releaseTemplate,
    id: 500 + i,
    tag_name: `v1.${i}.0`,
    name: s.value,
    body: s.value,
    draft: false,
    prerelease: false,
    created_at: new Date(now - (i + 1) * DAY).toISOString(),
    published_at: new Date(now - (i + 1) * DAY).toISOString(),
    author: user(s.value.slice(0, 100)),
    html_url: `https://github.invalid/${REPO}/releases/v1.${i}.0`,
  }));
  const pulls = strings.map((s, i) => {
    const n = 100 + i;
    const merged = new Date(now - (i + 1) * DAY - 3_600_000).toISOString();
    return {
      ...pullTemplate,
      id: 9000 + i,
      number: n,
      title: s.value,
      body: s.value,
      state: 'closed',
      user: user(s.value.slice(0, 100)),
      labels: [{ ...pullTemplate.labels[0], name: s.value.slice(0, 100) }],
      head: { ...pullTemplate.head, ref: s.value.slice(0, 250) },
      base: { ...pullTemplate.base, ref: 'main' },
      created_at: new Date(now - (i + 3) * DAY).toISOString(),
      updated_at: merged,
      closed_at: merged,
      merged_at: merged,
      html_url: s.kind === 'javascript_link' ? s.value : `https://github.invalid/${REPO}/pull/${n}`,
    };
  });
  const incidents = strings.slice(0, 4).map((s, i) => {
    const opened = new Date(now - (i + 2) * DAY).toISOString();
    const { pull_request: _pr, ...rest } = issueTemplate;
    return {
      ...rest,
      id: 7000 + i,
      number: 50 + i,
      title: s.value,
      body: s.value,
      state: 'closed',
      user: user(s.value.slice(0, 100)),
      labels: [{ ...issueTemplate.labels[0], name: 'incident' }, { ...issueTemplate.labels[0], name: s.value.slice(0, 100) }],
      created_at: opened,
      updated_at: opened,
      closed_at: new Date(now - (i + 2) * DAY + 7_200_000).toISOString(),
      html_url: `https://github.invalid/${REPO}/issues/${50 + i}`,
    };
  });
  const deployments = strings.slice(0, 6).map((s, i) => ({
    ...deployment,
    id: 800 + i,
    ref: s.value.slice(0, 200),
    environment: i % 2 === 0 ? 'production' : s.value.slice(0, 100),
    original_environment: 'production',
    production_environment: i % 2 === 0,
    description: s.value,
    creator: user(s.value.slice(0, 100)),
    created_at: new Date(now - (i + 1) * DAY).toISOString(),
    updated_at: new Date(now - (i + 1) * DAY).toISOString(),
    statuses_url: `${base}/repos/${REPO}/deployments/${800 + i}/statuses`,
  }));
  const statusOf = (id) => [{ ...status, id: id * 10, state: 'success', description: 'ok', created_at: deployments.find((d) => d.id === id)?.created_at }];
  const run = runs.workflow_runs[0];
  const workflowRuns = {
    total_count: strings.length,
    workflow_runs: strings.map((s, i) => ({
      ...run,
      id: 40000 + i,
      name: s.value.slice(0, 200),
      display_title: s.value,
      head_branch: s.value.slice(0, 200),
      run_attempt: 1,
      status: 'completed',
      conclusion: i % 4 === 0 ? 'failure' : 'success',
      created_at: new Date(now - (i + 1) * DAY).toISOString(),
      run_started_at: new Date(now - (i + 1) * DAY).toISOString(),
      updated_at: new Date(now - (i + 1) * DAY + 600_000).toISOString(),
      actor: user(s.value.slice(0, 100)),
      triggering_actor: user(s.value.slice(0, 100)),
    })),
  };
  return { releases, pulls, incidents, deployments, statusOf, workflowRuns };
}

function reply(res, status, body) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function listen(handler) {
  const server = createServer((req, res) => {
    try {
      handler(req, res, new URL(req.url, 'http://127.0.0.1'));
    } catch (e) {
      reply(res, 500, { message: String(e) });
    }
  });
  return new Promise((done) => server.listen(0, '127.0.0.1', () => done(server)));
}

/**
 * Starts both servers. `now` (ms) dates the world: versions due after it, merges, releases
 * and runs before it. Resolves with their URLs, the requests each saw, and `close()`.
 */
export async function startHostileServers(now = Date.now()) {
  const strings = corpus();
  const seen = { jira: [], github: [], unknown: [] };
  const jira = jiraWorld(strings, now);
  const jiraServer = await listen((req, res, url) => {
    seen.jira.push(url.pathname);
    if (req.headers.authorization !== `Bearer ${JIRA_TOKEN}`) return reply(res, 401, { errorMessages: ['You are not authenticated.'], errors: {} });
    const p = url.pathname;
    if (p === '/rest/api/2/serverInfo') return reply(res, 200, { ...load('jira/server-info.json'), deploymentType: 'Server', version: '9.12.0', versionNumbers: [9, 12, 0] });
    if (p === '/rest/api/2/myself') return reply(res, 200, { ...load('jira/myself.json'), timeZone: 'UTC', displayName: strings[0].value });
    if (p === `/rest/api/2/project/${JIRA_PROJECT}/version`) {
      return reply(res, 200, { self: '', maxResults: 100, startAt: 0, total: jira.versions.length, isLast: true, values: jira.versions });
    }
    if (p === '/rest/api/2/search') {
      const start = Number(url.searchParams.get('startAt') ?? 0);
      const size = Number(url.searchParams.get('maxResults') ?? 50);
      const page = jira.issues.slice(start, start + size);
      return reply(res, 200, { ...load('jira/dc-v2/jira-ruby-search.json'), startAt: start, maxResults: size, total: jira.issues.length, issues: page });
    }
    seen.unknown.push(`jira ${p}`);
    return reply(res, 404, { errorMessages: ['Not found'], errors: {} });
  });
  const jiraUrl = `http://127.0.0.1:${jiraServer.address().port}`;

  let githubUrl = '';
  let gh = null;
  const githubServer = await listen((req, res, url) => {
    seen.github.push(url.pathname + url.search);
    if (req.headers.authorization !== `Bearer ${GITHUB_TOKEN}`) return reply(res, 401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' });
    const prefix = `/repos/${REPO}/`;
    const p = url.pathname;
    if (!p.startsWith(prefix)) {
      seen.unknown.push(`github ${p}`);
      return reply(res, 404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' });
    }
    const rest = p.slice(prefix.length);
    if (rest === 'releases') return reply(res, 200, gh.releases);
    if (rest === 'tags') return reply(res, 200, []);
    if (rest === 'pulls') return reply(res, 200, gh.pulls);
    if (rest === 'issues') return reply(res, 200, gh.incidents);
    if (rest === 'deployments') return reply(res, 200, gh.deployments);
    const st = rest.match(/^deployments\/(\d+)\/statuses$/);
    if (st) return reply(res, 200, gh.statusOf(Number(st[1])));
    if (rest === 'actions/runs') return reply(res, 200, gh.workflowRuns);
    seen.unknown.push(`github ${p}`);
    return reply(res, 404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' });
  });
  githubUrl = `http://127.0.0.1:${githubServer.address().port}`;
  gh = githubWorld(strings, now, githubUrl);

  const close = () =>
    Promise.all(
      [jiraServer, githubServer].map(
        (s) =>
          new Promise((done) => {
            s.closeAllConnections?.();
            s.close(() => done());
          }),
      ),
    );
  return { jiraUrl, githubUrl, seen, strings, close };
}
