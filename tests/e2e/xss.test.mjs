// What a device controls is shown as text: client ids, Will topics and payloads made of HTML
// appear character for character, nothing is parsed into elements, no script runs. Client ids
// with '/', '%', '?', '#' and spaces open their device view (the id is percent-encoded in the
// API path).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { Browser, Gateway, Scope, deadline, rowOf, waitForRow } from './harness.mjs';

const IMG = '<img src=x onerror=alert(1)>';
const SCRIPT = '"><script>alert(1)</script>';
const TOPIC = 'plant/<b id=bold>x</b>/will';
const PAYLOAD = '<svg onload=alert(2)></svg> & <iframe src=javascript:alert(3)>';

test('script injection: device-controlled text stays text', { timeout: deadline(120000) }, async (t) => {
  const scope = new Scope();
  t.after(() => scope.close());
  // No users: the open dashboard on loopback.
  const gateway = await new Gateway(scope).start();
  const browser = await new Browser(scope).launch();
  const page = await browser.page(gateway.url + '/');
  await page.waitForFunction(() => document.getElementById('live').textContent === 'live');
  assert.equal(await page.isHidden('#login'), true, 'no login on the open dashboard');

  const img = await gateway.device(IMG, { will: TOPIC, payload: PAYLOAD });
  await gateway.device(SCRIPT);
  await waitForRow(page, IMG, 'online');
  await waitForRow(page, SCRIPT, 'online');
  await img.kill();
  await waitForRow(page, IMG, 'offline');
  await page.waitForFunction((topic) => [...document.querySelectorAll('#devices tbody td')].some((td) => td.textContent === topic), TOPIC);

  assert.equal((await rowOf(page, IMG)).will_topic, TOPIC);
  assert.equal((await rowOf(page, SCRIPT)).state, 'online');
  const injected = () => page.evaluate(() => ({
    img: document.querySelectorAll('img').length,
    script: [...document.querySelectorAll('script')].map((s) => s.getAttribute('src')),
    bold: document.getElementById('bold') !== null,
    svg: [...document.querySelectorAll('svg')].filter((s) => !s.classList.contains('timeline')).length,
    iframe: document.querySelectorAll('iframe').length,
  }));
  assert.deepEqual(await injected(), { img: 0, script: ['/assets/app.js'], bold: false, svg: 0, iframe: 0 });

  // The device view: id as the heading, the Will topic and payload as text.
  await page.click(`#devices tbody tr:has(td:text-is(${JSON.stringify(IMG)}))`);
  const view = page.locator('#device-view');
  await view.locator('svg.timeline').first().waitFor();
  assert.equal(await view.locator('.view-head h2').textContent(), IMG);
  assert.equal(await view.locator('.payload').textContent(), PAYLOAD);
  assert.ok((await view.locator('dd').allTextContents()).includes(TOPIC));
  assert.deepEqual(await injected(), { img: 0, script: ['/assets/app.js'], bold: false, svg: 0, iframe: 0 });

  // The search box takes the same text literally.
  await page.fill('#search', '<IMG SRC=x');
  await page.waitForFunction(() => document.querySelectorAll('#devices tbody tr').length === 1);
  assert.equal((await rowOf(page, IMG)).client_id, IMG);
  await page.fill('#search', '');

  // An inline handler or script that got into the page would be blocked by the CSP, and the
  // console would say so; a dialog would mean it ran anyway.
  assert.deepEqual(browser.dialogs, []);
  assert.deepEqual(browser.pageErrors, []);
  assert.deepEqual(browser.consoleErrors, []);
  await browser.close();
  assert.equal(await gateway.stop(), 0);
});

test('awkward client ids open their device view', { timeout: deadline(120000) }, async (t) => {
  const scope = new Scope();
  t.after(() => scope.close());
  const gateway = await new Gateway(scope).start();
  const browser = await new Browser(scope).launch();
  const page = await browser.page(gateway.url + '/');
  await page.waitForFunction(() => document.getElementById('live').textContent === 'live');

  const ids = ['site/line 1', '100%?x=1#frag', 'Zähler ✓ 3', 'a+b&c=d'];
  for (const [i, id] of ids.entries()) await gateway.device(id, { will: `site/device-${i}/will` });
  for (const id of ids) await waitForRow(page, id, 'online');
  for (const id of ids) {
    await page.click(`#devices tbody tr:has(td:text-is(${JSON.stringify(id)}))`);
    const view = page.locator('#device-view');
    await page.waitForFunction((wanted) => {
      const v = document.getElementById('device-view');
      return !v.hidden && v.querySelector('h2')?.textContent === wanted && v.querySelector('.view-head .state, .error') !== null;
    }, id);
    assert.equal(await view.locator('.error').count(), 0, `the history of ${JSON.stringify(id)} loads: ${await view.textContent()}`);
    assert.equal(await view.locator('.view-head .state').textContent(), 'online');
    assert.ok(await view.locator('svg.timeline rect.band-online').count() >= 1);
  }
  assert.deepEqual(browser.dialogs, []);
  assert.deepEqual(browser.pageErrors, []);
  assert.deepEqual(browser.consoleErrors, []);
  await browser.close();
  assert.equal(await gateway.stop(), 0);
});
