// The device table: search, the online/offline filter and sorting by a column.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { Browser, Gateway, Scope, counts, deadline, tableRows, waitForRow } from './harness.mjs';

const ids = async (page) => (await tableRows(page)).map((cells) => cells[0]);

test('table: search, filter and sort', { timeout: deadline(120000) }, async (t) => {
  const scope = new Scope();
  t.after(() => scope.close());
  const gateway = await new Gateway(scope).start();
  const browser = await new Browser(scope).launch();
  const page = await browser.page(gateway.url + '/');
  await page.waitForFunction(() => document.getElementById('live').textContent === 'live');

  // Connected in this order, so "since" sorts meter, pump, valve.
  await gateway.device('meter-01', { will: 'site/meter-01/will' });
  await waitForRow(page, 'meter-01', 'online');
  const pump = await gateway.device('pump-02', { will: 'site/pump-02/will' });
  await waitForRow(page, 'pump-02', 'online');
  await gateway.device('valve-03', { will: 'site/valve-03/will' });
  await waitForRow(page, 'valve-03', 'online');
  await pump.kill();
  await waitForRow(page, 'pump-02', 'offline');
  assert.deepEqual(await counts(page), { online: 2, offline: 1 });
  assert.deepEqual(await ids(page), ['meter-01', 'pump-02', 'valve-03'], 'sorted by client id at first');
  assert.equal(await page.textContent('#shown'), '');

  const shows = async (expected) => {
    await page.waitForFunction((want) => [...document.querySelectorAll('#devices tbody tr')]
      .map((row) => row.cells[0].textContent).join('\n') === want.join('\n'), expected, { timeout: deadline(5000) })
      .catch(async () => assert.deepEqual(await ids(page), expected));
  };

  // Search: by client id (any case), by Will topic, by peer; nothing found.
  await page.fill('#search', 'PUMP');
  await shows(['pump-02']);
  assert.equal(await page.textContent('#shown'), '1 of 3 shown');
  await page.fill('#search', 'site/valve');
  await shows(['valve-03']);
  await page.fill('#search', '127.0.0.1');
  await shows(['meter-01', 'pump-02', 'valve-03']);
  await page.fill('#search', 'no such device');
  await shows([]);
  assert.equal(await page.textContent('#shown'), '0 of 3 shown');
  await page.fill('#search', '');
  await shows(['meter-01', 'pump-02', 'valve-03']);

  // Filter.
  await page.selectOption('#filter', 'online');
  await shows(['meter-01', 'valve-03']);
  assert.equal(await page.textContent('#shown'), '2 of 3 shown');
  await page.selectOption('#filter', 'offline');
  await shows(['pump-02']);
  // Filter and search together.
  await page.fill('#search', 'meter');
  await shows([]);
  await page.selectOption('#filter', 'all');
  await shows(['meter-01']);
  await page.fill('#search', '');
  await shows(['meter-01', 'pump-02', 'valve-03']);

  // Sort: a second click on the sorted column reverses it; another column sorts by it.
  await page.click('#devices th[data-key=client_id]');
  await shows(['valve-03', 'pump-02', 'meter-01']);
  assert.equal(await page.getAttribute('#devices th[data-key=client_id]', 'class'), 'sorted-desc');
  await page.click('#devices th[data-key=state]');
  await shows(['meter-01', 'valve-03', 'pump-02']);  // online first, then by client id
  await page.click('#devices th[data-key=state]');
  await shows(['pump-02', 'meter-01', 'valve-03']);  // offline first
  await page.click('#devices th[data-key=last_cause]');
  await shows(['meter-01', 'valve-03', 'pump-02']);  // no cause yet, then peer-closed
  // "Since" is when a device came online or went offline: pump-02 went offline last.
  await page.click('#devices th[data-key=since_ms]');
  await shows(['meter-01', 'valve-03', 'pump-02']);
  await page.click('#devices th[data-key=since_ms]');
  await shows(['pump-02', 'valve-03', 'meter-01']);
  assert.equal(await page.getAttribute('#devices th[data-key=since_ms]', 'class'), 'sorted-desc');
  assert.equal(await page.getAttribute('#devices th[data-key=client_id]', 'class'), '');

  assert.deepEqual(browser.dialogs, []);
  assert.deepEqual(browser.pageErrors, []);
  assert.deepEqual(browser.consoleErrors, []);
  await browser.close();
  assert.equal(await gateway.stop(), 0);
});
