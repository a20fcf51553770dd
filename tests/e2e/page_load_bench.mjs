// How soon a first visit can use the page (a benchmark, run by scripts/bench.sh, never by the
// tests): the built app (dist/) opened in a fresh browser context (nothing cached, no service
// worker) several times, reporting for each visit the milliseconds from navigation start to
//   html     the document parsed (DOMContentLoaded),
//   panel    the first panel usable: the set-up form and its "Train" button rendered by the
//            page's wasm (a click is then heard: a request made before the worker is ready waits
//            for it),
//   worker   the worker's `Ready` (its wasm fetched, compiled and started),
// and the median of each. Issue 13's target: the first panel usable within 1 s.
//
//   node tests/e2e/page_load_bench.mjs [visits]

import { artifacts, launch, serve } from './harness.mjs';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const visits = Number(process.argv[2] ?? 5);
const server = await serve();
const browser = await launch();
const rows = [];
try {
  for (let i = 0; i < visits; i++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    await context.addInitScript(() => {
      localStorage.setItem('bridge-lab-guide-closed', '1');
      window.__marks = {};
      document.addEventListener('DOMContentLoaded', () => { window.__marks.html = performance.now(); });
      const watch = () => {
        const button = document.querySelector('[data-testid="train-start"]');
        if (window.__marks.panel === undefined && button && !button.disabled) window.__marks.panel = performance.now();
        const status = document.querySelector('[data-testid="worker-status"]');
        if (window.__marks.worker === undefined && status && status.textContent.includes('ready')) window.__marks.worker = performance.now();
      };
      new MutationObserver(watch).observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
    });
    const page = await context.newPage();
    await page.goto(server.base);
    await page.locator('[data-testid="worker-status"]').filter({ hasText: 'ready' }).waitFor({ timeout: 60_000 });
    const marks = await page.evaluate(() => window.__marks);
    rows.push(marks);
    console.log(`visit ${i + 1}: html ${marks.html.toFixed(0)} ms, panel ${marks.panel.toFixed(0)} ms, worker ${marks.worker.toFixed(0)} ms`);
    await context.close();
  }
} finally {
  await browser.close();
  server.close();
}
const median = (key) => {
  const v = rows.map((r) => r[key]).sort((a, b) => a - b);
  return v[Math.floor(v.length / 2)];
};
for (const key of ['html', 'panel', 'worker']) console.log(`bench page_load_${key} ${median(key).toFixed(0)} ms (median of ${rows.length} first visits)`);
writeFileSync(join(artifacts, 'page-load-bench.json'), JSON.stringify(rows, null, 2));
