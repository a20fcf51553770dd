// End-to-end checks of the page a teacher opens in class (issue 13), in headless Chromium on the
// built app: every bad field's message lands in the viewport beside its field; number fields
// keep what people type; the network size follows the agents; the default leader learns the
// default instance at least as well as C-Link does there; the results come out as files that
// match the table and that `bridge` reproduces; the longest main-thread task while training.
//
// Run by scripts/test.sh after `trunk build`. Screenshots go to target/e2e/.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  artifacts, bridge, checks, download, errorShownInView, inViewport, launch, openPage, root, serve,
} from './harness.mjs';

const server = await serve();
const browser = await launch();
const { check, finish } = checks();

try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const { page, byId, consoleErrors } = await openPage(context, server.base);
  const [firstPage, firstById] = [page, byId];

  /** Clicks `button` and checks the error shown is in the viewport, says `message`, names no
   * command-line flag, and marks `field` (when the error is about one field); on the first
   * page unless another page's `byId` and page are given. */
  async function errorInView(button, message, field, byId = firstById, page = firstPage) {
    await errorShownInView(page, byId, button, message, field);
  }

  await check('a custom LBF grid too small: the message beside the grid side, in view', async () => {
    await byId('lbf-config-select').selectOption('custom');
    await byId('lbf-side-input').fill('3');
    await errorInView('lbf-train-start', /grid side: 3 is out of range; give 5 to 16/, 'lbf-side-input');
    await byId('lbf-side-input').fill('6');
    await byId('lbf-apples-input').fill('2.5');
    await errorInView('lbf-train-start', /apples: 2\.5 is not a whole number/, 'lbf-apples-input');
    await byId('lbf-apples-input').fill('2');
    await byId('lbf-config-select').selectOption('teaching');
  });

  await check('a file over the stated limit is refused beside its control as soon as it is chosen', async () => {
    assert.match(await page.locator('label', { has: byId('weights-upload') }).textContent(), /up to 64 MB/);
    const big = Buffer.alloc(33 * 1024 * 1024, 1);
    for (const [hook, what] of [['instance-upload', 'instance files'], ['lbf-upload', 'recorded episodes']]) {
      assert.match(await page.locator('label', { has: byId(hook) }).textContent(), /up to 32 MB/);
      await byId(hook).setInputFiles({ name: 'big.bin', mimeType: 'application/octet-stream', buffer: big });
      const complaint = page.locator(`#${hook}-error`);
      await inViewport(complaint);
      assert.match(await complaint.textContent(), new RegExp(`big\\.bin is 33\\.0 MB; the page takes ${what} up to 32 MB`));
      assert.equal(await byId(hook).inputValue(), '', 'the choice is cleared');
    }
  });

  await check('hidden layers “abc”: the message beside the field, in view', async () => {
    await byId('hidden-input').fill('abc');
    // Folded away, the field is unfolded to show its complaint.
    await byId('advanced').evaluate((d) => { d.open = false; });
    await errorInView('train-start', /hidden layer width: “abc” is not a whole number/, 'hidden-input');
    assert.ok(await byId('advanced').evaluate((d) => d.open), 'the advanced settings unfolded');
    await byId('hidden-input').fill('128,128');
    // The complaint was about the text before: once the field changes, it goes.
    assert.equal(await byId('hidden-input').getAttribute('aria-invalid'), null);
    assert.equal(await page.getByTestId('error').count(), 0, 'no complaint left beside the field');
  });

  await check('0 episodes: the message beside the field, in view', async () => {
    await byId('episodes-input').fill('0');
    await errorInView('train-start', /episodes: 0 is out of range; give 1 to/, 'episodes-input');
    await byId('episodes-input').fill('300');
  });

  await check('a negative learning rate: the message beside the field, in view', async () => {
    await byId('lr-input').fill('-0.001');
    await errorInView('train-start', /learning rate: -0.001 is out of range/, 'lr-input');
    await byId('lr-input').fill('0.0003');
  });

  await check('50 agents with the network size set to 10: the message beside the network size, in view', async () => {
    await byId('network-input').fill('10');
    await byId('agents-input').fill('50');
    assert.equal(await byId('network-input').inputValue(), '10', 'a size typed by hand stays');
    await errorInView('train-start', /network size: 10 is smaller than the 50 agents/, 'network-input');
  });

  await check('Compare at 5000 agents: the message beside the agents field, scrolled into view', async () => {
    await byId('agents-input').fill('5000');
    await byId('compare-run').scrollIntoViewIfNeeded();
    await errorInView('compare-run', /number of agents: 5000 is out of range; give 1 to 1024/, 'agents-input');
    await byId('agents-input').fill('10');
  });

  await check('an error no one field caused stays in sight, in the error box', async () => {
    await byId('infer-run').scrollIntoViewIfNeeded();
    await errorInView('infer-run', /there is no leader yet: train one or upload weights/);
    assert.equal(await byId('hidden-input').getAttribute('aria-invalid'), null, 'no field is marked');
  });

  await check('number fields keep what people type and refuse the rest with a message', async () => {
    for (const [field, typed] of [['lr-input', '2.5'], ['lr-input', '1e-3'], ['seed-input', '-3'], ['episodes-input', '1e3']]) {
      await byId(field).fill('');
      await byId(field).pressSequentially(typed);
      assert.equal(await byId(field).inputValue(), typed, `${field} keeps ${typed}`);
    }
    await byId('seed-input').fill('1');
    await byId('lr-input').fill('0.0003');
    // 1e3 episodes is a whole number the page reads as 1000; 2.5 is refused beside the field.
    await byId('episodes-input').fill('2.5');
    await errorInView('train-start', /episodes: 2.5 is not a whole number/, 'episodes-input');
    await byId('episodes-input').fill('300');
  });

  await check('the network size follows the number of agents until it is typed by hand', async () => {
    await byId('network-follow').click();
    await byId('agents-input').fill('12');
    assert.equal(await byId('network-input').inputValue(), '12');
    await byId('network-input').fill('20');
    await byId('agents-input').fill('7');
    assert.equal(await byId('network-input').inputValue(), '20');
    await byId('network-follow').click();
    assert.equal(await byId('network-input').inputValue(), '7');
    await byId('agents-input').fill('10');
    assert.equal(await byId('network-input').inputValue(), '10');
  });

  await check('the page\'s default leader learns the default instance at least as well as C-Link', async () => {
    // A fresh page: every field at its default.
    const fresh = await openPage(context, server.base);
    const { byId: id } = fresh;
    assert.equal(await id('scorer-select').inputValue(), 'lookahead', 'our lookahead leader is the default');
    await id('train-start').click();
    await id('train-status').filter({ hasText: /^done/ }).waitFor({ timeout: 300_000 });
    const status = await id('train-status').textContent();
    console.log(`    ${status}`);
    // The defaults stop early (148 of 300 episodes), and say why.
    assert.match(status, /^done: early stop after \d+ episodes in [\d.]+ s \(the returns of the last 20 episodes had a spread of at most 1 % of their mean, so the leader had settled\)/);
    await id('compare-run').click();
    await id('compare-table').waitFor({ timeout: 60_000 });
    const clink = Number(await id('compare-clink').textContent());
    const bridge = Number(await id('compare-bridge').textContent());
    const exact = Number(await id('compare-exact').textContent());
    console.log(`    default instance: bridge ${bridge}, C-Link ${clink}, optimum ${exact}`);
    assert.ok(bridge >= clink, `the leader's ${bridge} is below C-Link's ${clink}`);
    await id('infer-run').click();
    await id('cs-value').waitFor({ timeout: 30_000 });
    assert.equal(Number(await id('cs-value').textContent()), bridge, 'the viewer shows the same rollout');
    assert.match(await fresh.page.locator('.rollout-summary').textContent(), /% of the optimum/);
    await fresh.page.screenshot({ path: join(artifacts, 'defaults-learned.png'), fullPage: true });
    assert.deepEqual(fresh.consoleErrors, []);
    await fresh.page.close();
  });

  await check('results out: the CSV and JSON match the comparison table; the solution file is what bridge solve gives', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 720 }, acceptDownloads: true });
    const { page: p, byId: id } = await openPage(ctx, `${server.base}?agents=6&seed=4&episodes=20`);
    await id('train-start').click();
    await id('train-status').filter({ hasText: /^done/ }).waitFor({ timeout: 300_000 });
    await id('compare-run').click();
    await id('compare-table').waitFor({ timeout: 60_000 });
    // The table as shown: each row's algorithm (by its value hook `compare-ALGO`, the command
    // line's name, which the files keep; the cell shows the name people read) and full value.
    const shown = await id('compare-table').locator('tr').evaluateAll((trs) => trs.slice(1).map((tr) => ({
      algorithm: tr.cells[1].querySelector('[data-testid]').dataset.testid.replace(/^compare-/, ''),
      value: tr.cells[1].querySelector('[data-testid]').textContent,
      coalitions: tr.cells[4].textContent,
    })));
    assert.ok(shown.length >= 8, `the table has ${shown.length} rows`);
    const csv = readFileSync(await download(p, 'compare-csv', 'comparison.csv'), 'utf8').trim().split('\n');
    assert.equal(csv[0], 'algorithm,value,gain_over_singletons,percent_of_optimum,coalitions,seconds');
    const rows = csv.slice(1).map((line) => line.split(','));
    assert.deepEqual(rows.map((r) => ({ algorithm: r[0], value: r[1], coalitions: r[4] })), shown, 'the CSV is the table');
    const json = JSON.parse(readFileSync(await download(p, 'compare-json', 'comparison.json'), 'utf8'));
    assert.deepEqual(json.rows.map((r) => [r.algorithm, r.value]), shown.map((r) => [r.algorithm, Number(r.value)]));
    assert.equal(json.reference, 'optimum');

    await id('infer-run').click();
    await id('cs-value').waitFor({ timeout: 30_000 });
    const trace = JSON.parse(readFileSync(await download(p, 'merge-trace-download', 'merge-trace.json'), 'utf8'));
    const states = Number((await id('merge-step').textContent()).match(/of (\d+)/)[1]);
    assert.equal(trace.steps.length, states, 'the trace has the viewer\'s states');
    const solutionFile = await download(p, 'solution-download', 'solution.json');
    const solution = JSON.parse(readFileSync(solutionFile, 'utf8'));
    assert.equal(solution.value, Number(await id('cs-value').textContent()));
    // The trace's structures are rebuilt in the page from the merges: singletons to the solution.
    assert.deepEqual(trace.steps[0].coalitions, [[0], [1], [2], [3], [4], [5]]);
    assert.deepEqual(trace.steps.at(-1).coalitions, solution.coalitions, 'the trace ends at the solution');
    const weights = await download(p, 'weights-download', 'results-out-leader.safetensors');
    const cli = JSON.parse(execFileSync(bridge, ['solve', '--algo', 'bridge', '--weights', weights, '--dist', 'modified_normal', '--agents', '6', '--seed', '4'], { encoding: 'utf8' }));
    assert.deepEqual(solution.coalitions, cli.coalitions, 'the same structure as the command line');
    assert.deepEqual(solution.steps, cli.steps, 'the same merge trace');
    assert.equal(solution.value, cli.value);
    assert.equal(solution.algorithm, 'bridge');
    await ctx.close();
  });

  await check('no main-thread task over 50 ms while training', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    const { page: p, byId: id } = await openPage(ctx, server.base);
    // The charts' first drawing (~70 ms, a canvas's first text) belongs to the page's load: wait
    // until it is done, so that it is not counted as training's.
    await p.waitForFunction(() => Number(document.querySelector('.plots-panel .plots')?.dataset.redraws) >= 1, null, { timeout: 30_000 });
    await p.evaluate(() => {
      window.longTasks = [];
      new PerformanceObserver((list) => { for (const e of list.getEntries()) window.longTasks.push(e); })
        .observe({ type: 'longtask' });
    });
    const started = await p.evaluate(() => performance.now());
    await id('train-start').click();
    await id('train-status').filter({ hasText: /^done/ }).waitFor({ timeout: 300_000 });
    const done = await p.evaluate(() => performance.now());
    // The last redraw lands after the last message.
    await p.waitForTimeout(500);
    const tasks = await p.evaluate(() => window.longTasks.map((e) => [e.startTime, e.duration]));
    const longest = Math.max(0, ...tasks.map(([, d]) => d));
    const when = tasks.map(([t, d]) => `${d.toFixed(0)} ms at ${((t - started) / 1000).toFixed(2)} s`).join(', ');
    console.log(`    tasks over 50 ms while training the default set-up (${((done - started) / 1000).toFixed(1)} s): ${tasks.length}, longest ${longest.toFixed(0)} ms (${when})`);
    // Met in 5 runs of 5 on 2 cores with a load of 9; the first drawing on a canvas (~70 ms)
    // happens at load, not here (waited for above: once, a 69 ms task landed 0.3 s into
    // training when the click came before the load's drawing was done).
    assert.deepEqual(tasks, [], `main-thread tasks over 50 ms while training: ${when}`);
    await ctx.close();
  });

  await check('pause then resume gives the result of an uninterrupted run; a crashed worker is restarted with one button', async () => {
    const { page: p, byId: id } = await openPage(context, server.base);
    await id('agents-input').fill('8');
    await id('episodes-input').fill('60');
    const doneText = async () => (await id('train-status').textContent()).replace(/ in [\d.]+ s$/, '');
    await id('train-start').click();
    await id('train-status').filter({ hasText: /^done/ }).waitFor({ timeout: 300_000 });
    const whole = await doneText();
    await id('infer-run').click();
    await id('cs-value').waitFor({ timeout: 30_000 });
    const wholeValue = await id('cs-value').textContent();

    await id('train-start').click();
    await p.waitForFunction(() => Number(document.querySelector('[data-testid="train-progress"]').value) >= 5, null, { timeout: 120_000 });
    await id('train-pause').click();
    await id('train-status').filter({ hasText: /^paused at episode \d+ \/ 60$/ }).waitFor({ timeout: 30_000 });
    const at = await id('train-status').textContent();
    const k = Number(at.match(/episode (\d+)/)[1]);
    assert.equal(Number(await id('train-progress').evaluate((e) => e.value)), k);
    assert.equal(Number(await id('train-progress').evaluate((e) => e.max)), 60);
    assert.match(await id('train-time-left').textContent(), /paused; about \d+ s left/);
    assert.equal(await id('worker-status').textContent(), 'training paused (and ready for other requests)');
    // No episode runs while paused: a second later the run is where it was.
    await p.waitForTimeout(1000);
    assert.equal(await id('train-status').textContent(), at);
    await id('train-resume').click();
    await id('train-status').filter({ hasText: /^done/ }).waitFor({ timeout: 300_000 });
    assert.equal(await doneText(), whole, 'the same ending after the same episodes');
    await id('infer-run').click();
    await id('cs-value').waitFor({ timeout: 30_000 });
    assert.equal(await id('cs-value').textContent(), wholeValue, 'the same leader');

    // A worker that dies (an uncaught error, as a panic or an out-of-memory gives) is reported
    // and replaced, the form and the leader kept.
    const [worker] = p.workers();
    await worker.evaluate(() => { setTimeout(() => { throw new Error('made to crash by the test'); }, 0); });
    await id('worker-restart').waitFor({ timeout: 30_000 });
    await inViewport(id('worker-restart'));
    assert.match(await id('error').textContent(), /the worker crashed .*made to crash by the test/);
    assert.equal(await id('worker-status').textContent(), 'crashed');
    await p.screenshot({ path: join(artifacts, 'worker-crashed.png') });
    await id('worker-restart').click();
    await id('worker-status').filter({ hasText: 'ready' }).waitFor({ timeout: 60_000 });
    assert.equal(await id('worker-restart').count(), 0);
    assert.equal(await id('agents-input').inputValue(), '8');
    assert.equal(await id('episodes-input').inputValue(), '60');
    await id('infer-run').click();
    await id('cs-value').waitFor({ timeout: 30_000 });
    assert.equal(await id('cs-value').textContent(), wholeValue, 'the new worker holds the same leader');
    await p.close();
  });

  await check('a long episode (100 agents, the lookahead scorer) is said to be under way, and Stop is heard inside a merge', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    const { page: p, byId: id } = await openPage(ctx, `${server.base}?agents=100&network=100&episodes=5`);
    await id('train-start').click();
    // Once the replay buffer holds a minibatch, each merge makes updates that value tens of
    // thousands of afterstates (the first, with no backup cached, some 150 000: tens of
    // seconds); the worker makes them a pass at a time and keeps reporting.
    await id('train-time-left').filter({ hasText: /^episode \d of 5 under way: \d+ merges? so far/ }).waitFor({ timeout: 60_000 });
    // Inside an update the merge count stands still, and the note says how much of it is made.
    const note = id('train-time-left').filter({ hasText: /^episode \d of 5 under way: \d+ merges? so far; the network's update \d of 2 after this merge is \d+ % done/ });
    await note.waitFor({ timeout: 60_000 });
    const before = await note.textContent();
    console.log(`    ${before}`);
    await p.waitForFunction((was) => document.querySelector('[data-testid=train-time-left]').textContent !== was, before, { timeout: 10_000 });
    assert.match(await id('train-time-left').textContent(), /^episode \d of 5 under way/, 'no silence, no estimate');
    assert.equal(await id('error').isVisible(), false, 'no hang warning');
    const asked = Date.now();
    await id('train-stop').click();
    // Heard within a pass of the update under way, not at the end of the merge's updates.
    await id('train-status').filter({ hasText: /^done: stopped/ }).waitFor({ timeout: 15_000 });
    console.log(`    stop heard after ${((Date.now() - asked) / 1000).toFixed(2)} s`);
    // The weights follow the run's end, saying where inside the episode it stopped.
    await id('leader-info').filter({ hasText: /stopped inside it/ }).waitFor({ timeout: 30_000 });
    await ctx.close();
  });

  await check('a first visit opens the guided run, which leads through one experiment to its end', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    const { page: p, byId: id } = await openPage(ctx, server.base, { guide: true });
    // "Show me" scrolls to the step's control; the guide's next step then rides in a bar at
    // the bottom of the screen while the guide itself is out of view.
    let barUsed = 0;
    const step = async (k, title) => {
      await id('guide-step').filter({ hasText: `Step ${k} of 6: ${title}` }).waitFor({ timeout: 300_000 });
      if (await id('guide-bar').isVisible()) {
        assert.match(await id('guide-bar').textContent(), new RegExp(`step ${k} of 6: ${title}`));
        await inViewport(id('guide-bar'));
        if (barUsed === 0) {
          // The bar folds into a small button in the corner, which says the step and unfolds it.
          await id('guide-bar-fold').click();
          assert.equal(await id('guide-bar').count(), 0);
          assert.equal(await id('guide-bar-unfold').textContent(), `Guide ${k}/6 ▴`);
          const pill = await id('guide-bar-unfold').boundingBox();
          assert.ok(pill.width < 160 && pill.height < 50, `a small button: ${JSON.stringify(pill)}`);
          await id('guide-bar-unfold').click();
        }
        await id('guide-bar-do').click();
        barUsed += 1;
      } else {
        await id('guide-do').click();
      }
    };
    await step(1, 'An instance and its optimum');
    await id('exact-value').waitFor({ timeout: 30_000 });
    await step(2, 'Train a leader');
    await id('train-status').filter({ hasText: /^done/ }).waitFor({ timeout: 300_000 });
    await step(3, 'Watch its merges');
    await id('cs-value').waitFor({ timeout: 30_000 });
    await step(4, 'Beside the classic algorithms');
    await id('compare-table').waitFor({ timeout: 60_000 });
    await step(5, 'The lower level');
    await step(6, 'The followers play');
    await id('lbf-step').filter({ hasText: /^step [1-9]/ }).waitFor({ timeout: 30_000 });
    await id('guide-step').filter({ hasText: 'The whole path, done.' }).waitFor({ timeout: 300_000 });
    assert.ok(barUsed >= 2, `the guide's bar carried ${barUsed} of the steps`);
    // The end is said where the last step was, not only in the guide far above.
    // (The last step's result is far below the guide, so the guide is out of view here.)
    assert.match(await id('guide-bar').textContent(), /the whole path, done/);
    await inViewport(id('guide-bar'));
    await p.screenshot({ path: join(artifacts, 'guide-done.png'), fullPage: true });
    // Closed, it stays closed on the next visit, and the Guide button brings it back.
    await id('guide-close').click();
    await p.reload();
    await id('worker-status').filter({ hasText: 'ready' }).waitFor({ timeout: 60_000 });
    assert.equal(await id('guide').count(), 0, 'closed once, closed on the next visit');
    await id('guide-open').click();
    await id('guide-step').waitFor({ timeout: 10_000 });
    // The glossary explains the terms the page uses.
    await id('glossary').locator('summary').click();
    assert.match(await id('glossary').textContent(), /Q-value/);
    // Every distribution's parameters, in the words of their fields' tooltips.
    assert.equal(await id('glossary-parameters').locator('li').count(), 6);
    assert.equal(await id('glossary-parameters').locator('li').filter({ hasText: 'modified_normal' }).first().textContent(),
      'modified_normal — scale: base value has mean scale·k; sd: standard deviation of the base value; p: probability of a boost; boost: a boost is U(0, boost).');
    await ctx.close();
  });

  await check('several seeds at once: one worker each, the band on the v(CS) plot, several only for a new leader', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    const { page: p, byId: id } = await openPage(ctx, `${server.base}?agents=8&episodes=40`);
    const cores = await p.evaluate(() => navigator.hardwareConcurrency);
    assert.match(await p.locator('label', { has: id('seeds-input') }).textContent(), new RegExp(`Seeds at once \\(1-${Math.min(Math.max(cores, 1), 8)}\\)`));
    await id('seeds-input').fill('2');
    // The link carries it, like the rest of the set-up.
    await p.waitForFunction(() => new URL(location.href).searchParams.get('seeds') === '2');
    const started = Date.now();
    await id('train-start').click();
    await id('train-status').filter({ hasText: /other seeds: 1 of 1 done/ }).waitFor({ timeout: 300_000 });
    console.log(`    2 seeds × 40 episodes at 8 agents in ${((Date.now() - started) / 1000).toFixed(1)} s on ${cores} cores`);
    await id('train-status').filter({ hasText: /^done/ }).waitFor({ timeout: 300_000 });
    // Each seed in a row: its training seed (the form's, then the next), 40 episodes each.
    // Each extra seed's weights come after its run's end: its button shows then.
    await id('seed-table').locator('tr').nth(2).getByTestId('seed-use').waitFor({ timeout: 20_000 });
    const rows = await id('seed-table').locator('tr').allTextContents();
    assert.equal(rows.length, 3, rows.join(' | '));
    assert.match(rows[1], /^1 \(the page's leader\)40\d/);
    assert.doesNotMatch(rows[1], /use this leader/);
    assert.match(rows[2], /^240\d.*use this leader$/);
    await p.screenshot({ path: join(artifacts, 'seeds.png') });
    // Any seed's leader can be the page's: seed 2's swapped in, then seed 1's back.
    await id('seed-table').locator('tr').nth(2).getByTestId('seed-use').click();
    await id('seed-table').locator('tr').nth(2).filter({ hasText: /^2 \(the page's leader\)/ }).waitFor({ timeout: 20_000 });
    assert.match(await id('seed-table').locator('tr').nth(1).textContent(), /^140\d.*use this leader$/);
    // The leader panel says which seed trained the leader held.
    assert.match(await id('leader-info').textContent(), /seed 1, training seed 2, 40 episodes/);
    await id('infer-run').click();
    await id('cs-value').waitFor({ timeout: 20_000 });
    await id('seed-table').locator('tr').nth(1).getByTestId('seed-use').click();
    await id('seed-table').locator('tr').nth(1).filter({ hasText: /^1 \(the page's leader\)/ }).waitFor({ timeout: 20_000 });
    assert.doesNotMatch(await id('leader-info').textContent(), /training seed/);
    // Several seeds train new leaders; continuing one leader takes one seed.
    await errorInView('train-continue', /several seeds train new leaders side by side; give 1/, 'seeds-input', id, p);
    await ctx.close();
  });

  await check('at 80 agents the merge viewer draws coalitions as groups, folds the matrix and lists the top ten', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    // The paper's additive scorer: the lookahead one values every candidate merge's structure,
    // minutes per episode at 80 agents.
    const { page: p, byId: id } = await openPage(ctx, `${server.base}?agents=80&episodes=3&scorer=additive`);
    assert.equal(await id('slow-hint').count(), 0);
    await id('scorer-select').selectOption('lookahead');
    assert.match(await id('slow-hint').textContent(), /At 80 agents the lookahead scorer takes seconds to minutes per episode/);
    await id('scorer-select').selectOption('additive');
    await id('train-start').click();
    await id('train-status').filter({ hasText: /^done/ }).waitFor({ timeout: 300_000 });
    await id('infer-run').click();
    await id('cs-value').waitFor({ timeout: 60_000 });
    await id('merge-step-next').focus();
    await p.keyboard.press('End');
    // Coalitions of several agents as discs on the ring; the agents alone as one disc that
    // counts them.
    const lone = id('coalition-groups').locator('circle.alone');
    const alone = (await lone.count()) ? Number(await lone.getAttribute('data-alone')) : 0;
    const coalitions = await id('coalition-groups').locator('circle:not(.alone)').count() + alone;
    assert.ok(coalitions >= 1 && coalitions <= 80, `${coalitions} coalitions`);
    await p.keyboard.press('Home');
    assert.deepEqual(await id('coalition-groups').locator('circle').evaluateAll((cs) => cs.map((c) => c.dataset.alone)), ['80'],
      'the first state: 80 agents alone in one disc');
    await p.keyboard.press('End');
    // One block per coalition on the background: the matrix folded.
    assert.equal(await id('adjacency').locator('rect').count(), coalitions + 1);
    await p.keyboard.press('Home');
    // The header, at most ten candidates, and stopping.
    assert.ok(await id('merge-candidates').locator('tr').count() <= 12);
    await p.screenshot({ path: join(artifacts, 'large-viewer.png') });
    await ctx.close();
  });

  await check('the built-in examples: a trained leader and a foraging episode, one click each', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    const { page: p, byId: id } = await openPage(ctx, server.base);
    // A class's instance of 12 agents: the example leader takes at most 10. Loading it leaves
    // the instance alone, says so beside the leader, and offers to come down to 10.
    await id('agents-input').fill('12');
    await id('example-leader').click();
    await id('leader-info').filter({ hasText: /example leader/ }).waitFor({ timeout: 30_000 });
    // The click shows where to go on: "Run the leader", in view and focused.
    await p.waitForFunction(() => document.activeElement?.dataset?.testid === 'infer-run', null, { timeout: 10_000 });
    await inViewport(id('infer-run'));
    await id('leader-too-small').filter({ hasText: 'This leader takes at most 10 agents and the instance has 12' }).waitFor({ timeout: 10_000 });
    assert.equal(await id('agents-input').inputValue(), '12');
    await id('leader-fit-agents').click();
    assert.equal(await id('agents-input').inputValue(), '10');
    assert.equal(await id('leader-too-small').count(), 0);
    await id('infer-run').click();
    await id('cs-value').waitFor({ timeout: 30_000 });
    // The same leader and instance as `bridge train --dist modified_normal --agents 10 --seed 1`.
    assert.equal(Number(await id('cs-value').textContent()), 253.13401875992554);
    await id('example-lbf').click();
    await id('lbf-check').filter({ hasText: /reproduces the recording: 11 steps/ }).waitFor({ timeout: 30_000 });
    // The recording's own grid, which the configuration chosen above does not describe.
    assert.equal(await id('lbf-recorded').textContent(),
      'A recorded episode, not the configuration chosen above: its own 8 × 8 grid and 2 players, coloured only to tell them apart (it has no coalitions).');
    await ctx.close();
  });

  await check('the set-up lives in the URL: reload, back and forward, copy link; a link opened in a fresh browser gives the same cs-value', async () => {
    const first = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    await first.grantPermissions(['clipboard-read', 'clipboard-write']);
    const { page: p, byId: id } = await openPage(first, `${server.base}?agents=9&seed=5&episodes=40`);
    assert.equal(await id('agents-input').inputValue(), '9');
    assert.equal(await id('seed-input').inputValue(), '5');
    assert.equal(await id('network-input').inputValue(), '9', 'the network size follows the linked agents');
    assert.equal(await id('episodes-input').inputValue(), '40');
    await id('train-start').click();
    await id('train-status').filter({ hasText: /^done/ }).waitFor({ timeout: 300_000 });
    await id('infer-run').click();
    await id('cs-value').waitFor({ timeout: 30_000 });
    const value = await id('cs-value').textContent();
    const link = await id('share-link').inputValue();
    assert.match(link, /[?&]agents=9(&|$)/);
    assert.match(link, /[?&]scorer=lookahead(&|$)/);
    await id('copy-link').click();
    await p.getByText('link copied').waitFor({ timeout: 10_000 });
    assert.equal(await p.evaluate(() => navigator.clipboard.readText()), link);
    // Another instance (typed, or by Back) leaves no rollout behind, and the viewer's controls
    // say so rather than offer a step back from nowhere.
    await id('merge-step-next').click();
    await id('agents-input').fill('10');
    assert.ok(await id('merge-step-back').isDisabled(), 'no step to go back to');
    await p.waitForFunction(() => new URLSearchParams(location.search).get('agents') === '10', null, { timeout: 10_000 });
    await p.goBack();
    await p.waitForFunction(() => document.querySelector('[data-testid="agents-input"]').value === '9', null, { timeout: 10_000 });
    assert.equal(await id('merge-step').textContent(), '');
    assert.ok(await id('merge-step-back').isDisabled() && await id('merge-reset').isDisabled(), 'no step to go back to');

    await p.reload();
    await id('worker-status').filter({ hasText: 'ready' }).waitFor({ timeout: 60_000 });
    assert.equal(await id('agents-input').inputValue(), '9', 'a reload keeps the set-up');
    assert.equal(await id('seed-input').inputValue(), '5');
    // ... and, in this tab, the leader trained here, which gives the same rollout.
    await id('train-status').filter({ hasText: /^the leader trained here before the page was reloaded/ }).waitFor({ timeout: 30_000 });
    await id('infer-run').click();
    await id('cs-value').waitFor({ timeout: 30_000 });
    assert.equal(await id('cs-value').textContent(), value, 'the same leader after the reload');
    await id('agents-input').fill('11');
    await p.waitForFunction(() => new URLSearchParams(location.search).get('agents') === '11', null, { timeout: 10_000 });
    await p.goBack();
    await p.waitForFunction(() => document.querySelector('[data-testid="agents-input"]').value === '9', null, { timeout: 10_000 });
    await p.goForward();
    await p.waitForFunction(() => document.querySelector('[data-testid="agents-input"]').value === '11', null, { timeout: 10_000 });
    await first.close();

    // The LBF panel's form travels too, its custom grid included.
    const lbf = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    const grid = await openPage(lbf, `${server.base}?lbf=custom&lbf.side=7&lbf.cost=0.5&lbf.episodes=4`);
    assert.equal(await grid.byId('lbf-config-select').inputValue(), 'custom');
    assert.equal(await grid.byId('lbf-side-input').inputValue(), '7');
    assert.equal(await grid.byId('lbf-cost-input').inputValue(), '0.5');
    assert.equal(await grid.byId('lbf-episodes-input').inputValue(), '4');
    assert.match(await grid.byId('share-link').inputValue(), /[?&]lbf=custom&.*lbf\.side=7(&|$)/);
    // A mistake in the form travels in the link as typed: copying says so.
    await grid.byId('lbf-epochs-input').fill('x');
    await grid.byId('copy-link').click();
    await grid.page.getByText(/the form has a mistake the link keeps: follower epochs/).waitFor({ timeout: 10_000 });
    // A set-up fine for all but training (more agents than the network size typed) is no
    // mistake: copying says training would refuse it.
    await grid.byId('lbf-epochs-input').fill('10');
    await grid.byId('network-input').fill('10');
    await grid.byId('agents-input').fill('50');
    await grid.byId('copy-link').click();
    await grid.page.getByText(/; note that training this set-up would be refused: network size: 10 is smaller than the 50 agents/).waitFor({ timeout: 10_000 });
    await lbf.close();

    const fresh = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    const other = await openPage(fresh, link);
    assert.equal(await other.byId('agents-input').inputValue(), '9');
    await other.byId('train-start').click();
    await other.byId('train-status').filter({ hasText: /^done/ }).waitFor({ timeout: 300_000 });
    await other.byId('infer-run').click();
    await other.byId('cs-value').waitFor({ timeout: 30_000 });
    assert.equal(await other.byId('cs-value').textContent(), value, 'the same experiment, the same result');
    await fresh.close();
  });

  await check('one screen on a projector (1280×720) and nothing wider than a phone (390×844); no serious axe-core violation', async () => {
    for (const [width, height, name, density] of [[1280, 720, 'projector', 1], [390, 844, 'phone', 2]]) {
      const ctx = await browser.newContext({ viewport: { width, height }, deviceScaleFactor: density });
      const { page: p, byId: id } = await openPage(ctx, `${server.base}?agents=8&episodes=30`);
      // The curves are drawn at the screen's density, sharp on a phone.
      assert.deepEqual(await id('plot-value').evaluate((c) => [c.width, c.height]), [330 * density, 170 * density]);
      await id('train-start').click();
      await id('train-status').filter({ hasText: /^done/ }).waitFor({ timeout: 300_000 });
      await id('infer-run').click();
      await id('cs-value').waitFor({ timeout: 30_000 });
      await id('compare-run').click();
      await id('compare-table').waitFor({ timeout: 60_000 });
      await p.evaluate(() => window.scrollTo(0, 0));
      await p.screenshot({ path: join(artifacts, `layout-${name}.png`) });
      await p.screenshot({ path: join(artifacts, `layout-${name}-full.png`), fullPage: true });
      // Nothing reaches past the screen's edge, but what scrolls inside a box that fits (a
      // wide table in its own scroller).
      const wide = await p.evaluate(() => [...document.querySelectorAll('body *')]
        .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 0.5 && !e.closest('.machine'))
        .filter((e) => {
          for (let a = e.parentElement; a; a = a.parentElement) {
            if (['auto', 'scroll'].includes(getComputedStyle(a).overflowX)) return a.getBoundingClientRect().right > window.innerWidth + 0.5;
          }
          return true;
        })
        .map((e) => `${e.tagName.toLowerCase()}.${e.className?.baseVal ?? e.className} ${Math.round(e.getBoundingClientRect().right)}`));
      assert.deepEqual(wide, [], `elements wider than the ${name}'s ${width} px`);
      assert.ok(await p.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'no horizontal scroll');
      if (name === 'projector') {
        // The set-up, the curves and the merge viewer on one screen, without scrolling.
        for (const hook of ['agents-input', 'train-start', 'plot-reward', 'plot-value', 'infer-run', 'merge-step-next']) {
          await inViewport(id(hook));
        }
      }
      // No serious or critical accessibility violation (axe-core), the glossary open too.
      await id('glossary').locator('summary').click();
      await p.addScriptTag({ path: join(root, 'tests', 'e2e', 'node_modules', 'axe-core', 'axe.min.js') });
      const axe = await p.evaluate(() => axe.run(document, { resultTypes: ['violations'] }));
      const serious = axe.violations.filter((v) => ['serious', 'critical'].includes(v.impact))
        .map((v) => `${v.impact} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
      assert.deepEqual(serious, [], `axe-core at ${name}`);
      await ctx.close();
    }
  });

  await check('the grid\'s results fit a phone (390×844): the leader\'s merges table is no wider than the screen', async () => {
    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const { page: p, byId: id } = await openPage(ctx, server.base);
    await id('lbf-config-select').selectOption('teaching');
    await id('lbf-train-start').click();
    await id('train-status').filter({ hasText: /done: 30 leader episodes/ }).waitFor({ timeout: 300_000 });
    await id('lbf-merge-step').scrollIntoViewIfNeeded();
    await p.screenshot({ path: join(artifacts, 'layout-phone-grid.png') });
    const right = await p.evaluate(() => Math.max(...[...document.querySelectorAll('table')].map((t) => t.getBoundingClientRect().right)));
    assert.ok(right <= 390.5, `a table reaches ${right} px`);
    assert.ok(await p.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'no horizontal scroll');
    await ctx.close();
  });

  await check('after one visit the page opens and trains with the network off (service worker)', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    const { page: p, byId: id } = await openPage(ctx, `${server.base}?agents=6&episodes=10`);
    await p.evaluate(() => navigator.serviceWorker.ready);
    await p.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 30_000 });
    const cache = await p.evaluate(() => caches.keys());
    assert.equal(cache.length, 1);
    assert.match(cache[0], /^bridge-lab-[0-9a-f]{16}$/, 'the cache is named after the build');
    await ctx.setOffline(true);
    await p.reload();
    await id('worker-status').filter({ hasText: 'ready' }).waitFor({ timeout: 60_000 });
    assert.equal(await id('agents-input').inputValue(), '6', 'the set-up came back with the page');
    await id('train-start').click();
    await id('train-status').filter({ hasText: 'done: finished after 10 episodes' }).waitFor({ timeout: 120_000 });
    await id('infer-run').click();
    await id('cs-value').waitFor({ timeout: 30_000 });
    await ctx.close();
  });

  await check('uploaded weights update everything that describes the leader', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 720 }, acceptDownloads: true });
    const a = await openPage(ctx, `${server.base}?agents=6&episodes=5&hidden=32&scorer=additive`);
    await a.byId('train-start').click();
    await a.byId('train-status').filter({ hasText: 'done: finished after 5 episodes' }).waitFor({ timeout: 120_000 });
    const [download] = await Promise.all([a.page.waitForEvent('download'), a.byId('weights-download').click()]);
    const file = join(artifacts, 'classroom-leader.safetensors');
    await download.saveAs(file);
    const b = await openPage(ctx, server.base);
    assert.equal(await b.byId('scorer-select').inputValue(), 'lookahead');
    await b.byId('weights-upload').setInputFiles(file);
    await b.byId('leader-info').filter({ hasText: 'classroom-leader.safetensors' }).waitFor({ timeout: 30_000 });
    assert.equal(await b.byId('scorer-select').inputValue(), 'additive');
    assert.equal(await b.byId('hidden-input').inputValue(), '32');
    assert.equal(await b.byId('network-input').inputValue(), '6');
    assert.match(await b.byId('train-status').textContent(), /the leader comes from classroom-leader\.safetensors/);
    await ctx.close();
  });

  await check('the page is usable before the worker has loaded: a Train click then is kept and trains', async () => {
    // The worker's wasm held back 3 s, as on a slow network; the panel shows without it.
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    await ctx.addInitScript(() => localStorage.setItem('bridge-lab-guide-closed', '1'));
    await ctx.route('**/worker_bg.wasm', async (route) => {
      await new Promise((r) => setTimeout(r, 3000));
      await route.continue();
    });
    const p = await ctx.newPage();
    await p.goto(`${server.base}?agents=6&episodes=5`);
    const id = (x) => p.locator(`[data-testid="${x}"]`);
    await id('train-start').click();
    assert.match(await id('worker-status').textContent(), /starting/);
    await id('train-status').filter({ hasText: 'done: finished after 5 episodes' }).waitFor({ timeout: 120_000 });
    await ctx.close();
  });

  await check('a worker whose wasm cannot be fetched is reported as crashed, with the reason', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    await ctx.addInitScript(() => localStorage.setItem('bridge-lab-guide-closed', '1'));
    await ctx.route('**/worker_bg.wasm', (route) => route.fulfill({ status: 404, body: 'gone' }));
    const p = await ctx.newPage();
    await p.goto(server.base);
    const id = (x) => p.locator(`[data-testid="${x}"]`);
    await id('worker-status').filter({ hasText: 'crashed' }).waitFor({ timeout: 30_000 });
    assert.match(await id('error').textContent(), /the worker crashed \(.*404.*\); press "Restart the worker"/);
    await ctx.close();
  });

  await check('the console has no errors', async () => {
    assert.deepEqual(consoleErrors, []);
  });
} finally {
  await browser.close();
  server.close();
}
finish();
