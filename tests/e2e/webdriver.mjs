// A small W3C WebDriver client over fetch (Node 20), enough to drive the real Switchyard
// window through tauri-driver -> WebKitWebDriver. Every call has a deadline.

import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';

export class WebDriver {
  constructor(base) {
    this.base = base;
    this.session = null;
  }

  async call(method, path, body, timeoutMs = 30_000) {
    const res = await fetch(this.base + path, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const json = await res.json().catch(() => ({}));
    if (!res.ok) {
      const v = json.value ?? {};
      throw new Error(`${method} ${path}: ${res.status} ${v.error ?? ''} ${v.message ?? ''}`.trim());
    }
    return json.value;
  }

  async waitForServer(deadlineMs) {
    const end = Date.now() + deadlineMs;
    for (;;) {
      try {
        await this.call('GET', '/status', undefined, 2_000);
        return;
      } catch (e) {
        if (Date.now() > end) throw new Error(`tauri-driver did not answer: ${e.message}`);
        await sleep(250);
      }
    }
  }

  async start(application, env) {
    const value = await this.call(
      'POST',
      '/session',
      {
        capabilities: {
          alwaysMatch: { 'tauri:options': { application, ...(env ? { env } : {}) } },
        },
      },
      90_000,
    );
    this.session = value.sessionId;
    return value;
  }

  async stop() {
    if (!this.session) return;
    const id = this.session;
    this.session = null;
    await this.call('DELETE', `/session/${id}`, undefined, 15_000).catch(() => {});
  }

  s(path) {
    return `/session/${this.session}${path}`;
  }

  async findAll(css) {
    const found = await this.call('POST', this.s('/elements'), { using: 'css selector', value: css });
    return found.map((e) => e[ELEMENT]);
  }

  async waitFor(css, deadlineMs) {
    const end = Date.now() + deadlineMs;
    for (;;) {
      const found = await this.findAll(css).catch(() => []);
      if (found.length > 0) return found[0];
      if (Date.now() > end) throw new Error(`nothing matched ${css} within ${deadlineMs} ms`);
      await sleep(200);
    }
  }

  async text(element) {
    try {
      return await this.call('GET', this.s(`/element/${element}/text`));
    } catch (e) {
      // WebKitWebDriver's text atom gives up on some subtrees (seen on the release panel once
      // it held the dependencies section's <input list> and <datalist>: "Cannot check the
      // displayedness of a non-Element argument"); the rendered text is then read the way
      // the atom would, as innerText.
      if (!String(e.message).includes('displayedness')) throw e;
      return this.execute('return arguments[0].innerText.trim()', [{ [ELEMENT]: element }]);
    }
  }

  async attribute(element, name) {
    return this.call('GET', this.s(`/element/${element}/attribute/${name}`));
  }

  async click(element) {
    return this.call('POST', this.s(`/element/${element}/click`), {});
  }

  /**
   * A real pointer click at the centre of `element`, by viewport coordinates: WebKit's
   * driver calls SVG groups "not interactable", but a person can click them.
   */
  async pointerClick(element) {
    const [x, y] = await this.execute(
      'const r = arguments[0].getBoundingClientRect(); return [Math.round(r.x + r.width / 2), Math.round(r.y + r.height / 2)];',
      [{ [ELEMENT]: element }],
    );
    await this.call('POST', this.s('/actions'), {
      actions: [
        {
          type: 'pointer',
          id: 'mouse',
          parameters: { pointerType: 'mouse' },
          actions: [
            { type: 'pointerMove', duration: 0, origin: 'viewport', x, y },
            { type: 'pointerDown', button: 0 },
            { type: 'pointerUp', button: 0 },
          ],
        },
      ],
    });
    await this.call('DELETE', this.s('/actions'));
  }

  /** Real key presses (WebDriver key codes, e.g. '\uE004' for Tab), `times` over. */
  async press(key, times = 1) {
    const actions = [];
    for (let i = 0; i < times; i++) actions.push({ type: 'keyDown', value: key }, { type: 'keyUp', value: key });
    await this.call('POST', this.s('/actions'), { actions: [{ type: 'key', id: 'keyboard', actions }] });
    await this.call('DELETE', this.s('/actions'));
  }

  async execute(script, args = []) {
    return this.call('POST', this.s('/execute/sync'), { script, args });
  }

  async screenshot() {
    return Buffer.from(await this.call('GET', this.s('/screenshot')), 'base64');
  }
}

/**
 * What every end-to-end test starts from. `app` and `cli` are the binaries under test (the
 * debug builds `./dev test` makes, or SWITCHYARD_APP and SWITCHYARD_CLI); `outDir` is where
 * screenshots go; `port` is tauri-driver's, apart from other tests' (`portOffset`); `home` is a
 * new temporary directory holding the test's own XDG data, config and cache directories, so
 * no two runs share a workspace or settings; `env` is what every process the test starts
 * gets: the caller's environment with those directories, `RUST_LOG` (`rustLog`), and no
 * SWITCHYARD_DB or GITHUB_TOKEN of the caller's; `workspace` is where the app opens by default.
 */
export function e2eSetup(name, { portOffset = 0, rustLog = 'info' } = {}) {
  const root = resolve(import.meta.dirname, '../..');
  const home = mkdtempSync(join(tmpdir(), `switchyard-e2e-${name}-`));
  const env = {
    ...process.env,
    XDG_DATA_HOME: join(home, 'data'),
    XDG_CONFIG_HOME: join(home, 'config'),
    XDG_CACHE_HOME: join(home, 'cache'),
    RUST_LOG: rustLog,
  };
  delete env.SWITCHYARD_DB;
  delete env.GITHUB_TOKEN;
  return {
    root,
    app: process.env.SWITCHYARD_APP ?? join(root, 'target/debug/switchyard-desktop'),
    cli: process.env.SWITCHYARD_CLI ?? join(root, 'target/debug/switchyard'),
    outDir: join(root, 'target/e2e'),
    port: 4444 + ((process.pid + portOffset) % 500),
    home,
    env,
    workspace: join(home, 'data/dev.switchyard.desktop/switchyard.sqlite3'),
  };
}

/**
 * Copies the screenshot `name` of `outDir` to docs/screenshots (the pictures the README and
 * docs show) when UPDATE_DOCS_SCREENSHOTS=1, and only then: a test run leaves the
 * repository's files as they were.
 */
export function toDocs(outDir, name) {
  if (process.env.UPDATE_DOCS_SCREENSHOTS !== '1') return;
  const docs = resolve(import.meta.dirname, '../../docs/screenshots');
  mkdirSync(docs, { recursive: true });
  copyFileSync(join(outDir, name), join(docs, name));
}

export function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * Starts tauri-driver (and through it WebKitWebDriver) on `port`, in a process group of its
 * own so `stopDriver` can stop it with everything it started.
 */
export function startDriver(port, env) {
  return spawn('tauri-driver', ['--port', String(port), '--native-port', String(port + 1)], {
    env,
    detached: true,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}

/** Stops `driver`'s whole group (tauri-driver, WebKitWebDriver, the app): TERM, then KILL after 5 s. */
export function stopDriver(driver) {
  if (!driver || driver.exitCode !== null) return Promise.resolve();
  return new Promise((done) => {
    const kill = (sig) => {
      try {
        process.kill(-driver.pid, sig);
      } catch {
        /* already gone */
      }
    };
    const force = setTimeout(() => kill('SIGKILL'), 5_000);
    driver.once('exit', () => {
      clearTimeout(force);
      done();
    });
    kill('SIGTERM');
  });
}

/** Resolves with `fn()`'s first truthy answer, polling every 200 ms; throws after `deadlineMs`. */
export async function waitUntil(what, fn, deadlineMs) {
  const end = Date.now() + deadlineMs;
  for (;;) {
    const v = await fn().catch(() => null);
    if (v) return v;
    if (Date.now() > end) throw new Error(`${what}: not within ${deadlineMs} ms`);
    await sleep(200);
  }
}

/** Resolves after two animation frames of the page `wd` drives: the last DOM change is drawn. */
export async function painted(wd) {
  await wd.call('POST', wd.s('/execute/async'), {
    script: 'const done = arguments[arguments.length - 1]; requestAnimationFrame(() => requestAnimationFrame(() => done(true)));',
    args: [],
  });
}
