// Helpers for the browser tests: the real willgate binary on free loopback ports, devices as
// mosquitto_sub processes, and Debian's Chromium driven by playwright-core.
//
// Environment (set by CTest, see CMakeLists.txt):
//   WILLGATE_BIN             the willgate binary (required)
//   WILLGATE_E2E_ARTIFACTS   directory for screenshots (default: a temporary directory)
//   WILLGATE_E2E_SLOW        multiplies every wait deadline (the asan build sets 3)
//   WILLGATE_E2E_OFFLINE_MS  how soon a killed device must show offline (default 2000)
//
// Every process started here is killed at the end of the test that started it (Scope.close),
// when the test process exits, and, through the parent-death signal set by setpriv, when the
// test process is killed.

import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

export const SLOW = Number(process.env.WILLGATE_E2E_SLOW || 1);
export const OFFLINE_WITHIN_MS = Number(process.env.WILLGATE_E2E_OFFLINE_MS || 2000);
const CHROMIUM = '/usr/bin/chromium';
const CRASH_MARKERS = ['AddressSanitizer', 'LeakSanitizer', 'runtime error', 'Segmentation fault', 'terminate called'];

/** A deadline in ms for something that normally takes much less, scaled for slow builds. */
export function deadline(ms) { return Math.round(ms * SLOW); }

export function willgateBinary() {
  const bin = process.env.WILLGATE_BIN;
  if (!bin) throw new Error('set WILLGATE_BIN to the willgate binary');
  return path.resolve(bin);
}

export function artifactDir() {
  const dir = process.env.WILLGATE_E2E_ARTIFACTS || path.join(tmpdir(), 'willgate-e2e-artifacts');
  mkdirSync(dir, { recursive: true });
  return dir;
}

// Every child still running; killed with SIGKILL if the test process exits without stopping it.
const running = new Set();
process.on('exit', () => {
  for (const child of running) {
    try { process.kill(child.pid, 'SIGKILL'); } catch { /* gone already */ }
  }
});

// Starts argv[0] with the parent-death signal SIGKILL (setpriv execs it: same pid).
function spawnChild(argv, options) {
  const child = spawn('setpriv', ['--pdeathsig', 'KILL', '--', ...argv], options);
  running.add(child);
  child.exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => { running.delete(child); resolve({ code, signal }); });
  });
  return child;
}

function killNow(child) {
  if (child.exitCode === null && child.signalCode === null) {
    try { child.kill('SIGKILL'); } catch { /* gone already */ }
  }
}

// Collects a stream's lines; waitFor(regex) resolves with the first match.
class Lines {
  constructor(...streams) {
    this.lines = [];
    this.waiters = new Set();
    for (const stream of streams) {
      let rest = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk) => {
        const parts = (rest + chunk).split('\n');
        rest = parts.pop();
        for (const line of parts) this.push(line);
      });
      stream.on('end', () => { if (rest) this.push(rest); rest = ''; });
    }
  }

  push(line) {
    this.lines.push(line);
    for (const waiter of [...this.waiters]) waiter();
  }

  find(regex) {
    for (const line of this.lines) {
      const match = regex.exec(line);
      if (match) return match;
    }
    return null;
  }

  waitFor(regex, timeoutMs, what, exited) {
    return new Promise((resolve, reject) => {
      const check = () => {
        const match = this.find(regex);
        if (!match) return false;
        done();
        resolve(match);
        return true;
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`${what}: no line matching ${regex} within ${timeoutMs} ms; output:\n` +
          this.lines.slice(-30).join('\n')));
      }, timeoutMs);
      const done = () => { clearTimeout(timer); this.waiters.delete(waiter); };
      const waiter = () => { check(); };
      if (check()) return;
      this.waiters.add(waiter);
      exited?.then(() => {
        if (!check()) {
          done();
          reject(new Error(`${what} exited before a line matching ${regex}; output:\n` + this.lines.slice(-30).join('\n')));
        }
      });
    });
  }
}

/** The hash `willgate passwd` makes of `password` (read from stdin, which is not a tty). */
export function passwordHash(password) {
  const result = spawnSync(willgateBinary(), ['passwd'], { input: password + '\n', encoding: 'utf8', timeout: deadline(30000) });
  if (result.status !== 0) throw new Error(`willgate passwd failed (${result.status}): ${result.stderr}`);
  const hash = result.stdout.trim();
  if (!hash.startsWith('pbkdf2-sha256$')) throw new Error(`willgate passwd printed ${JSON.stringify(hash)}`);
  return hash;
}

