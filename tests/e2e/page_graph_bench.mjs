// The graph leader in the page against the command line (a benchmark, run by scripts/bench.sh,
// never by the tests): the built app (dist/) in headless Chromium trains the graph leader for
// EPISODES episodes (default 300) on 10..60 agents of all six distributions, seed 0, and
// `bridge train --network graph` does the same natively, one after the other; then the trained
// file's search (`bridge solve`'s: the greedy rollout and C-Link's) at 100 and 1000 agents in
// the page's worker, read from the solution file's `seconds`, against the command line's.
//
//   node tests/e2e/page_graph_bench.mjs [EPISODES]

import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { artifacts, bridge, download, launch, openPage, serve } from './harness.mjs';

const episodes = Number(process.argv[2] ?? 300);
const server = await serve();
const browser = await launch();
const out = {};
try {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 720 }, acceptDownloads: true });
  const { page, byId } = await openPage(ctx, `${server.base}?leader=graph&episodes=${episodes}&gsizes=10..60&seed=0`);
  await byId('train-start').click();
  await byId('train-status').filter({ hasText: /^done/ }).waitFor({ timeout: 3_600_000 });
  const status = await byId('train-status').textContent();
  out.page_training_s = Number(status.match(/in ([\d.]+) s/)[1]);
  const weights = await download(page, 'weights-download', 'graph-bench.safetensors');
  const start = Date.now();
  execFileSync(bridge, ['train', '--network', 'graph', '--episodes', String(episodes), '--seed', '0',
    '--out', join(artifacts, 'graph-bench-native.safetensors')], { stdio: 'ignore' });
  out.native_training_s = (Date.now() - start) / 1000;
  console.log(`bench page_graph_training ${episodes} episodes: page ${out.page_training_s.toFixed(1)} s, native ${out.native_training_s.toFixed(1)} s, ratio ${(out.page_training_s / out.native_training_s).toFixed(2)}`);
  for (const n of [100, 1000]) {
    await byId('agents-input').fill(String(n));
    await byId('infer-run').click();
    await byId('cs-value').waitFor({ timeout: 300_000 });
    const solution = JSON.parse(readFileSync(await download(page, 'solution-download', `graph-bench-${n}.json`), 'utf8'));
    const cli = JSON.parse(execFileSync(bridge, ['solve', '--algo', 'bridge', '--weights', weights, '--dist', 'modified_normal',
      '--agents', String(n), '--seed', '0'], { encoding: 'utf8', maxBuffer: 1 << 26 }));
    out[`page_search_${n}_ms`] = solution.seconds * 1000;
    out[`native_search_${n}_ms`] = cli.seconds * 1000;
    console.log(`bench page_graph_search_${n} page ${(solution.seconds * 1000).toFixed(1)} ms, native ${(cli.seconds * 1000).toFixed(1)} ms, ratio ${(solution.seconds / cli.seconds).toFixed(2)}`);
    await byId('infer-run').waitFor();
  }
} finally {
  await browser.close();
  server.close();
}
writeFileSync(join(artifacts, 'page-graph-bench.json'), JSON.stringify(out, null, 2));
