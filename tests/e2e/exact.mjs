// End-to-end test of the browser slice: the built app (dist/) served on 127.0.0.1, opened in
// headless Chromium; the exact optimum computed by the web worker must equal what
// `bridge solve --algo exact` prints for the same distribution, n and seed, and for an
// uploaded instance file. Bad input must show the error hook, never a blank page.
//
// Run by scripts/test.sh after `trunk build` and `cargo build --release`. Writes screenshots
// to target/e2e/ as artifacts.

import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const dist = process.env.DIST_DIR ?? join(root, 'dist');
const bridge = process.env.BRIDGE_BIN ?? join(root, 'target', 'release', 'bridge');
const artifacts = join(root, 'target', 'e2e');
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

/** `bridge solve --algo exact` on the given arguments: the solution object. */
function cliSolve(args) {
  const out = execFileSync(bridge, ['solve', '--algo', 'exact', ...args], { encoding: 'utf8' });
  return JSON.parse(out);
}

/** The number exactly as the CLI's JSON text prints it. */
function cliValueText(args) {
  const out = execFileSync(bridge, ['solve', '--algo', 'exact', ...args], { encoding: 'utf8' });
  const m = out.match(/"value":([^,}]+)/);
  assert.ok(m, `no value in ${out}`);
  return m[1];
}

const port = await freePort();
const server = spawn('python3', ['-m', 'http.server', '--bind', '127.0.0.1', String(port), '--directory', dist], {
  stdio: ['ignore', 'ignore', 'pipe'],
});
let browser;
const failures = [];
async function check(name, body) {
  try {
    await body();
    console.log(`ok   ${name}`);
  } catch (e) {
    failures.push(name);
    console.log(`FAIL ${name}\n${e.stack ?? e}`);
  }
}

try {
  // Wait for the server.
  const base = `http://127.0.0.1:${port}/`;
  for (let i = 0; ; i++) {
    try {
      const r = await fetch(base);
      if (r.ok) break;
    } catch {}
    if (i > 100) throw new Error('the static server did not start');
    await new Promise((r) => setTimeout(r, 100));
  }

  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  const page = await context.newPage();
  const foreign = [];
  context.on('request', (req) => {
    const url = new URL(req.url());
    if (!['127.0.0.1', ''].includes(url.hostname) && !req.url().startsWith('data:') && !req.url().startsWith('blob:')) {
      foreign.push(req.url());
    }
  });
  const consoleErrors = [];
  page.on('console', (msg) => { if (msg.type() === 'error') consoleErrors.push(msg.text()); });
  page.on('pageerror', (err) => consoleErrors.push(String(err)));

  await page.goto(base);
  const byId = (id) => page.locator(`[data-testid="${id}"]`);
  await byId('worker-status').filter({ hasText: 'ready' }).waitFor({ timeout: 30_000 });

  async function solveInPage() {
    await byId('exact-run').click();
    await page.waitForFunction(() => {
      const v = document.querySelector('[data-testid="exact-value"]');
      const e = document.querySelector('[data-testid="error"]');
      return (v && v.textContent.length > 0) || e;
    }, null, { timeout: 60_000 });
    if (await byId('error').count()) throw new Error(`the page shows an error: ${await byId('error').textContent()}`);
    return (await byId('exact-value').textContent()).trim();
  }

  const cases = [
    ['modified_normal', 10, 7],
    ['agent_based', 12, 3],
    ['hard_modified_uniform', 9, 42],
    ['combined', 14, 18446744073709551615n],
  ];
  for (const [dist, n, seed] of cases) {
    await check(`exact optimum in the page equals the CLI: ${dist}, n=${n}, seed=${seed}`, async () => {
      await byId('dist-select').selectOption(dist);
      await byId('agents-input').fill(String(n));
      await byId('seed-input').fill(String(seed));
      const inPage = await solveInPage();
      const expected = cliValueText(['--dist', dist, '--agents', String(n), '--seed', String(seed)]);
      assert.equal(inPage, expected);
      const partition = await byId('exact-partition').locator('li').count();
      const cli = cliSolve(['--dist', dist, '--agents', String(n), '--seed', String(seed)]);
      assert.equal(partition, cli.coalitions.length);
    });
  }
  await page.screenshot({ path: join(artifacts, 'exact.png'), fullPage: true });

  await check('an uploaded instance file is solved like the CLI solves it', async () => {
    const file = join(artifacts, 'upload.json');
    const text = execFileSync(bridge, ['gen', '--dist', 'hard_modified_normal', '--agents', '8', '--seed', '5'], { encoding: 'utf8' });
    writeFileSync(file, text);
    await byId('instance-upload').setInputFiles(file);
    await page.locator('.upload-name').filter({ hasText: 'upload.json' }).waitFor();
    const inPage = await solveInPage();
    assert.equal(inPage, cliValueText(['--instance', file]));
  });

  await check('an ODP-IP text upload is read too', async () => {
    const file = join(artifacts, 'upload.txt');
    const text = execFileSync(bridge, ['gen', '--dist', 'modified_uniform', '--agents', '6', '--seed', '9', '--format', 'odpip'], { encoding: 'utf8' });
    writeFileSync(file, text);
    await byId('instance-upload').setInputFiles(file);
    await page.locator('.upload-name').filter({ hasText: 'upload.txt' }).waitFor();
    assert.equal(await solveInPage(), cliValueText(['--instance', file]));
  });

  await check('a bad instance file shows a clear error naming the key', async () => {
    await byId('instance-upload').setInputFiles({ name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from('{"n": 2, "values": [0, 1, 2]}') });
    await page.locator('.upload-name').filter({ hasText: 'bad.json' }).waitFor();
    await byId('exact-run').click();
    await byId('error').waitFor({ timeout: 30_000 });
    const text = await byId('error').textContent();
    assert.match(text, /bad\.json: values: expected 2\^2 = 4 numbers/);
    await page.screenshot({ path: join(artifacts, 'bad-file.png'), fullPage: true });
    await page.getByText('Use the distribution instead').click();
  });

  await check('out-of-range agents and a bad seed are refused, not clamped', async () => {
    await byId('agents-input').fill('40');
    await byId('exact-run').click();
    await byId('error').waitFor();
    assert.match(await byId('error').textContent(), /40 is out of range/);
    await byId('agents-input').fill('5');
    await byId('seed-input').fill('-3');
    await byId('exact-run').click();
    assert.match(await byId('error').textContent(), /seed: `-3` is not a whole number/);
    await byId('seed-input').fill('3');
    await solveInPage();
    assert.equal(await byId('error').count(), 0, 'the error hook is gone once the input is fixed');
  });

  await check('no request leaves 127.0.0.1 and the console has no errors', async () => {
    assert.deepEqual(foreign, []);
    assert.deepEqual(consoleErrors, []);
  });
} finally {
  await browser?.close();
  server.kill();
}

if (failures.length) {
  console.log(`\n${failures.length} end-to-end check(s) failed; screenshots in ${artifacts}`);
  process.exit(1);
}
console.log(`\nall end-to-end checks passed; screenshots in ${artifacts}`);
