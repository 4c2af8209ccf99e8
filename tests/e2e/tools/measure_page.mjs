// How the dashboard copes with many devices: opens the page in Debian's headless
// Chromium against a running gateway and prints, as JSON:
//   load_ms        navigation until the counters add up to the expected device count
//   busy_fraction  main-thread long tasks (>50 ms) per wall second over the watch period
//   worst_task_ms  the longest of them
//   lag_ms         after the watch: how long until the page's counters match /api/devices
//
//   node measure_page.mjs URL DEVICES [WATCH_SECONDS]
// (run willgate-sim against the gateway meanwhile to make devices come and go).
import { chromium } from 'playwright-core';

const [url, expectedText, watchText = '20'] = process.argv.slice(2);
if (!url || !expectedText) {
  console.error('usage: node measure_page.mjs URL DEVICES [WATCH_SECONDS]');
  process.exit(2);
}
const expected = Number(expectedText);
const watchMs = Number(watchText) * 1000;

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
         '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.addInitScript(() => {
    window.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) window.__longTasks.push(entry.duration);
    }).observe({ type: 'longtask', buffered: true });
  });
  const counts = () => page.evaluate(() =>
    Number(document.getElementById('count-online').textContent) +
    Number(document.getElementById('count-offline').textContent));
  const started = Date.now();
  await page.goto(url);
  while ((await counts()) < expected) {
    if (Date.now() - started > 120000) throw new Error(`only ${await counts()} of ${expected} devices after 120 s`);
    await page.waitForTimeout(50);
  }
  const loadMs = Date.now() - started;
  await page.evaluate(() => { window.__longTasks = []; });
  await page.waitForTimeout(watchMs);
  const tasks = await page.evaluate(() => window.__longTasks);
  const lagStarted = Date.now();
  let lagMs = null;
  while (Date.now() - lagStarted < 30000) {
    const api = await page.evaluate(async () => {
      const body = await (await fetch('/api/devices')).json();
      return { online: body.online, offline: body.offline };
    });
    const shown = await page.evaluate(() => ({
      online: Number(document.getElementById('count-online').textContent),
      offline: Number(document.getElementById('count-offline').textContent),
    }));
    if (api.online === shown.online && api.offline === shown.offline) { lagMs = Date.now() - lagStarted; break; }
    await page.waitForTimeout(100);
  }
  const busy = tasks.reduce((a, b) => a + b, 0);
  console.log(JSON.stringify({
    devices: expected, load_ms: loadMs, busy_fraction: +(busy / watchMs).toFixed(3),
    worst_task_ms: Math.round(Math.max(0, ...tasks)), long_tasks: tasks.length, lag_ms: lagMs,
  }));
} finally {
  await browser.close();
}
