// Live updates without reloading: a device appears online, goes offline within 2 seconds of
// losing its connection (cause, Will topic, counters), and its device view shows the Will and
// the timeline.
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { test } from 'node:test';

import { Browser, Gateway, OFFLINE_WITHIN_MS, Scope, counts, deadline, logIn, passwordHash, rowOf, waitForRow } from './harness.mjs';

test('live: a device comes online and drops offline without a reload', { timeout: deadline(120000) }, async (t) => {
  const scope = new Scope();
  t.after(() => scope.close());
  const gateway = await new Gateway(scope, { users: [{ name: 'admin', passwordHash: passwordHash('s3cret') }] }).start();
  const browser = await new Browser(scope).launch();
  const page = await browser.page(gateway.url + '/');
  await logIn(page, 'admin', 's3cret');
  await page.waitForFunction(() => document.getElementById('live').textContent === 'live');
  assert.deepEqual(await counts(page), { online: 0, offline: 0 });
  assert.equal(await page.isVisible('#empty'), true, '"No devices yet." before any device');
  let navigations = 0;
  page.on('framenavigated', () => navigations++);

  const device = await gateway.device('meter-07', { will: 'plant/meter-07/will', payload: 'meter-07 lost power' });
  await waitForRow(page, 'meter-07', 'online');
  assert.deepEqual(await counts(page), { online: 1, offline: 0 });
  assert.equal(await page.isHidden('#empty'), true);
  const online = await rowOf(page, 'meter-07');
  assert.equal(online.protocol, '3.1.1');
  assert.match(online.peer, /^127\.0\.0\.1:\d+$/);
  assert.equal(online.cause, '\u2014');
  assert.equal(online.will_topic, '\u2014', 'no Will published yet');

  // The product requirement: the row shows offline within 2 s of the connection dropping.
  const killed = performance.now();
  await device.kill();
  await page.waitForFunction(() => {
    for (const row of document.querySelectorAll('#devices tbody tr')) {
      if (row.cells[0].textContent === 'meter-07') {
        return row.cells[1].textContent === 'offline' && row.cells[4].textContent === 'peer-closed' &&
          row.cells[5].textContent === 'plant/meter-07/will';
      }
    }
    return false;
  }, null, { timeout: deadline(10000), polling: 20 });
  const elapsed = performance.now() - killed;
  t.diagnostic(`offline shown ${elapsed.toFixed(0)} ms after SIGKILL`);
  assert.ok(elapsed <= OFFLINE_WITHIN_MS, `the row showed offline after ${elapsed.toFixed(0)} ms (limit ${OFFLINE_WITHIN_MS} ms)`);
  assert.deepEqual(await counts(page), { online: 0, offline: 1 });

  // The device view: the Will it held, the Will published, and the timeline.
  await page.click('#devices tbody tr >> text=meter-07');
  const view = page.locator('#device-view');
  await view.locator('svg.timeline').first().waitFor({ state: 'visible' });
  assert.equal(await view.locator('.view-head h2').textContent(), 'meter-07');
  assert.equal(await view.locator('.view-head .state').textContent(), 'offline');
  const facts = await page.$$eval('#device-view dl', (lists) => lists.map((list) => {
    const pairs = {};
    for (const dt of list.querySelectorAll('dt')) pairs[dt.textContent] = dt.nextElementSibling.textContent;
    return pairs;
  }));
  const [connection, will, lastWill] = facts;
  assert.equal(connection['Last disconnect'].split(':')[0], 'peer-closed');
  assert.equal(will.Topic, 'plant/meter-07/will');
  assert.equal(will.QoS, '1');
  assert.equal(lastWill.Topic, 'plant/meter-07/will');
  assert.equal(lastWill.Payload, 'text');
  assert.equal(await view.locator('.payload').textContent(), 'meter-07 lost power');
  assert.match(await view.textContent(), /Last 24 hours \u2014 uptime \d+\.\d\d %/);
  assert.equal(await view.locator('svg.timeline').count(), 2, 'a 24-hour and a 7-day timeline');
  assert.ok(await view.locator('svg.timeline').first().locator('rect.band-online').count() >= 1, 'an online band');
  assert.ok(await view.locator('svg.timeline').first().locator('rect.band-offline').count() >= 1, 'an offline band');
  assert.equal(await page.textContent('#devices tbody tr.selected td'), 'meter-07', 'the selected row is marked');

  // The open view follows the device: it reconnects, the view says online.
  await gateway.device('meter-07', { will: 'plant/meter-07/will' });
  await view.locator('.view-head .state', { hasText: 'online' }).waitFor();
  await waitForRow(page, 'meter-07', 'online');
  assert.deepEqual(await counts(page), { online: 1, offline: 0 });
  await view.locator('.close').click();
  assert.equal(await view.isHidden(), true);

  assert.equal(navigations, 0, 'no reload happened');
  assert.deepEqual(browser.dialogs, []);
  assert.deepEqual(browser.pageErrors, []);
  assert.deepEqual(browser.consoleErrors, []);
  await browser.close();
  assert.equal(await gateway.stop(), 0);
});

