// What the end-to-end tests share: the built app (dist/) served on 127.0.0.1, headless Chromium
// through playwright-core, named checks that collect failures, and the artifacts directory.

import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const dist = process.env.DIST_DIR ?? join(root, 'dist');
export const artifacts = join(root, 'target', 'e2e');
/** The native command line, to check that the page's files are what `bridge` gives. */
export const bridge = process.env.BRIDGE_BIN ?? join(root, 'target', 'release', 'bridge');
mkdirSync(artifacts, { recursive: true });

/** A free TCP port on 127.0.0.1. */
function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

/** Serves dist/ on a free port; resolves with the base URL and a `close` function. */
export async function serve() {
  const port = await freePort();
  const server = spawn('python3', ['-m', 'http.server', '--bind', '127.0.0.1', String(port), '--directory', dist], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const base = `http://127.0.0.1:${port}/`;
  for (let i = 0; ; i++) {
    try {
      const r = await fetch(base);
      if (r.ok) break;
    } catch {}
    if (i > 100) {
      server.kill();
      throw new Error('the static server did not start');
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { base, close: () => server.kill() };
}

/** Headless Chromium as TOOLCHAIN.md describes it. */
export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** Named checks: each runs, prints ok or FAIL with the stack, and failures are counted. */
export function checks() {
  const failures = [];
  // E2E_ONLY=words runs only the checks whose names contain them (while iterating).
  const only = process.env.E2E_ONLY;
  async function check(name, body) {
    if (only && !name.includes(only)) {
      console.log(`skip ${name}`);
      return;
    }
    try {
      await body();
      console.log(`ok   ${name}`);
    } catch (e) {
      failures.push(name);
      console.log(`FAIL ${name}\n${e.stack ?? e}`);
    }
  }
  function finish() {
    if (failures.length) {
      console.log(`\n${failures.length} end-to-end check(s) failed; screenshots in ${artifacts}`);
      process.exit(1);
    }
    console.log(`\nall end-to-end checks passed; screenshots in ${artifacts}`);
  }
  return { check, finish };
}

/** A page of `context` on `url`, its worker ready; `byId` finds a `data-testid` hook. The
 * guided first run is closed beforehand (as for a returning visitor) unless `guide` is set,
 * and the advanced settings are unfolded (the tests type into them) unless `advanced` is
 * false. */
export async function openPage(context, url, { guide = false, advanced = true } = {}) {
  if (!guide) await context.addInitScript(() => localStorage.setItem('bridge-lab-guide-closed', '1'));
  const page = await context.newPage();
  const consoleErrors = [];
  page.on('console', (msg) => { if (msg.type() === 'error') consoleErrors.push(msg.text()); });
  page.on('pageerror', (err) => consoleErrors.push(String(err)));
  await page.goto(url);
  const byId = (id) => page.locator(`[data-testid="${id}"]`);
  await byId('worker-status').filter({ hasText: 'ready' }).waitFor({ timeout: 60_000 });
  if (advanced) await unfold(page);
  return { page, byId, consoleErrors };
}

/** Unfolds the training panel's advanced settings. */
export async function unfold(page) {
  await page.locator('[data-testid="advanced"]').evaluate((d) => { d.open = true; });
}

/** Whether the element of `locator` lies wholly inside the viewport, waiting up to 5 s for the
 * page's scroll. */
export async function inViewport(locator) {
  await locator.waitFor({ timeout: 30_000 });
  await locator.evaluate((el) => new Promise((ok, fail) => {
    const start = performance.now();
    (function look() {
      const r = el.getBoundingClientRect();
      if (r.top >= 0 && r.bottom <= window.innerHeight && r.left >= 0 && r.right <= window.innerWidth) return ok();
      if (performance.now() - start > 5000) return fail(new Error(`not in the viewport: ${JSON.stringify(r)} in ${window.innerWidth}×${window.innerHeight}`));
      requestAnimationFrame(look);
    })();
  }));
}

/** Clicks the download link `hook` of `page` and returns the saved file's path. */
export async function download(page, hook, name) {
  const [file] = await Promise.all([page.waitForEvent('download'), page.locator(`[data-testid="${hook}"]`).click()]);
  const path = join(artifacts, name);
  await file.saveAs(path);
  return path;
}

/** Clicks `button` and checks the error shown is in the viewport, says `message`, names no
 * command-line flag, and marks `field` (when the error is about one field). */
export async function errorShownInView(page, byId, button, message, field) {
  await byId(button).click();
  const error = byId('error');
  await inViewport(error);
  const text = await error.textContent();
  assert.match(text, message);
  assert.doesNotMatch(text, /--[a-z]/, 'the page speaks its own words, not command-line flags');
  if (field) {
    assert.equal(await byId(field).getAttribute('aria-invalid'), 'true');
    const described = await byId(field).getAttribute('aria-describedby');
    assert.equal(await error.getAttribute('id'), described, 'the field is described by its message');
    await inViewport(byId(field));
  }
  await page.screenshot({ path: join(artifacts, `error-${field ?? button}.png`) });
}
