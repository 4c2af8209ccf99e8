// Login through the page: the form, a wrong password, the right one, the session cookie across a
// reload, and logout.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { Browser, Gateway, Scope, deadline, logIn, passwordHash, waitForRow } from './harness.mjs';

const UNAUTHORIZED = /Failed to load resource: the server responded with a status of 401/;

test('login: the form, a wrong password, the right one, reload and logout', { timeout: deadline(120000) }, async (t) => {
  const scope = new Scope();
  t.after(() => scope.close());
  const gateway = await new Gateway(scope, { users: [{ name: 'admin', passwordHash: passwordHash('correct horse') }] }).start();
  const browser = await new Browser(scope).launch();
  const page = await browser.page(gateway.url + '/');

  await page.locator('#login').waitFor({ state: 'visible' });
  assert.equal(await page.isHidden('#app'), true, 'the device table is hidden before login');
  assert.equal(await page.textContent('#live'), 'not connected');

  await logIn(page, 'admin', 'wrong password');
  await page.waitForFunction(() => document.getElementById('login-error').textContent !== '');
  assert.equal(await page.textContent('#login-error'), 'wrong user name or password');
  assert.equal(await page.isHidden('#app'), true, 'a wrong password shows no devices');

  await logIn(page, 'admin', 'correct horse');
  await page.locator('#devices').waitFor({ state: 'visible' });
  assert.equal(await page.isHidden('#login'), true);
  assert.equal(await page.textContent('#login-error'), '', 'the old error is gone');
  assert.equal(await page.inputValue('#login-form input[name=password]'), '', 'the password field is emptied');
  assert.equal(await page.textContent('#user-name'), 'admin');
  await page.waitForFunction(() => document.getElementById('live').textContent === 'live');

  // The table is the gateway's: a device that connects now appears.
  await gateway.device('sensor-1');
  await waitForRow(page, 'sensor-1', 'online');

  // The session cookie survives a reload: no login form.
  await page.reload();
  await waitForRow(page, 'sensor-1', 'online');
  assert.equal(await page.isHidden('#login'), true);

  await page.click('#logout');
  await page.locator('#login').waitFor({ state: 'visible' });
  assert.equal(await page.isHidden('#app'), true);
  await page.reload();
  await page.locator('#login').waitFor({ state: 'visible' });
  assert.equal(await page.isHidden('#app'), true, 'logged out for good');

  assert.deepEqual(browser.dialogs, []);
  assert.deepEqual(browser.pageErrors, []);
  // The 401 of the wrong password is the only error the console may show.
  assert.deepEqual(browser.consoleErrors.filter((text) => !UNAUTHORIZED.test(text)), []);
  await browser.close();
  assert.equal(await gateway.stop(), 0);
});

test('login: after five wrong passwords the page says when to try again', { timeout: deadline(120000) }, async (t) => {
  const scope = new Scope();
  t.after(() => scope.close());
  const gateway = await new Gateway(scope, { users: [{ name: 'admin', passwordHash: passwordHash('right') }] }).start();
  const browser = await new Browser(scope).launch();
  const page = await browser.page(gateway.url + '/');
  await page.locator('#login').waitFor({ state: 'visible' });

  const attempt = async (password) => {
    await page.evaluate(() => { document.getElementById('login-error').textContent = ''; });
    await logIn(page, 'admin', password);
    await page.waitForFunction(() => document.getElementById('login-error').textContent !== '' ||
      !document.getElementById('app').hidden);
    return page.textContent('#login-error');
  };
  for (let i = 0; i < 5; i++) assert.equal(await attempt('wrong'), 'wrong user name or password');
  // Refused without checking, even the right password, for Retry-After seconds.
  assert.match(await attempt('right'), /^Too many failed logins; try again in [1-9]\d* s\.$/);
  assert.equal(await page.isHidden('#app'), true);

  assert.deepEqual(browser.dialogs, []);
  assert.deepEqual(browser.pageErrors, []);
  assert.deepEqual(browser.consoleErrors.filter((text) => !/status of (401|429)/.test(text)), []);
  await browser.close();
  assert.equal(await gateway.stop(), 0);
});
