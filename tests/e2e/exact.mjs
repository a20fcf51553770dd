// End-to-end test of the browser slice: the built app (dist/) served on 127.0.0.1, opened in
// headless Chromium; the exact optimum computed by the web worker must equal what
// `bridge solve --algo exact` prints for the same distribution, n and seed, and for an
// uploaded instance file. Bad input must show the error hook, never a blank page.
//
// Run by scripts/test.sh after `trunk build` and `cargo build --release`. Writes screenshots
// to target/e2e/ as artifacts.

import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { artifacts, bridge, checks, launch, openPage, root, serve } from './harness.mjs';

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

const server = await serve();
const base = server.base;
let browser;
const { check, finish } = checks();

try {
  browser = await launch();
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 }, acceptDownloads: true });
  const foreign = [];
  context.on('request', (req) => {
    const url = new URL(req.url());
    if (!['127.0.0.1', ''].includes(url.hostname) && !req.url().startsWith('data:') && !req.url().startsWith('blob:')) {
      foreign.push(req.url());
    }
  });
  // A returning visitor (the guide closed; classroom.mjs follows it); the tests type into the
  // advanced settings too.
  const { page, byId, consoleErrors } = await openPage(context, base);

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

  await check('results of an earlier instance disappear when the form changes', async () => {
    assert.equal(await byId('exact-value').count(), 1);
    await byId('seed-input').fill('12345');
    await page.waitForFunction(() => !document.querySelector('[data-testid="exact-value"]'), null, { timeout: 5_000 });
  });

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

  await check('a bad instance file is refused as soon as it is chosen, beside the control, naming the key', async () => {
    await byId('instance-upload').setInputFiles({ name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from('{"n": 2, "values": [0, 1, 2]}') });
    await byId('error').waitFor({ timeout: 30_000 });
    const text = await byId('error').textContent();
    assert.match(text, /bad\.json: values: expected 2\^2 = 4 numbers/);
    assert.equal(await byId('instance-upload').getAttribute('aria-invalid'), 'true');
    assert.equal(await byId('instance-upload').getAttribute('aria-describedby'), await byId('error').getAttribute('id'));
    // The bad file is dropped: the distribution stays the instance, nothing else changes.
    assert.equal(await page.locator('.upload-name').count(), 0);
    await page.screenshot({ path: join(artifacts, 'bad-file.png'), fullPage: true });
  });

  await check('the network size follows an uploaded instance, as it follows the agents field', async () => {
    const n = 12;
    const values = Array.from({ length: 2 ** n }, (_, k) => (k === 0 ? 0 : (k % 7) + 1));
    await byId('instance-upload').setInputFiles({ name: 'twelve.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify({ n, values })) });
    await page.locator('.upload-name').filter({ hasText: 'twelve.json (12 agents)' }).waitFor({ timeout: 30_000 });
    assert.equal(await byId('network-input').inputValue(), '12');
    await page.getByText('Use the distribution instead').click();
    await byId('agents-input').fill('10');
    assert.equal(await byId('network-input').inputValue(), '10');
  });

  await check('distribution parameters from the form reach the instance, bad ones are refused', async () => {
    await byId('dist-select').selectOption('hard_modified_uniform');
    await byId('agents-input').fill('8');
    await byId('seed-input').fill('6');
    await byId('param-gamma').fill('0.03');
    await byId('param-alpha').fill('12');
    const inPage = await solveInPage();
    assert.equal(inPage, cliValueText(['--dist', 'hard_modified_uniform', '--agents', '8', '--seed', '6', '--param', 'gamma=0.03', '--param', 'alpha=12']));
    await byId('param-p').fill('1.5');
    await byId('exact-run').click();
    await byId('error').waitFor({ timeout: 30_000 });
    assert.match(await byId('error').textContent(), /parameter p = 1.5 is out of range/);
    await byId('param-p').fill('zero');
    await byId('exact-run').click();
    assert.match(await byId('error').textContent(), /p: “zero” is not a number; give a number/);
    // Another distribution starts at its defaults, and the complaint about the old `p` goes
    // (the new one has a `p` too, which must not inherit it).
    await byId('dist-select').selectOption('modified_normal');
    assert.equal(await byId('param-p').inputValue(), '0.2', 'a new distribution starts at its defaults');
    assert.equal(await byId('param-p').getAttribute('aria-invalid'), null);
    assert.equal(await byId('error').count(), 0, 'no complaint left about the old parameter');
    await byId('dist-select').selectOption('agent_based');
    assert.equal(await byId('param-power').inputValue(), '10', 'a new distribution starts at its defaults');
  });

  await check('out-of-range agents and a bad seed are refused, not clamped', async () => {
    await byId('agents-input').fill('40');
    await byId('exact-run').click();
    await byId('error').waitFor();
    assert.match(await byId('error').textContent(), /40 is out of range/);
    await byId('agents-input').fill('5');
    await byId('seed-input').fill('-3');
    await byId('exact-run').click();
    assert.match(await byId('error').textContent(), /seed: -3 is out of range; give a whole number, 0 or more/);
    await byId('seed-input').fill('3');
    await solveInPage();
    assert.equal(await byId('error').count(), 0, 'the error hook is gone once the input is fixed');
  });


  await check('training in the worker streams progress, stops on request and keeps the leader', async () => {
    await byId('dist-select').selectOption('modified_normal');
    await byId('agents-input').fill('6');
    await byId('seed-input').fill('4');
    await byId('network-input').fill('8');
    await byId('episodes-input').fill('5000');
    await byId('train-start').click();
    await byId('train-status').filter({ hasText: /episode \d+ \/ 5000/ }).waitFor({ timeout: 30_000 });
    await page.waitForFunction(() => /episode (\d+)/.test(document.querySelector('[data-testid="train-status"]').textContent)
      && Number(document.querySelector('[data-testid="train-status"]').textContent.match(/episode (\d+)/)[1]) >= 20, null, { timeout: 60_000 });
    await byId('train-stop').click();
    await byId('train-status').filter({ hasText: 'done' }).waitFor({ timeout: 30_000 });
    const status = await byId('train-status').textContent();
    assert.match(status, /done: stopped after \d+ episodes/);
    assert.match(await byId('leader-info').textContent(), /trained here — the paper's network for up to 8 agents/);
  });

  await check('a full training run ends with done', async () => {
    await byId('episodes-input').fill('80');
    await byId('train-start').click();
    await byId('train-status').filter({ hasText: 'done: finished after 80 episodes' }).waitFor({ timeout: 120_000 });
    await page.screenshot({ path: join(artifacts, 'trained.png'), fullPage: true });
  });

  let downloaded;
  await check('the leader trained in the page gives the CLI the same rollout', async () => {
    await byId('infer-run').click();
    await byId('cs-value').waitFor({ timeout: 30_000 });
    // The viewer takes the focus the disabled button dropped, so the arrow keys step it.
    await page.waitForFunction(() => document.activeElement?.dataset?.testid === 'merge-viewer', null, { timeout: 5_000 });
    await page.keyboard.press('End');
    const [, at, of] = (await byId('merge-step').textContent()).match(/state (\d+) of (\d+)/);
    assert.equal(at, of, 'End went to the last state');
    await page.keyboard.press('Home');
    assert.match(await byId('merge-step').textContent(), /state 1 of/);
    const inPage = (await byId('cs-value').textContent()).trim();
    const [download] = await Promise.all([page.waitForEvent('download'), byId('weights-download').click()]);
    downloaded = join(artifacts, 'page-leader.safetensors');
    await download.saveAs(downloaded);
    const out = execFileSync(bridge, ['solve', '--algo', 'bridge', '--weights', downloaded, '--dist', 'modified_normal', '--agents', '6', '--seed', '4'], { encoding: 'utf8' });
    assert.equal(inPage, out.match(/"value":([^,}]+)/)[1]);
  });

  await check('the merge viewer steps forward and back through the rollout', async () => {
    const states = Number((await byId('merge-step').textContent()).match(/of (\d+)/)[1]);
    assert.match(await byId('merge-step').textContent(), /state 1 of/);
    if (states > 1) {
      await byId('merge-step-next').click();
      assert.match(await byId('merge-step').textContent(), /state 2 of/);
      await byId('merge-step-back').click();
    }
    assert.match(await byId('merge-step').textContent(), /state 1 of/);
    if (states > 1) {
      // The keyboard, the scrubber and reset move the viewer too.
      await byId('merge-step-next').focus();
      await page.keyboard.press('End');
      assert.match(await byId('merge-step').textContent(), new RegExp(`state ${states} of ${states}`));
      await page.keyboard.press('ArrowLeft');
      assert.match(await byId('merge-step').textContent(), new RegExp(`state ${states - 1} of`));
      await byId('merge-scrubber').fill('1');
      assert.match(await byId('merge-step').textContent(), /state 2 of/);
      await byId('merge-reset').click();
      assert.match(await byId('merge-step').textContent(), /state 1 of/);
    }
    assert.ok(await byId('merge-candidates').locator('tr').count() >= 2);
    assert.equal(await byId('adjacency').locator('rect').count(), 36);
  });

  await check('the page trains other networks (hidden widths, the learned and lookahead scorers) and refuses bad widths', async () => {
    await byId('hidden-input').fill('64,x');
    await byId('train-start').click();
    await byId('error').waitFor({ timeout: 10_000 });
    assert.match(await byId('error').textContent(), /hidden layer width: “x” is not a whole number/);
    await byId('hidden-input').fill('32,32,32');
    await byId('scorer-select').selectOption('learned');
    await byId('episodes-input').fill('10');
    await byId('train-start').click();
    await byId('train-status').filter({ hasText: 'done: finished after 10 episodes' }).waitFor({ timeout: 60_000 });
    await byId('leader-info').filter({ hasText: /hidden layers 32 × 32 × 32, pair scorer ψ learned:16/ }).waitFor({ timeout: 10_000 });
    assert.equal(await byId('cs-value').count(), 0, 'the previous leader\'s rollout is gone');
    await byId('infer-run').click();
    await byId('cs-value').waitFor({ timeout: 30_000 });
    const inPage = (await byId('cs-value').textContent()).trim();
    const [download] = await Promise.all([page.waitForEvent('download'), byId('weights-download').click()]);
    const learned = join(artifacts, 'page-learned-leader.safetensors');
    await download.saveAs(learned);
    const out = execFileSync(bridge, ['solve', '--algo', 'bridge', '--weights', learned, '--dist', 'modified_normal', '--agents', '6', '--seed', '4'], { encoding: 'utf8' });
    assert.equal(inPage, out.match(/"value":([^,}]+)/)[1]);
    // The lookahead scorer (a forward pass per candidate merge) gives the CLI's rollout too.
    await byId('hidden-input').fill('32,32');
    await byId('settings-ours').click();
    assert.equal(await byId('scorer-select').inputValue(), 'lookahead');
    assert.equal(await byId('lr-input').inputValue(), '0.0003');
    assert.equal(await byId('sync-input').inputValue(), '20');
    assert.equal(await byId('updates-input').inputValue(), '2');
    assert.equal(await byId('mix-input').inputValue(), '0.25');
    assert.ok(await byId('double-input').isChecked() && await byId('bound-input').isChecked());
    await byId('mix-input').fill('1.5');
    await byId('train-start').click();
    await byId('error').filter({ hasText: 'return mix λ: 1.5 is out of range; give 0 to 1' }).waitFor({ timeout: 10_000 });
    await byId('mix-input').fill('0.25');
    await byId('train-start').click();
    await byId('train-status').filter({ hasText: 'done: finished after 10 episodes' }).waitFor({ timeout: 60_000 });
    await byId('leader-info').filter({ hasText: /hidden layers 32 × 32, pair scorer ψ lookahead/ }).waitFor({ timeout: 10_000 });
    await byId('infer-run').click();
    await byId('cs-value').waitFor({ timeout: 30_000 });
    const lookaheadInPage = (await byId('cs-value').textContent()).trim();
    const [lookaheadDownload] = await Promise.all([page.waitForEvent('download'), byId('weights-download').click()]);
    const lookahead = join(artifacts, 'page-lookahead-leader.safetensors');
    await lookaheadDownload.saveAs(lookahead);
    const lookaheadOut = execFileSync(bridge, ['solve', '--algo', 'bridge', '--weights', lookahead, '--dist', 'modified_normal', '--agents', '6', '--seed', '4'], { encoding: 'utf8' });
    assert.equal(lookaheadInPage, lookaheadOut.match(/"value":([^,}]+)/)[1]);
    await byId('hidden-input').fill('128,128');
    await byId('settings-paper').click();
    assert.equal(await byId('scorer-select').inputValue(), 'additive');
    assert.equal(await byId('lr-input').inputValue(), '0.001');
    assert.equal(await byId('updates-input').inputValue(), '1');
    assert.ok(!(await byId('double-input').isChecked()));
    await byId('epsilon-input').fill('1000');
  });

  await check('uploaded weights become the leader; bad weights are refused with a message', async () => {
    await byId('weights-upload').setInputFiles({ name: 'junk.safetensors', mimeType: 'application/octet-stream', buffer: Buffer.from('not weights') });
    await byId('error').waitFor({ timeout: 30_000 });
    assert.match(await byId('error').textContent(), /junk\.safetensors: bad weights/);
    // Beside the upload control, which it marks, not in the box at the top.
    assert.equal(await byId('error').getAttribute('id'), 'weights-upload-error');
    assert.equal(await byId('weights-upload').getAttribute('aria-invalid'), 'true');
    const cliWeights = join(artifacts, 'cli-leader.safetensors');
    execFileSync(bridge, ['train', '--dist', 'agent_based', '--agents', '5', '--seed', '2', '--episodes', '20', '--batch', '16', '--max-agents', '7', '--out', cliWeights], { stdio: 'ignore' });
    await byId('weights-upload').setInputFiles(cliWeights);
    await byId('leader-info').filter({ hasText: 'cli-leader.safetensors' }).waitFor({ timeout: 30_000 });
    await byId('dist-select').selectOption('agent_based');
    await byId('agents-input').fill('5');
    await byId('seed-input').fill('2');
    await byId('infer-run').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="cs-value"]')?.closest('.rollout-summary')?.textContent.includes('agent_based'));
    const out = execFileSync(bridge, ['solve', '--algo', 'bridge', '--weights', cliWeights, '--dist', 'agent_based', '--agents', '5', '--seed', '2'], { encoding: 'utf8' });
    assert.equal((await byId('cs-value').textContent()).trim(), out.match(/"value":([^,}]+)/)[1]);
    assert.equal(await byId('error').count(), 0);
  });

  await check('the comparison runs every algorithm, the exact one on top', async () => {
    await byId('compare-run').click();
    await byId('compare-table').waitFor({ timeout: 30_000 });
    const rows = await byId('compare-table').locator('tr').count();
    assert.equal(rows, 1 + 9, 'exact, bridge, clink, grasp, uct, saldae, singleton, grand, random');
    const exact = (await byId('compare-exact').textContent()).trim();
    assert.equal(exact, cliValueText(['--dist', 'agent_based', '--agents', '5', '--seed', '2']));
    // The first row's algorithm by its value hook (`compare-ALGO`, the command line's name).
    const first = (await byId('compare-table').locator('tr').nth(1).locator('[data-testid^="compare-"]').getAttribute('data-testid')).replace(/^compare-/, '');
    assert.ok(['exact'].includes(first) || (await byId(`compare-${first}`).textContent()).trim() === exact, `${first} heads the table`);
    // The bar chart beside the table: a bar per row, in the table's order, each as long as its
    // gain over all singletons (the exact optimum's the longest gain; a loss goes left).
    const bars = await byId('compare-chart').locator('rect').evaluateAll((rs) => rs.map((r) => Number(r.getAttribute('width'))));
    assert.equal(bars.length, 9);
    const gains = (await byId('compare-table').locator('tr td:nth-child(3)').allTextContents()).map(Number);
    assert.equal(bars[0], Math.max(...bars.filter((_, i) => gains[i] > 0)), 'the first row, the best, has the longest gain');
    for (let i = 0; i < 9; i++) {
      if (gains[i] > 0 && gains[0] > 0) assert.ok(Math.abs(bars[i] / bars[0] - gains[i] / gains[0]) < 0.01, `bar ${i}: ${bars[i]} for a gain of ${gains[i]}`);
    }
    await page.screenshot({ path: join(artifacts, 'compare.png'), fullPage: true });
  });

  await check('a recorded LBF episode replays in the page like lbforaging recorded it', async () => {
    const vectors = join(root, 'tests', 'data', 'lbf-vectors');
    await byId('lbf-upload').setInputFiles(join(vectors, 'ep_8x8_2p_2f_team_s0.json'));
    await byId('lbf-check').waitFor({ timeout: 30_000 });
    assert.match(await byId('lbf-check').textContent(), /reproduces the recording: 11 steps/);
    assert.equal(await byId('lbf-grid').locator('g.player').count(), 2);
    assert.equal(await byId('lbf-grid').locator('g.apple').count(), 2);
    assert.match(await byId('lbf-step').textContent(), /step 0 of 11/);
    for (let i = 0; i < 11; i++) await byId('lbf-step-next').click();
    assert.match(await byId('lbf-step').textContent(), /step 11 of 11/);
    assert.equal(await byId('lbf-grid').locator('g.apple').count(), 0, 'both apples loaded by the end');
    const scores = await byId('lbf-scores').locator('tr td:nth-child(4)').allTextContents();
    assert.deepEqual(scores.map(Number), [0.5, 0.5]);
    await byId('lbf-step-back').click();
    assert.match(await byId('lbf-step').textContent(), /step 10 of 11/);
    await page.screenshot({ path: join(artifacts, 'lbf.png'), fullPage: true });
    await byId('lbf-upload').setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from('{"env_kwargs": {}}') });
    await byId('error').waitFor({ timeout: 30_000 });
    assert.match(await byId('error').textContent(), /broken\.json: /);
    // Beside the upload, which is marked and described by it, not in the box at the top.
    assert.equal(await byId('lbf-upload').getAttribute('aria-invalid'), 'true');
    assert.equal(await byId('lbf-upload').getAttribute('aria-describedby'), await byId('error').getAttribute('id'));
  });

  await check('BRIDGE trains on the teaching preset in the worker and its followers play their episode on the grid', async () => {
    await byId('lbf-config-select').selectOption('teaching');
    const started = Date.now();
    await byId('lbf-train-start').click();
    await byId('train-status').filter({ hasText: /training on the grid: episode \d+ \/ 30/ }).waitFor({ timeout: 60_000 });
    await byId('train-status').filter({ hasText: /done: 30 leader episodes, \d+ structures? trained/ }).waitFor({ timeout: 300_000 });
    console.log(`    teaching preset trained in ${((Date.now() - started) / 1000).toFixed(1)} s in the page`);
    const value = Number((await byId('lbf-value').textContent()).trim());
    assert.ok(Number.isFinite(value), 'V(CS) is a plain number');
    await byId('lbf-episode-play').click();
    assert.match(await byId('lbf-check').textContent(), /the trained followers on teaching: coalitions/);
    assert.equal(await byId('lbf-grid').locator('g.player').count(), 4);
    // The episode lasts 25 steps, or fewer when the followers load every apple sooner; "play"
    // plays it to its end on its own, then the arrows step through it.
    const steps = Number((await byId('lbf-step').textContent()).match(/step \d+ of (\d+)/)[1]);
    assert.ok(steps >= 1 && steps <= 25, `${steps} steps`);
    await byId('lbf-step').filter({ hasText: `step ${steps} of ${steps}` }).waitFor({ timeout: 30_000 });
    assert.equal(await byId('lbf-play').textContent(), '▶ play', 'stopped at the end');
    await byId('lbf-step-back').click();
    assert.match(await byId('lbf-step').textContent(), new RegExp(`step ${steps - 1} of ${steps}`));
    // The live plots were drawn, and the leader's merges lead from singletons to the structure.
    for (const plot of ['lbf-plot-reward', 'lbf-plot-value', 'lbf-plot-followers']) assert.ok(await byId(plot).isVisible(), plot);
    // "coalitions {1, 4} {2} {3}, each coloured alike, …"
    const coalitions = (await byId('lbf-check').textContent()).match(/coalitions ((?:\{[\d, ]+\} ?)+),/)[1].match(/\{/g).length;
    const merges = 4 - coalitions;
    if (merges > 0) {
      assert.match(await byId('lbf-merge').textContent(), /^From \{1\} \{2\} \{3\} \{4\} the leader merged/);
      assert.match(await byId('lbf-merge-step').textContent(), new RegExp(`^merge 1 of ${merges}$`));
      assert.ok(await byId('lbf-merge-back').isDisabled(), 'no merge before the first');
      for (let k = 1; k < merges; k++) await byId('lbf-merge-next').click();
      assert.match(await byId('lbf-merge-step').textContent(), new RegExp(`^merge ${merges} of ${merges}$`));
      assert.ok(await byId('lbf-merge-next').isDisabled(), 'the last merge reached');
      assert.equal(await byId('lbf-merge-next').textContent(), 'next merge ▶');
      assert.equal(await page.locator('.lbf-merges tr').count(), merges + 1);
    }
    await page.screenshot({ path: join(artifacts, 'lbf-trained.png'), fullPage: true });
    // A bad number is refused with a message, not clamped.
    await byId('lbf-episodes-input').fill('0');
    await byId('lbf-train-start').click();
    await byId('error').waitFor({ timeout: 30_000 });
    assert.match(await byId('error').textContent(), /leader episodes/);
    await byId('lbf-episodes-input').fill('30');
    // The grid's own Stop ends a run early, keeps what it found, and the status says so (a
    // long run, so that the click cannot come after its end).
    assert.ok(await byId('lbf-train-stop').isDisabled(), 'nothing to stop yet');
    await byId('lbf-episodes-input').fill('500');
    await byId('lbf-train-start').click();
    await byId('train-status').filter({ hasText: /training on the grid: episode \d+ \/ 500/ }).waitFor({ timeout: 60_000 });
    await byId('lbf-train-stop').click();
    await byId('train-status').filter({ hasText: /^done: stopped after \d+ of 500 leader episodes/ }).waitFor({ timeout: 60_000 });
    await byId('lbf-episodes-input').fill('30');
    assert.match(await page.locator('.described', { has: byId('lbf-value') }).textContent(), /^On the teaching grid, the structure found/);
  });

  await check('BRIDGE trains on a grid of the user\'s own', async () => {
    await byId('lbf-config-select').selectOption('custom');
    await byId('lbf-side-input').fill('5');
    await byId('lbf-agents-input').fill('3');
    await byId('lbf-apples-input').fill('1');
    await byId('lbf-steps-input').fill('12');
    await byId('lbf-episodes-input').fill('3');
    await byId('lbf-epochs-input').fill('2');
    await byId('lbf-train-start').click();
    await byId('train-status').filter({ hasText: /done: 3 leader episodes/ }).waitFor({ timeout: 120_000 });
    assert.ok(Number.isFinite(Number((await byId('lbf-value').textContent()).trim())));
    await byId('lbf-episode-play').click();
    assert.match(await byId('lbf-check').textContent(), /the trained followers on custom: coalitions/);
    assert.equal(await byId('lbf-grid').locator('g.player').count(), 3);
    assert.equal(await byId('lbf-grid').getAttribute('viewBox'), '0 0 170 170');
    await byId('lbf-config-select').selectOption('teaching');
    await byId('lbf-episodes-input').fill('30');
    await byId('lbf-epochs-input').fill('10');
  });

  await check('no request leaves 127.0.0.1 and the console has no errors', async () => {
    assert.deepEqual(foreign, []);
    assert.deepEqual(consoleErrors, []);
  });
} finally {
  await browser?.close();
  server.close();
}

finish();
