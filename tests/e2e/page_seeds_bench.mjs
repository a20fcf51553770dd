// Several seeds at once in the page (a benchmark, run by scripts/bench.sh, never by the tests):
// the page's default training (our settings, 300 episodes) on the default instance (modified
// normal, 10 agents, seed 1, uploaded as a file so that the seed field sets the training seed
// only) with training seed 1 alone, seed 2 alone, then both at once (seeds-input = 2, one
// worker each, seeds 1 and 2); prints the wall times and the ratio of "at once" to "one after
// another" (target: at most 0.6 on 2 cores). Needs target/release/bridge.
//
//   node tests/e2e/page_seeds_bench.mjs

import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { artifacts, launch, openPage, root, serve } from './harness.mjs';

const instance = join(artifacts, 'seeds-bench-instance.json');
execFileSync(join(root, 'target', 'release', 'bridge'),
  ['gen', '--dist', 'modified_normal', '--agents', '10', '--seed', '1', '--out', instance]);
const server = await serve();
const browser = await launch();
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const cores = await (await context.newPage()).evaluate(() => navigator.hardwareConcurrency);
  const time = async (seed, seeds) => {
    const { page, byId } = await openPage(context, `${server.base}?seed=${seed}`);
    await byId('instance-upload').setInputFiles(instance);
    await byId('seeds-input').fill(String(seeds));
    const started = Date.now();
    await byId('train-start').click();
    await byId('train-status').filter({ hasText: /^done/ }).waitFor({ timeout: 600_000 });
    if (seeds > 1) {
      await byId('train-status').filter({ hasText: new RegExp(`other seeds: ${seeds - 1} of ${seeds - 1} done`) })
        .waitFor({ timeout: 600_000 });
    }
    const seconds = (Date.now() - started) / 1000;
    await page.close();
    return seconds;
  };
  const one = await time(1, 1);
  const two = await time(2, 1);
  const both = await time(1, 2);
  console.log(`bench page_seeds seed 1 alone ${one.toFixed(1)} s, seed 2 alone ${two.toFixed(1)} s, both at once ${both.toFixed(1)} s: ratio ${(both / (one + two)).toFixed(2)} on ${cores} cores`);
} finally {
  await browser.close();
  server.close();
}