function tomlString(text) { return '"' + text.replace(/\\/g, '\\\\').replace(/"/g, '\\"') + '"'; }

/** One willgate process on 127.0.0.1 with any free MQTT and dashboard port. */
export class Gateway {
  constructor(scope, { users = [], web = {} } = {}) {
    this.dir = scope.tempDir('willgate-e2e-');
    this.dataDir = path.join(this.dir, 'data');
    mkdirSync(this.dataDir);
    this.configPath = path.join(this.dir, 'willgate.toml');
    const config = ['[log]', 'level = "info"', '', '[storage]', `data_dir = ${tomlString(this.dataDir)}`, ''];
    config.push('[web]', ...Object.entries(web).map(([key, value]) => `${key} = ${JSON.stringify(value)}`), '');
    for (const user of users) {
      config.push('[[web.user]]', `name = ${tomlString(user.name)}`, `password_hash = ${tomlString(user.passwordHash)}`, '');
    }
    writeFileSync(this.configPath, config.join('\n'));
    scope.add(this);
  }

  /** Starts willgate on any free ports, or on the given ones (to restart it where it was). */
  async start({ mqttPort = 0, httpPort = 0 } = {}) {
    const env = { ...process.env };
    env.ASAN_OPTIONS ??= 'abort_on_error=0:detect_leaks=1';
    env.UBSAN_OPTIONS ??= 'print_stacktrace=1';
    this.child = spawnChild([willgateBinary(), '-p', String(mqttPort), '--bind', '127.0.0.1', '--http-port', String(httpPort),
      '--data-dir', this.dataDir, '--config', this.configPath], { cwd: this.dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.log = new Lines(this.child.stdout, this.child.stderr);
    const wait = (regex) => this.log.waitFor(regex, deadline(20000), 'willgate', this.child.exited);
    const mqtt = await wait(/listening on (?:\[[0-9a-fA-F:.]+\]|[0-9.]+):(\d+)/);
    const web = await wait(/dashboard on (http:\/\/127\.0\.0\.1:(\d+))/);
    await wait(/willgate \S+ running/);  // its SIGTERM handler is installed from here on
    this.mqttPort = Number(mqtt[1]);
    this.url = web[1];
    this.httpPort = Number(web[2]);
    if (!this.mqttPort || !this.httpPort) throw new Error('willgate logged port 0');
    return this;
  }

  /** SIGTERM, then the exit status (SIGKILL and an error if it does not exit in time). */
  async stop() {
    if (!this.child) return 0;
    const child = this.child;
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const timeout = deadline(15000);
    let timer;
    const outcome = await Promise.race([child.exited,
      new Promise((resolve) => { timer = setTimeout(() => resolve(null), timeout); })]);
    clearTimeout(timer);
    if (outcome === null) {
      killNow(child);
      await child.exited;
      throw new Error(`willgate did not exit within ${timeout} ms of SIGTERM`);
    }
    const crashes = this.log.lines.filter((line) => CRASH_MARKERS.some((marker) => line.includes(marker)));
    if (crashes.length) throw new Error('willgate reported a crash or sanitizer error:\n' + crashes.slice(0, 20).join('\n'));
    if (outcome.code !== 0) {
      throw new Error(`willgate exited with ${outcome.code ?? outcome.signal}; log:\n` + this.log.lines.slice(-40).join('\n'));
    }
    return outcome.code;
  }

  kill() { if (this.child) killNow(this.child); }
  async close() { this.kill(); if (this.child) await this.child.exited; }

  /** A device with a Will (unless will is null), connected (MQTT 3.1.1 or 5) and subscribed. */
  async device(clientId, { will = `devices/${clientId}/status`, payload = 'offline', protocol = '3.1.1' } = {}) {
    const device = new Device(this, clientId, will, payload, protocol);
    this.scope?.add(device);
    await device.connected;
    return device;
  }
}

/** Many devices at once: willgate-sim (WILLGATE_SIM_BIN) against a gateway; stopped with SIGINT
 *  (every device disconnects cleanly). */
export class Simulator {
  constructor(gateway, args) {
    const binary = process.env.WILLGATE_SIM_BIN;
    if (!binary) throw new Error('WILLGATE_SIM_BIN is not set (CTest sets it)');
    this.child = spawnChild([binary, '--port', String(gateway.mqttPort), ...args],
      { stdio: ['ignore', 'pipe', 'pipe'] });
    this.log = new Lines(this.child.stdout, this.child.stderr);
    gateway.scope?.add(this);
  }

  async close() {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGINT');
    let timer;
    const done = await Promise.race([this.child.exited,
      new Promise((resolve) => { timer = setTimeout(() => resolve(null), deadline(15000)); })]);
    clearTimeout(timer);
    if (done === null) { killNow(this.child); await this.child.exited; }
  }
}

/** A device: a mosquitto_sub that keeps a connection open (with a Will) until it is killed. */
export class Device {
  constructor(gateway, clientId, willTopic, willPayload, protocol) {
    this.clientId = clientId;
    this.willTopic = willTopic;
    const argv = ['stdbuf', '-oL', '-eL', 'mosquitto_sub', '-d', '-h', '127.0.0.1', '-p', String(gateway.mqttPort),
      '-V', protocol === '5' ? 'mqttv5' : 'mqttv311', '-i', clientId, '-k', '30', '-t', 'devices/cmd'];
    if (willTopic) argv.push('--will-topic', willTopic, '--will-payload', willPayload, '--will-qos', '1');
    this.child = spawnChild(argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.log = new Lines(this.child.stdout, this.child.stderr);
    this.connected = this.log.waitFor(/received CONNACK \(0\)/, deadline(10000), `mosquitto_sub -i ${clientId}`, this.child.exited)
      .then(() => this.log.waitFor(/received SUBACK/, deadline(10000), `mosquitto_sub -i ${clientId}`, this.child.exited))
      .then(() => this);
  }

  /** Drops the connection without DISCONNECT: the gateway sees peer-closed and publishes the Will. */
  async kill() { killNow(this.child); await this.child.exited; }
  /** SIGTERM: mosquitto_sub sends DISCONNECT (for MQTT 3.1.1 a clean one: no Will). */
  async disconnect() {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    await this.child.exited;
  }

  async close() { await this.kill(); }
}

/** Headless Chromium with a fresh temporary profile; every page's dialogs and errors are recorded. */
export class Browser {
  constructor(scope) {
    this.dialogs = [];  // every dialog, dismissed (a confirm is accepted when acceptConfirm is set)
    this.acceptConfirm = false;
    this.pageErrors = [];
    this.consoleErrors = [];
    this.stderr = [];
    scope.add(this);
  }

  async launch() {
    this.browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      timeout: deadline(30000),
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync'],
      // Chromium's stderr chatter (D-Bus, GPU, the wrapper script) is kept, not judged.
      logger: { isEnabled: (name) => name === 'browser', log: (name, severity, message) => this.stderr.push(String(message)) },
    });
    this.context = await this.browser.newContext({ viewport: { width: 1280, height: 800 } });
    this.context.setDefaultTimeout(deadline(10000));
    return this;
  }

  async page(url) {
    const page = await this.context.newPage();
    page.on('dialog', (dialog) => {
      this.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
      (this.acceptConfirm && dialog.type() === 'confirm' ? dialog.accept() : dialog.dismiss()).catch(() => {});
    });
    page.on('pageerror', (error) => this.pageErrors.push(String(error.stack || error)));
    page.on('console', (message) => { if (message.type() === 'error') this.consoleErrors.push(message.text()); });
    if (url) await page.goto(url);
    return page;
  }

  async close() {
    if (!this.browser) return;
    const browser = this.browser;
    this.browser = null;
    let timer;
    await Promise.race([browser.close().catch(() => {}), new Promise((resolve) => { timer = setTimeout(resolve, deadline(10000)); })]);
    clearTimeout(timer);
  }
}

/** What one test started; close() ends all of it (browser, devices, gateway) and removes its files. */
export class Scope {
  constructor() { this.items = []; this.dirs = []; }
  add(item) { item.scope = this; this.items.push(item); return item; }
  tempDir(prefix) { const dir = mkdtempSync(path.join(tmpdir(), prefix)); this.dirs.push(dir); return dir; }

  async close() {
    // The browser first, so its event stream ends before the gateway does.
    const order = [...this.items].sort((a, b) => rank(a) - rank(b));
    for (const item of order) {
      try { await item.close(); } catch { /* cleaning up: keep going */ }
    }
    this.items = [];
    for (const dir of this.dirs) rmSync(dir, { recursive: true, force: true });
    this.dirs = [];
  }
}

function rank(item) { return item instanceof Browser ? 0 : item instanceof Device ? 1 : 2; }

// ------------------------------------------------------------------ page helpers

/** Waits until the device's row exists and its state cell says `state`. */
export async function waitForRow(page, clientId, state, timeout = deadline(10000)) {
  await page.waitForFunction(([id, wanted]) => {
    for (const row of document.querySelectorAll('#devices tbody tr')) {
      if (row.cells[0].textContent === id) return !wanted || row.cells[1].textContent === wanted;
    }
    return false;
  }, [clientId, state], { timeout, polling: 20 });
}

/** The table's rows as arrays of cell texts, in the order shown. */
export async function tableRows(page) {
  return page.$$eval('#devices tbody tr', (rows) => rows.map((row) => [...row.cells].map((cell) => cell.textContent)));
}

/** The row of `clientId` as {client_id, state, since, last_seen, cause, will_topic, peer, protocol}. */
export async function rowOf(page, clientId) {
  const row = (await tableRows(page)).find((cells) => cells[0] === clientId);
  if (!row) return null;
  const [client_id, state, since, last_seen, cause, will_topic, peer, protocol] = row;
  return { client_id, state, since, last_seen, cause, will_topic, peer, protocol };
}

export async function counts(page) {
  return {
    online: Number(await page.textContent('#count-online')),
    offline: Number(await page.textContent('#count-offline')),
  };
}

/** Logs in through the page's form. */
export async function logIn(page, name, password) {
  await page.fill('#login-form input[name=name]', name);
  await page.fill('#login-form input[name=password]', password);
  await page.click('#login-form button[type=submit]');
}
