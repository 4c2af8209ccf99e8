// The live stream across a gateway restart: the open page notices the gateway is gone, comes
// back by itself when it returns, and catches up on what changed meanwhile; with users, whose
// sessions end with the process, it asks for a login again.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { Browser, Gateway, Scope, counts, deadline, logIn, passwordHash, rowOf, waitForRow } from './harness.mjs';

const liveIs = (page, text, timeout = deadline(15000)) =>
  page.waitForFunction((want) => document.getElementById('live').textContent === want, text, { timeout });

// Connection errors while the gateway is down are expected in the console.
const DOWN = /net::ERR_CONNECTION_REFUSED|net::ERR_EMPTY_RESPONSE|net::ERR_CONNECTION_RESET|Failed to load resource/;

test('reconnect: the open page follows the gateway through a restart', { timeout: deadline(150000) }, async (t) => {
  const scope = new Scope();
  t.after(() => scope.close());
  const gateway = await new Gateway(scope).start();
  const browser = await new Browser(scope).launch();
  const page = await browser.page(gateway.url + '/');
  await liveIs(page, 'live');
  let navigations = 0;
  page.on('framenavigated', () => navigations++);

  const kept = await gateway.device('meter-01', { will: 'plant/meter-01/will' });
  await waitForRow(page, 'meter-01', 'online');
  const { mqttPort, httpPort } = gateway;

  assert.equal(await gateway.stop(), 0);
  await kept.kill();  // it would reconnect by itself when the gateway is back
  await liveIs(page, 'not connected');

  await gateway.start({ mqttPort, httpPort });
  await liveIs(page, 'live', deadline(20000));
  // The stop published meter-01's Will; the page learns it from the stream, without a reload.
  await waitForRow(page, 'meter-01', 'offline');
  const row = await rowOf(page, 'meter-01');
  assert.equal(row.cause, 'server-shutdown');
  assert.equal(row.will_topic, 'plant/meter-01/will');
  await gateway.device('pump-02');
  await waitForRow(page, 'pump-02', 'online');
  assert.deepEqual(await counts(page), { online: 1, offline: 1 });
  assert.equal(navigations, 0, 'no reload happened');

  assert.deepEqual(browser.dialogs, []);
  assert.deepEqual(browser.pageErrors, []);
  assert.deepEqual(browser.consoleErrors.filter((text) => !DOWN.test(text)), []);
  await browser.close();
  assert.equal(await gateway.stop(), 0);
});

test('reconnect: with users, a restart asks for the login again', { timeout: deadline(150000) }, async (t) => {
  const scope = new Scope();
  t.after(() => scope.close());
  const gateway = await new Gateway(scope, { users: [{ name: 'admin', passwordHash: passwordHash('pw') }] }).start();
  const browser = await new Browser(scope).launch();
  const page = await browser.page(gateway.url + '/');
  await logIn(page, 'admin', 'pw');
  await liveIs(page, 'live');
  const { mqttPort, httpPort } = gateway;

  assert.equal(await gateway.stop(), 0);
  await liveIs(page, 'not connected');
  await gateway.start({ mqttPort, httpPort });
  // Sessions live in memory: the stream is refused with 401 and the page shows the form.
  await page.locator('#login').waitFor({ state: 'visible', timeout: deadline(20000) });
  assert.equal(await page.isHidden('#app'), true);
  await logIn(page, 'admin', 'pw');
  await liveIs(page, 'live');
  await gateway.device('valve-03');
  await waitForRow(page, 'valve-03', 'online');

  assert.deepEqual(browser.dialogs, []);
  assert.deepEqual(browser.pageErrors, []);
  assert.deepEqual(browser.consoleErrors.filter((text) => !DOWN.test(text)), []);
  await browser.close();
  assert.equal(await gateway.stop(), 0);
});

test('reconnect: a refused stream is retried until the gateway answers again', { timeout: deadline(150000) }, async (t) => {
  const scope = new Scope();
  t.after(() => scope.close());
  // One stream at a time: a second page's stream is refused with 503.
  const gateway = await new Gateway(scope, { web: { max_streams: 1 } }).start();
  const browser = await new Browser(scope).launch();
  const first = await browser.page(gateway.url + '/');
  await liveIs(first, 'live');
  const second = await browser.page(gateway.url + '/');
  await liveIs(second, 'not connected');

  // The second page tries again a few seconds later, when the first one is gone.
  await first.close();
  await liveIs(second, 'live', deadline(20000));

  // A third page is refused; while it waits, the gateway goes away, so its next attempt fails
  // too. It must keep trying, and be live once the gateway is back.
  const third = await browser.page(gateway.url + '/');
  await liveIs(third, 'not connected');
  const { mqttPort, httpPort } = gateway;
  assert.equal(await gateway.stop(), 0);
  await second.close();
  await third.waitForFunction(() => !['live', 'not connected', 'connecting'].includes(document.getElementById('live').textContent),
    null, { timeout: deadline(20000) });
  t.diagnostic(`the third page said: ${await third.textContent('#live')}`);
  await gateway.start({ mqttPort, httpPort });
  await liveIs(third, 'live', deadline(20000));
  await gateway.device('boiler-01');
  await waitForRow(third, 'boiler-01', 'online');

  assert.deepEqual(browser.dialogs, []);
  assert.deepEqual(browser.pageErrors, []);
  assert.deepEqual(browser.consoleErrors.filter((text) => !DOWN.test(text)), []);
  await browser.close();
  assert.equal(await gateway.stop(), 0);
});
