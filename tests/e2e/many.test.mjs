// Many devices: the table shows the first 500 rows and "Show more" adds the rest; the counters
// and search cover every device, not only the rows in the page.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { Browser, Gateway, Scope, Simulator, counts, deadline, tableRows } from './harness.mjs';

test('many devices: 500 rows at a time, counters and search over all', { timeout: deadline(120000) }, async (t) => {
  const scope = new Scope();
  t.after(() => scope.close());
  const gateway = await new Gateway(scope).start();
  new Simulator(gateway, ['--devices', '620', '--rate', '0', '--kill-fraction', '0', '--connect-rate', '2000',
    '--client-prefix', 'node-', '--status-interval', '60']);
  const browser = await new Browser(scope).launch();
  const page = await browser.page(gateway.url + '/');
  await page.waitForFunction(() => Number(document.getElementById('count-online').textContent) === 620,
    null, { timeout: deadline(20000) });
  assert.deepEqual(await counts(page), { online: 620, offline: 0 });

  const rows = await tableRows(page);
  assert.equal(rows.length, 500);
  assert.equal(rows[0][0], 'node-0001');
  assert.equal(rows[499][0], 'node-0500');
  assert.equal(await page.textContent('#shown'), '500 of 620 shown');
  assert.equal(await page.isVisible('#more'), true);
  assert.equal(await page.textContent('#more'), 'Show 120 more');

  await page.click('#more');
  await page.waitForFunction(() => document.querySelectorAll('#devices tbody tr').length === 620,
    null, { timeout: deadline(5000) });
  assert.equal(await page.isVisible('#more'), false);
  assert.equal(await page.textContent('#shown'), '');

  // Search reaches devices beyond the first page, and starts again from 500 rows.
  await page.fill('#search', 'node-0610');
  await page.waitForFunction(() => document.querySelectorAll('#devices tbody tr').length === 1,
    null, { timeout: deadline(5000) });
  assert.equal((await tableRows(page))[0][0], 'node-0610');
});
