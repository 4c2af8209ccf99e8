// A dashboard with a dozen devices, some online, some dropped (Will published), one that said
// goodbye: the page as a user sees it, saved as PNG screenshots into WILLGATE_E2E_ARTIFACTS.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { Browser, Gateway, Scope, artifactDir, counts, deadline, logIn, passwordHash, rowOf, waitForRow } from './harness.mjs';

// PNG: signature, then the IHDR chunk with width and height.
function pngSize(file) {
  const data = readFileSync(file);
  assert.equal(data.subarray(0, 8).toString('hex'), '89504e470d0a1a0a', `${file} is a PNG`);
  assert.equal(data.subarray(12, 16).toString('latin1'), 'IHDR');
  return { width: data.readUInt32BE(16), height: data.readUInt32BE(20), bytes: data.length };
}

test('screenshot: a dashboard with online and offline devices', { timeout: deadline(150000) }, async (t) => {
  const scope = new Scope();
  t.after(() => scope.close());
  const gateway = await new Gateway(scope, { users: [{ name: 'admin', passwordHash: passwordHash('plant-floor') }] }).start();
  const browser = await new Browser(scope).launch();
  const page = await browser.page(gateway.url + '/');
  await logIn(page, 'admin', 'plant-floor');
  await page.waitForFunction(() => document.getElementById('live').textContent === 'live');

  const names = ['meter-01', 'meter-02', 'meter-03', 'pump-01', 'pump-02', 'valve-01', 'valve-02', 'boiler-01',
    'chiller-01', 'press-04', 'conveyor-07', 'hmi-panel-1'];
  const devices = {};
  for (const name of names) {
    devices[name] = await gateway.device(name, { will: `plant/${name}/status`, payload: JSON.stringify({ state: 'lost', id: name }),
      protocol: name.startsWith('meter') ? '5' : '3.1.1' });
  }
  for (const name of names) await waitForRow(page, name, 'online');
  const dropped = ['pump-02', 'valve-02', 'press-04'];
  for (const name of dropped) await devices[name].kill();
  await devices['conveyor-07'].disconnect();
  for (const name of dropped) await waitForRow(page, name, 'offline');
  await waitForRow(page, 'conveyor-07', 'offline');
  assert.deepEqual(await counts(page), { online: 8, offline: 4 });
  for (const name of dropped) {
    const row = await rowOf(page, name);
    assert.equal(row.cause, 'peer-closed');
    assert.equal(row.will_topic, `plant/${name}/status`);
  }
  const goodbye = await rowOf(page, 'conveyor-07');
  assert.equal(goodbye.cause, 'disconnect');
  assert.equal(goodbye.will_topic, '\u2014', 'a clean disconnect publishes no Will');
  assert.equal((await rowOf(page, 'meter-01')).protocol, '5.0');
  // The broker panel shows rates once two samples have arrived.
  await page.waitForFunction(() => /\/s$/.test([...document.querySelectorAll('#broker-figures dd')][6]?.textContent || ''));
  // The broker's figures are sampled about once a second: wait for the sample after the drops.
  await page.waitForFunction(() => /^127\.0\.0\.1:\d+: 8 open, 12 accepted$/.test(document.getElementById('listeners').textContent))
    .catch(async (error) => assert.fail(`listeners: ${await page.textContent('#listeners')} (${error.message})`));

  await page.mouse.move(0, 0);  // no row under the pointer
  const dir = artifactDir();
  const overview = path.join(dir, 'dashboard.png');
  await page.screenshot({ path: overview, fullPage: true });
  const size = pngSize(overview);
  assert.equal(size.width, 1280);
  assert.ok(size.height >= 800);

  await page.click('#devices tbody tr >> text=pump-02');
  await page.locator('#device-view svg.timeline rect.band-offline').first().waitFor();
  const detail = path.join(dir, 'dashboard-device.png');
  await page.screenshot({ path: detail, fullPage: true });
  assert.equal(pngSize(detail).width, 1280);
  t.diagnostic(`screenshots: ${overview} (${size.bytes} bytes), ${detail}`);

  assert.deepEqual(browser.dialogs, []);
  assert.deepEqual(browser.pageErrors, []);
  assert.deepEqual(browser.consoleErrors, []);
  await browser.close();
  assert.equal(await gateway.stop(), 0);
});
