// The bi-level trainer's wall time in the page (a benchmark, run by scripts/bench.sh, never by
// the tests): the built app (dist/) in headless Chromium trains BRIDGE with the page's defaults
// (30 leader episodes, K = 10) on each configuration named on the command line (default:
// teaching and 6a4t), and reports the seconds from the button to `done`, the structures
// trained, and the longest main-thread task seen meanwhile (the page must stay responsive).
//
//   node tests/e2e/page_lbf_bench.mjs [teaching 6a4t ...]

import { artifacts, launch, openPage, serve } from './harness.mjs';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const configs = process.argv.slice(2).length ? process.argv.slice(2) : ['teaching', '6a4t'];
const server = await serve();
const browser = await launch();
const rows = [];
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const { page, byId } = await openPage(context, server.base);
  await page.evaluate(() => {
    window.__longest = 0;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__longest = Math.max(window.__longest, e.duration);
    }).observe({ type: 'longtask', buffered: false });
  });
  for (const config of configs) {
    await byId('lbf-config-select').selectOption(config);
    await page.evaluate(() => { window.__longest = 0; });
    const started = Date.now();
    await byId('lbf-train-start').click();
    await byId('train-status').filter({ hasText: /done: \d+ leader episodes/ }).waitFor({ timeout: 3_600_000 });
    const seconds = (Date.now() - started) / 1000;
    const status = await byId('train-status').textContent();
    const trainings = Number(status.match(/(\d+) structures? trained/)[1]);
    const longest = await page.evaluate(() => window.__longest);
    const value = Number((await byId('lbf-value').textContent()).trim());
    rows.push({ config, seconds, trainings, value, longest_task_ms: longest });
    console.log(`bench page_lbf_${config} ${seconds.toFixed(1)} s, ${trainings} structures trained, V(CS) ${value.toFixed(2)}, longest main-thread task ${longest.toFixed(0)} ms`);
  }
} finally {
  await browser.close();
  server.close();
}
writeFileSync(join(artifacts, 'page-lbf-bench.json'), JSON.stringify(rows, null, 2));
