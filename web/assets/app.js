// The WillGate dashboard. Everything a device controls (client id, user name, topics,
// payloads, peer) reaches the page through textContent / text nodes only, never as HTML.
'use strict';

(() => {
  const DAY = 24 * 60 * 60 * 1000;
  const SVG = 'http://www.w3.org/2000/svg';
  const state = {
    devices: new Map(),
    sequence: 0,
    csrf: '',
    sort: { key: 'client_id', dir: 1 },
    filter: 'all',
    search: '',
    selected: null,
    source: null,
    retry: null,
    lastBroker: null,
    // Rendering: changes only mark the table stale; it is drawn at most every
    // RENDER_GAP ms, rows are reused while their device is unchanged, and at most
    // `limit` rows are in the page (more on request), so thousands of devices
    // coming and going keep the page responsive.
    rows: new Map(),          // client id -> { device, tr, since, seen }
    limit: 500,
    renderTimer: null,
    lastRender: 0,
  };
  const RENDER_GAP = 250;
  const collator = new Intl.Collator(undefined, { numeric: true });  // "meter-2" before "meter-10"
  const PAGE_ROWS = 500;
  const $ = (id) => document.getElementById(id);

  // An element with attributes and children; strings become text nodes.
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (name === 'class') node.className = value;
      else if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
      else node.setAttribute(name, value);
    }
    for (const child of children) {
      if (child === null || child === undefined) continue;
      node.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }
  function svg(tag, attrs, text) {
    const node = document.createElementNS(SVG, tag);
    for (const [name, value] of Object.entries(attrs || {})) node.setAttribute(name, String(value));
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

  function fmtTime(ms) { return ms ? new Date(ms).toLocaleString() : '\u2014'; }
  function fmtAgo(ms) {
    if (!ms) return '\u2014';
    const s = Math.max(0, Math.round((Date.now() - ms) / 1000));
    if (s < 60) return s + ' s ago';
    if (s < 3600) return Math.floor(s / 60) + ' min ago';
    if (s < 86400) return Math.floor(s / 3600) + ' h ago';
    return Math.floor(s / 86400) + ' d ago';
  }
  function fmtPercent(f) { return f === null || f === undefined ? '\u2014' : (f * 100).toFixed(2) + ' %'; }
  function fmtRate(r) { return r === null ? '\u2014' : (r < 10 ? r.toFixed(1) : Math.round(r).toLocaleString()) + ' /s'; }
  function fmtBytes(n) {
    const units = ['B', 'KiB', 'MiB', 'GiB'];
    let i = 0;
    while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
    return (i ? n.toFixed(1) : n) + ' ' + units[i];
  }
  function fmtDuration(s) {
    const d = Math.floor(s / 86400), h = Math.floor(s % 86400 / 3600), m = Math.floor(s % 3600 / 60);
    return (d ? d + ' d ' : '') + (d || h ? h + ' h ' : '') + m + ' min';
  }

  async function api(method, path, body) {
    const headers = {};
    if (method !== 'GET') headers['X-CSRF-Token'] = state.csrf;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await fetch(path, {
      method, headers, credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    let data = null;
    try { data = await response.json(); } catch (e) { data = null; }
    if (response.status === 401) { showLogin(); }
    if (!response.ok) throw new Error((data && data.error) || 'HTTP ' + response.status);
    return data;
  }

  // ---------------------------------------------------------------- session
  async function boot() {
    const response = await fetch('/api/session', { credentials: 'same-origin' });
    const session = await response.json();
    if (!session.authenticated) { showLogin(); return; }
    signedIn(session);
  }

  function signedIn(session) {
    state.csrf = session.csrf_token;
    $('user-box').hidden = !session.user;
    $('user-name').textContent = session.user || '';
    $('login').hidden = true;
    $('app').hidden = false;
    loadDevices().then(openStream).catch(retryLater);
  }

  function showLogin() {
    clearTimeout(state.retry);
    state.retry = null;
    if (state.source) { state.source.close(); state.source = null; }
    setLive(false);
    $('app').hidden = true;
    $('user-box').hidden = true;
    $('login').hidden = false;
  }

  async function login(event) {
    event.preventDefault();
    const form = event.target;
    const error = $('login-error');
    error.textContent = '';
    const response = await fetch('/login', {
      method: 'POST', credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: form.elements.name.value, password: form.elements.password.value }),
    });
    let data = null;
    try { data = await response.json(); } catch (e) { data = null; }
    if (response.ok) {
      form.elements.password.value = '';
      signedIn({ csrf_token: data.csrf_token, user: data.user });
    } else if (response.status === 429) {
      error.textContent = 'Too many failed logins; try again in ' + (response.headers.get('Retry-After') || 'a few') + ' s.';
    } else {
      error.textContent = (data && data.error) || 'Login failed (HTTP ' + response.status + ').';
    }
  }

  async function logout() {
    try { await api('POST', '/logout'); } catch (e) { /* shown as the login form anyway */ }
    showLogin();
  }

  function showError(error) { $('live').textContent = String(error.message || error); }

  // ---------------------------------------------------------------- data
  async function loadDevices() {
    const data = await api('GET', '/api/devices');
    state.devices.clear();
    for (const device of data.devices) state.devices.set(device.client_id, device);
    state.sequence = data.sequence;
    render();
  }

  function openStream() {
    if (state.source) state.source.close();
    const source = new EventSource('/api/events?after=' + encodeURIComponent(state.sequence));
    source.addEventListener('device', (event) => {
      const message = JSON.parse(event.data);
      state.sequence = message.sequence;
      const id = message.transition.client_id;
      if (message.device) state.devices.set(id, message.device);
      else state.devices.delete(id);
      scheduleRender();
      if (state.selected === id) showDevice(id);
    });
    // Forgotten (by this page or another one): gone from the table.
    source.addEventListener('forgotten', (event) => {
      const id = JSON.parse(event.data).client_id;
      if (!state.devices.delete(id)) return;
      render();
      if (state.selected === id) showDevice(id);
    });
    source.addEventListener('broker', (event) => showBroker(JSON.parse(event.data)));
    source.onopen = () => setLive(true);
    source.onerror = () => {
      setLive(false);
      // A dropped connection is retried by the EventSource itself; a refused one (logged out,
      // too many streams, the gateway restarting) closes it for good: start over.
      if (source.readyState === EventSource.CLOSED) {
        if (state.source === source) state.source = null;
        // Logged out: the form at once; anything else: again in a while.
        fetch('/api/session', { credentials: 'same-origin' }).then((r) => r.json()).then((session) => {
          if (session.authenticated) retryLater(); else showLogin();
        }).catch(retryLater);
      }
    };
    state.source = source;
  }

  // Shows what went wrong and tries again in a few seconds, for as long as it takes: check the
  // session (the login form if it has ended), reload the devices, reopen the stream.
  function retryLater(error) {
    if (error) showError(error);
    if (state.retry || !$('login').hidden) return;  // no retrying behind the login form
    state.retry = setTimeout(async () => {
      try {
        const response = await fetch('/api/session', { credentials: 'same-origin' });
        const session = await response.json();
        state.retry = null;
        if (!session.authenticated) { showLogin(); return; }
        state.csrf = session.csrf_token;
        await loadDevices();
        openStream();
      } catch (e) {
        state.retry = null;
        retryLater(e);
      }
    }, 5000);
  }

  function setLive(on) {
    const live = $('live');
    live.textContent = on ? 'live' : 'not connected';
    live.classList.toggle('on', on);
  }

  // ---------------------------------------------------------------- table
  function sortValue(device, key) {
    if (key === 'last_will_topic') return device.last_will ? device.last_will.topic : '';
    if (key === 'state') return device.online ? 0 : 1;
    const value = device[key];
    return value === undefined || value === null ? '' : value;
  }

  function matches(device) {
    if (state.filter === 'online' && !device.online) return false;
    if (state.filter === 'offline' && device.online) return false;
    if (!state.search) return true;
    const haystack = [device.client_id, device.peer, device.username, device.last_cause,
      device.last_will ? device.last_will.topic : '', device.will ? device.will.topic : ''].join('\n').toLowerCase();
    return haystack.includes(state.search);
  }

  function scheduleRender() {
    if (state.renderTimer !== null) return;
    const wait = Math.max(0, state.lastRender + RENDER_GAP - Date.now());
    state.renderTimer = setTimeout(() => {
      state.renderTimer = null;
      window.requestAnimationFrame(render);
    }, wait);
  }

  // One table row, made once per device state and reused until the device changes.
  function makeRow(device) {
    const since = el('td', { title: fmtTime(device.since_ms) }, fmtAgo(device.since_ms));
    const seen = el('td', { title: fmtTime(device.last_seen_ms) }, fmtAgo(device.last_seen_ms));
    const tr = el('tr', { onclick: () => showDevice(device.client_id) },
      el('td', null, device.client_id),
      el('td', { class: 'state ' + device.state }, device.state),
      since, seen,
      el('td', { title: device.last_reason || '' }, device.last_cause || '\u2014'),
      el('td', null, device.last_will ? device.last_will.topic : '\u2014'),
      el('td', null, device.peer),
      el('td', null, device.protocol));
    return { device, tr, since, seen };
  }

  function render() {
    state.lastRender = Date.now();
    let online = 0;
    for (const device of state.devices.values()) if (device.online) online++;
    $('count-online').textContent = online;
    $('count-offline').textContent = state.devices.size - online;

    const { key, dir } = state.sort;
    const rows = [...state.devices.values()].filter(matches).sort((a, b) => {
      const x = sortValue(a, key), y = sortValue(b, key);
      const order = typeof x === 'number' && typeof y === 'number' ? x - y : collator.compare(String(x), String(y));
      return order * dir || collator.compare(a.client_id, b.client_id);
    });
    const shown = rows.slice(0, state.limit);
    const elements = [];
    const keep = new Set();
    for (const device of shown) {
      let row = state.rows.get(device.client_id);
      if (!row || row.device !== device) {
        row = makeRow(device);
        state.rows.set(device.client_id, row);
      } else {
        row.since.textContent = fmtAgo(device.since_ms);
        row.seen.textContent = fmtAgo(device.last_seen_ms);
      }
      row.tr.classList.toggle('selected', device.client_id === state.selected);
      elements.push(row.tr);
      keep.add(device.client_id);
    }
    for (const id of state.rows.keys()) if (!keep.has(id)) state.rows.delete(id);
    const body = $('devices').tBodies[0];
    const current = body.children;
    let same = current.length === elements.length;
    for (let i = 0; same && i < elements.length; i++) same = current[i] === elements[i];
    if (!same) body.replaceChildren(...elements);

    $('empty').hidden = state.devices.size > 0;
    const more = $('more');
    more.hidden = rows.length <= shown.length;
    more.textContent = 'Show ' + Math.min(PAGE_ROWS, rows.length - shown.length).toLocaleString() + ' more';
    $('shown').textContent = shown.length === state.devices.size ? ''
      : shown.length.toLocaleString() + ' of ' + state.devices.size.toLocaleString() + ' shown' +
        (rows.length > shown.length && rows.length < state.devices.size ? ' (' + rows.length.toLocaleString() + ' match)' : '');
    for (const th of $('devices').tHead.rows[0].cells) {
      th.classList.toggle('sorted-asc', th.dataset.key === key && dir > 0);
      th.classList.toggle('sorted-desc', th.dataset.key === key && dir < 0);
    }
  }

  // ---------------------------------------------------------------- device view
  function facts(pairs) {
    const list = el('dl');
    for (const [name, value] of pairs) list.append(el('dt', null, name), el('dd', null, value));
    return list;
  }

  // Online/offline bands between `from` and `to`; grey where nothing is known.
  function timeline(transitions, from, to, label) {
    const width = 1000, height = 22;
    const picture = svg('svg', { class: 'timeline', viewBox: `0 0 ${width} ${height + 16}`, preserveAspectRatio: 'none', role: 'img' });
    picture.appendChild(svg('title', {}, label));
    picture.appendChild(svg('rect', { x: 0, y: 0, width, height, class: 'band-unknown' }));
    const x = (ms) => (Math.min(Math.max(ms, from), to) - from) / (to - from) * width;
    transitions.forEach((t, i) => {
      const end = i + 1 < transitions.length ? transitions[i + 1].at_ms : to;
      if (end <= from || t.at_ms >= to) return;
      const band = svg('rect', { x: x(t.at_ms), y: 0, width: Math.max(x(end) - x(t.at_ms), 0.5), height,
        class: t.online ? 'band-online' : 'band-offline' });
      band.appendChild(svg('title', {}, (t.online ? 'online' : 'offline' + (t.cause ? ' (' + t.cause + ')' : '')) +
        ' from ' + fmtTime(t.at_ms) + ' to ' + fmtTime(end)));
      picture.appendChild(band);
    });
    picture.appendChild(svg('text', { x: 2, y: height + 13 }, fmtTime(from)));
    picture.appendChild(svg('text', { x: width - 2, y: height + 13, 'text-anchor': 'end' }, 'now'));
    return picture;
  }

  async function showDevice(id) {
    state.selected = id;
    render();
    const view = $('device-view');
    view.hidden = false;
    const device = state.devices.get(id);
    const head = el('div', { class: 'view-head' }, el('h2', null, id),
      el('button', { type: 'button', class: 'close', onclick: closeDevice }, 'Close'));
    if (!device) {
      clear(view);
      view.append(head, el('p', { class: 'muted' }, 'This device has been forgotten.'));
      return;
    }
    let history = null, historyError = null;
    try {
      history = await api('GET', '/api/devices/' + encodeURIComponent(id) + '/history?from=' + (Date.now() - 7 * DAY));
    } catch (e) { historyError = e.message; }
    if (state.selected !== id) return;

    head.insertBefore(el('span', { class: 'state ' + device.state }, device.state), head.lastChild);
    if (!device.online) {
      head.insertBefore(el('button', { type: 'button', onclick: () => forget(id) }, 'Forget'), head.lastChild);
    }
    const will = device.will;
    const last = device.last_will;
    const payload = last ? el('div', { class: 'payload' }, last.payload) : null;
    const columns = el('div', { class: 'columns' },
      el('div', null, el('h3', null, 'Connection'), facts([
        ['State', device.state + ' since ' + fmtTime(device.since_ms)],
        ['Last seen', fmtTime(device.last_seen_ms)],
        ['Peer', device.peer || '\u2014'],
        ['User name', device.username || '\u2014'],
        ['Protocol', 'MQTT ' + device.protocol],
        ['Keep-alive', device.keep_alive + ' s'],
        ['Clean session', device.clean_session ? 'yes' : 'no'],
        ['Last disconnect', device.last_cause ? device.last_cause + (device.last_reason ? ': ' + device.last_reason : '') : '\u2014'],
      ])),
      el('div', null, el('h3', null, 'Will'), will ? facts([
        ['Topic', will.topic], ['QoS', will.qos], ['Retain', will.retain ? 'yes' : 'no'],
        ['Delay', will.delay_seconds + ' s'], ['Payload', fmtBytes(will.payload_size)],
      ]) : el('p', { class: 'muted' }, 'none'),
      el('h3', null, 'Last Will published'), last ? facts([
        ['Topic', last.topic], ['At', fmtTime(last.at_ms)],
        ['Payload', last.payload_encoding === 'base64' ? 'binary, shown as Base64' : 'text'],
      ]) : el('p', { class: 'muted' }, 'none'), payload),
      el('div', null, el('h3', null, 'Counters'), facts([
        ['Messages received', device.counters.messages_received.toLocaleString()],
        ['Messages sent', device.counters.messages_sent.toLocaleString()],
        ['Bytes received', fmtBytes(device.counters.bytes_received)],
        ['Bytes sent', fmtBytes(device.counters.bytes_sent)],
      ])));
    const now = history ? history.now_ms : Date.now();
    const historyPart = history ? el('div', null,
      el('h3', null, 'Last 24 hours \u2014 uptime ' + fmtPercent(history.uptime_24h)),
      timeline(history.transitions, now - DAY, now, 'online and offline over the last 24 hours'),
      el('h3', null, 'Last 7 days \u2014 uptime ' + fmtPercent(history.uptime_7d)),
      timeline(history.transitions, now - 7 * DAY, now, 'online and offline over the last 7 days'))
      : el('p', { class: 'error' }, 'History not available: ' + historyError);
    clear(view);
    view.append(head, columns, historyPart);
  }

  function closeDevice() {
    state.selected = null;
    $('device-view').hidden = true;
    render();
  }

  async function forget(id) {
    if (!window.confirm('Forget this device and its history?')) return;
    try {
      await api('DELETE', '/api/devices/' + encodeURIComponent(id));
      state.devices.delete(id);
      closeDevice();
    } catch (e) { window.alert(e.message); }
  }

  // ---------------------------------------------------------------- broker
  function showBroker(status) {
    const previous = state.lastBroker;
    state.lastBroker = status;
    const seconds = previous ? (status.updated_ms - previous.updated_ms) / 1000 : 0;
    const rate = (name) => (seconds > 0 ? Math.max(0, status[name] - previous[name]) / seconds : null);
    const figures = $('broker-figures');
    clear(figures);
    figures.append(...facts([
      ['Version', status.version],
      ['Up', fmtDuration(status.uptime_seconds)],
      ['Connections', status.clients_connected.toLocaleString()],
      ['Offline sessions', status.clients_disconnected.toLocaleString()],
      ['Subscriptions', status.subscriptions.toLocaleString()],
      ['Retained', status.retained_messages.toLocaleString()],
      ['Messages in', fmtRate(rate('messages_received'))],
      ['Messages out', fmtRate(rate('messages_sent'))],
      ['Bytes in', rate('bytes_received') === null ? '\u2014' : fmtBytes(Math.round(rate('bytes_received'))) + '/s'],
      ['Bytes out', rate('bytes_sent') === null ? '\u2014' : fmtBytes(Math.round(rate('bytes_sent'))) + '/s'],
      ['Wills published', status.wills_published.toLocaleString()],
      ['Dropped', status.messages_dropped.toLocaleString()],
    ]).childNodes);
    const listeners = $('listeners');
    clear(listeners);
    for (const listener of status.listeners) {
      listeners.appendChild(el('li', null, listener.address + ': ' + listener.connections + ' open, ' + listener.accepted + ' accepted'));
    }
    if (!status.listeners.length) listeners.appendChild(el('li', { class: 'muted' }, 'none reported'));
    showBridges(status.bridges || [], previous ? previous.bridges || [] : [], seconds);
  }

  // `before`: the bridges of the previous broker event, `seconds` ago (for the rates).
  function showBridges(bridges, before, seconds) {
    const box = $('bridges');
    clear(box);
    if (!bridges.length) { box.appendChild(el('p', { class: 'muted' }, 'no bridge configured')); return; }
    for (const bridge of bridges) {
      const state = bridge.connected ? 'connected' : 'disconnected';
      const last = before.find((b) => b.name === bridge.name);
      const rate = (name) => (last && seconds > 0 ? Math.max(0, bridge[name] - last[name]) / seconds : null);
      box.append(el('h3', null, bridge.name + ' ', el('span', { class: 'state ' + (bridge.connected ? 'online' : 'offline') }, state)),
        facts([
          ['Cloud', bridge.address],
          ['Since', fmtTime(bridge.since_ms)],
          ['Backlog', bridge.backlog_messages.toLocaleString() + ' messages, ' + fmtBytes(bridge.backlog_bytes)],
          ['Oldest queued', bridge.oldest_queued_ms ? fmtAgo(bridge.oldest_queued_ms) : '\u2014'],
          ['Sent / acked', bridge.sent.toLocaleString() + ' / ' + bridge.acked.toLocaleString()],
          ['Forwarding', fmtRate(rate('acked'))],
          ['Dropped / refused', bridge.dropped.toLocaleString() + ' / ' + bridge.rejected.toLocaleString()],
          ['Received (downlink)', (bridge.received || 0).toLocaleString()],
          ['Last error', bridge.last_error || '\u2014'],
        ]));
    }
  }

  // ---------------------------------------------------------------- wiring
  document.addEventListener('DOMContentLoaded', () => {
    $('login-form').addEventListener('submit', (event) => login(event).catch(showError));
    $('logout').addEventListener('click', logout);
    $('search').addEventListener('input', (event) => {
      state.search = event.target.value.trim().toLowerCase();
      state.limit = PAGE_ROWS;
      render();
    });
    $('filter').addEventListener('change', (event) => { state.filter = event.target.value; state.limit = PAGE_ROWS; render(); });
    $('more').addEventListener('click', () => { state.limit += PAGE_ROWS; render(); });
    for (const th of $('devices').tHead.rows[0].cells) {
      th.addEventListener('click', () => {
        const key = th.dataset.key;
        state.sort = { key, dir: state.sort.key === key ? -state.sort.dir : 1 };
        render();
      });
    }
    setInterval(() => { if (!$('app').hidden) render(); }, 10000);
    boot().catch(showError);
  });
})();
