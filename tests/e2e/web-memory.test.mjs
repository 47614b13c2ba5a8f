// End to end: the window's web context is created with the memory limit the app gives
// WebKit (src-tauri/src/webkit_memory.rs), and `SWITCHYARD_WEB_MEMORY` turns it off or
// changes it; on a machine without a GPU the window's own process loads no GL driver
// (src-tauri/src/no_gpu.rs). The app logs what WebKit's settings object held when it was
// handed over inside the web context's construction, so the line is there only if the real
// window's context got them, with the values WebKit took. What the settings do to the window's memory is measured
// by tests/perf/window_scale.mjs (docs/benchmarks.md). Run by `./dev test` under Xvfb with the
// other end-to-end tests. The app is started directly (no WebDriver), each start is bounded,
// and its process group is killed after.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { e2eSetup } from './webdriver.mjs';

const { app, env, home } = e2eSetup('web-memory');

after(() => rmSync(home, { recursive: true, force: true }));

/**
 * The app's stderr over `seconds` (or until `until` matches it), then the app stopped. When
 * `atMatch` is given, it is called with the app's pid once `until` matched, while the app
 * still runs; its result is returned as `seen` beside the stderr.
 */
function runFor(extraEnv, seconds, until, atMatch) {
  return new Promise((resolve, reject) => {
    const child = spawn(app, [], {
      env: { ...env, NO_COLOR: '1', ...extraEnv },
      stdio: ['ignore', 'ignore', 'pipe'],
      detached: true,
    });
    let err = '';
    let done = false;
    let seen;
    const stop = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(stop, seconds * 1000);
    child.stderr.on('data', (d) => {
      err += d;
      if (done || !until.test(err)) return;
      if (atMatch) {
        try {
          seen = atMatch(child.pid);
        } catch (e) {
          seen = e;
        }
      }
      stop();
    });
    child.on('error', (e) => {
      stop();
      reject(e);
    });
    child.on('exit', () => {
      stop();
      resolve(atMatch ? { err, seen } : err);
    });
  });
}

const GIVEN = /memory limit given to WebKit's web process.*limit_mb\S*?=\S*?(\d+).*conservative\S*?=\S*?([\d.]+).*strict\S*?=\S*?([\d.]+)/;
// The calendar's first paint, logged once the page is up: the window's context exists then.
const PAINTED = /calendar painted \d+ ms after launch/;

/** Starts the window with `value` (undefined: unset) and returns what WebKit was given. */
async function givenWith(value) {
  const err = await runFor(value === undefined ? {} : { SWITCHYARD_WEB_MEMORY: value }, 60, PAINTED);
  assert.match(err, PAINTED, `the window did not paint within 60 s; stderr:\n${err.slice(-2000)}`);
  const m = err.match(GIVEN);
  assert.ok(m, `no memory limit given; stderr:\n${err.slice(-2000)}`);
  return m.slice(1).map(Number);
}

test('the web process gets a memory limit by default', { timeout: 90_000 }, async () => {
  assert.deepEqual(await givenWith(undefined), [100, 0.6, 0.8]);
});

test('SWITCHYARD_WEB_MEMORY sets the limit and thresholds', { timeout: 90_000 }, async () => {
  assert.deepEqual(await givenWith('150:0.5:0.9'), [150, 0.5, 0.9]);
});

test('thresholds below WebKit’s defaults are taken too', { timeout: 90_000 }, async () => {
  // WebKit's defaults are 0.33 and 0.5: the strict one set first would be refused.
  assert.deepEqual(await givenWith('120:0.2:0.3'), [120, 0.2, 0.3]);
});

test('SWITCHYARD_WEB_MEMORY=off leaves WebKit’s default', { timeout: 90_000 }, async () => {
  const err = await runFor({ SWITCHYARD_WEB_MEMORY: 'off' }, 60, PAINTED);
  assert.match(err, PAINTED);
  assert.doesNotMatch(err, GIVEN);
});

test('a value that is not a limit is refused in one line and WebKit’s default kept', { timeout: 90_000 }, async () => {
  const err = await runFor({ SWITCHYARD_WEB_MEMORY: 'lots' }, 60, PAINTED);
  assert.match(err, /^warning\[config\]: SWITCHYARD_WEB_MEMORY="lots" is neither `off` nor LIMIT_MB/m);
  assert.match(err, PAINTED);
  assert.doesNotMatch(err, GIVEN);
});

/** The shared objects `pid` maps, by file name. */
function mapped(pid) {
  const names = new Set();
  for (const line of readFileSync(`/proc/${pid}/maps`, 'utf8').split('\n')) {
    const path = line.split(/\s+/)[5];
    if (path?.startsWith('/')) names.add(path.slice(path.lastIndexOf('/') + 1));
  }
  return [...names];
}

/** The pids of `pid`'s children, by command name. */
function children(pid) {
  const out = {};
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    for (const kid of readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').split(/\s+/).filter(Boolean)) {
      out[readFileSync(`/proc/${kid}/comm`, 'utf8').trim()] = Number(kid);
    }
  }
  return out;
}

const GL_DRIVER = /^(libLLVM|libEGL_mesa|libGLX_mesa|.*_dri\.so)/;
const hasRenderNode = () =>
  existsSync('/dev/dri') && readdirSync('/dev/dri').some((n) => n.startsWith('renderD'));

test(
  'without a GPU the window’s process loads no GL driver, and the web process still does',
  { timeout: 90_000, skip: hasRenderNode() && 'this machine has a GPU render node' },
  async () => {
    const { err, seen } = await runFor({}, 60, PAINTED, (pid) => ({
      app: mapped(pid),
      web: mapped(children(pid).WebKitWebProces),
    }));
    assert.match(err, PAINTED, `the window did not paint within 60 s; stderr:\n${err.slice(-2000)}`);
    assert.ok(!(seen instanceof Error), `could not read the processes' maps: ${seen}`);
    assert.match(err, /GL kept out of the window's process.*egl_without_driver\S*?=\S*?true/);
    assert.deepEqual(seen.app.filter((n) => GL_DRIVER.test(n)), []);
    // The web process draws with GL (Mesa's software driver here): it must still find it.
    assert.ok(
      seen.web.some((n) => GL_DRIVER.test(n)),
      `the web process maps no GL driver: ${seen.web.join(' ')}`,
    );
  },
);