test('forget: an offline device is forgotten from its view, after a confirmation', { timeout: deadline(120000) }, async (t) => {
  const scope = new Scope();
  t.after(() => scope.close());
  const gateway = await new Gateway(scope, { users: [{ name: 'admin', passwordHash: passwordHash('s3cret') }] }).start();
  const browser = await new Browser(scope).launch();
  const page = await browser.page(gateway.url + '/');
  await logIn(page, 'admin', 's3cret');
  const gone = await gateway.device('old-sensor');
  await gateway.device('new-sensor');
  await waitForRow(page, 'old-sensor', 'online');
  await waitForRow(page, 'new-sensor', 'online');
  const other = await browser.page(gateway.url + '/');  // same browser: logged in too
  await waitForRow(other, 'old-sensor', 'online');
  const view = page.locator('#device-view');

  // Online: no Forget button.
  await page.click('#devices tbody tr >> text=new-sensor');
  await view.locator('.view-head .state').waitFor();
  assert.equal(await view.locator('button', { hasText: 'Forget' }).count(), 0);

  await gone.kill();
  await waitForRow(page, 'old-sensor', 'offline');
  await page.click('#devices tbody tr >> text=old-sensor');
  await view.locator('.view-head h2', { hasText: 'old-sensor' }).waitFor();
  const forget = view.locator('button', { hasText: 'Forget' });
  await forget.waitFor();

  // Dismissing the confirmation keeps the device.
  await forget.click();
  assert.deepEqual(browser.dialogs, ['confirm: Forget this device and its history?']);
  assert.notEqual(await rowOf(page, 'old-sensor'), null);

  // Accepting it forgets the device (DELETE with the CSRF token), on this page at once.
  browser.acceptConfirm = true;
  await forget.click();
  await page.waitForFunction(() => ![...document.querySelectorAll('#devices tbody tr')].some((row) => row.cells[0].textContent === 'old-sensor'));
  assert.equal(await view.isHidden(), true, 'the view closes');
  assert.deepEqual(await counts(page), { online: 1, offline: 0 });
  assert.equal(browser.dialogs.length, 2);

  // The other page learns it from the stream; after a reload the gateway no longer lists it.
  await other.waitForFunction(() => ![...document.querySelectorAll('#devices tbody tr')].some((row) => row.cells[0].textContent === 'old-sensor'));
  assert.deepEqual(await counts(other), { online: 1, offline: 0 });
  await other.reload();
  await waitForRow(other, 'new-sensor', 'online');
  assert.equal(await rowOf(other, 'old-sensor'), null);

  assert.deepEqual(browser.pageErrors, []);
  assert.deepEqual(browser.consoleErrors, []);
  await browser.close();
  assert.equal(await gateway.stop(), 0);
});
