"""Fixtures for the integration suite: a fresh broker per test in ``tmp_path``,
client factories that clean up after themselves, and a few shared checks.

Run: ``WILLGATE_BIN=build/dev/gateway/willgate /usr/bin/python3 -m pytest -q tests/integration``
or, against the reference broker, ``WILLGATE_TEST_BROKER=mosquitto ...``.
"""

import sys

sys.dont_write_bytecode = True  # keep __pycache__ out of the source tree

import os  # noqa: E402

import pytest  # noqa: E402

from mqtt_paho import PahoClient, roundtrip, unique  # noqa: E402
from mqtt_raw import RawClient  # noqa: E402
from willgate_harness import (MOSQUITTO, Broker, broker_mode, free_port,  # noqa: E402
                              mosquitto_available, mosquitto_config_text, willgate_argv,
                              willgate_binary, willgate_config_text)

MODE = broker_mode()


def pytest_collection_modifyitems(config, items):
    if MODE == "mosquitto":
        skip = pytest.mark.skip(reason="willgate-only behaviour (logs, config, CLI); running against mosquitto")
        for item in items:
            if "willgate_only" in item.keywords:
                item.add_marker(skip)


def pytest_report_header(config):
    if MODE == "mosquitto":
        return f"broker under test: {MOSQUITTO} (reference mode)"
    return f"broker under test: WILLGATE_BIN={willgate_binary()!r}"


@pytest.fixture
def broker_factory(tmp_path):
    """``start(limits=None, listeners=None, bind="127.0.0.1", extra_args=(),
    config_text=None)`` starts a broker and returns a Broker. ``listeners`` is
    a list of (bind, port) written as ``[[listener]]`` tables; pass
    ``bind=None`` to take the listeners from the config file only.

    Teardown: SIGTERM every broker started, kill it if it hangs, and fail the
    test unless it exited 0 without a crash or sanitizer report."""
    started: list[Broker] = []
    counter = iter(range(1000))

    def start(limits=None, listeners=None, bind="127.0.0.1", extra_args=(), config_text=None):
        workdir = tmp_path / f"broker{next(counter)}"
        workdir.mkdir()
        if MODE == "mosquitto":
            if not mosquitto_available():
                pytest.skip("mosquitto is not installed")
            if listeners or extra_args or config_text or bind != "127.0.0.1":
                pytest.skip("listener/CLI options are willgate-only")
            if limits and "connect_timeout" in limits:
                pytest.skip("mosquitto has no connect timeout setting")
            port = free_port()
            conf = workdir / "mosquitto.conf"
            conf.write_text(mosquitto_config_text(port, limits))
            broker = Broker([MOSQUITTO, "-c", str(conf)], workdir, "mosquitto", mosquitto_port=port)
        else:
            binary = willgate_binary()
            if not binary:
                pytest.fail("set WILLGATE_BIN to the willgate binary (or WILLGATE_TEST_BROKER=mosquitto)")
            assert os.access(binary, os.X_OK), f"WILLGATE_BIN={binary!r} is not an executable file"
            data_dir = workdir / "data"
            data_dir.mkdir()
            config = None
            if config_text is not None or limits or listeners:
                config = workdir / "willgate.toml"
                config.write_text(config_text if config_text is not None
                                  else willgate_config_text(data_dir, limits, listeners))
            expected = 1 if bind is not None else max(len(listeners or ()), 1)
            broker = Broker(willgate_argv(binary, data_dir, config, bind, extra_args), workdir,
                            "willgate", expected_listeners=expected)
        started.append(broker)
        return broker.start()

    try:
        yield start
    finally:
        errors = []
        for broker in started:
            broker.stop()
            # Shown by pytest only when the test fails.
            print(f"----- {broker.kind} log ({len(broker.lines())} lines, exit {broker.returncode}) -----")
            print(broker.tail(200))
            try:
                broker.assert_clean_exit()
            except AssertionError as e:
                errors.append(str(e))
        assert not errors, "; ".join(errors)


@pytest.fixture
def broker(broker_factory):
    return broker_factory()


class Clients:
    """Factory for clients of one broker; closes them all at teardown."""

    def __init__(self, broker):
        self.broker = broker
        self._all = []

    def paho(self, client_id=None, clean_session=True, connect=True, host=None, port=None, **kw):
        c = PahoClient(host or self.broker.host, port or self.broker.port, client_id, clean_session, **kw)
        self._all.append(c)
        if connect:
            c.connect()
        return c

    def raw(self, host=None, port=None, timeout=10.0):
        c = RawClient(host or self.broker.host, port or self.broker.port, timeout)
        self._all.append(c)
        return c

    def raw_with_will(self, client_id=None, topic=None, payload=None, qos=1, retain=False, **kw):
        """A raw client connected with a Will (default topic ``will/<id>``, a
        unique payload); returns (client, client_id, will_topic, will_payload)."""
        client_id = client_id or unique("dev-")
        topic = topic or f"will/{client_id}"
        payload = unique("gone-").encode() if payload is None else payload
        c = self.raw()
        c.connect(client_id, will_topic=topic, will_payload=payload, will_qos=qos,
                  will_retain=retain, **kw)
        return c, client_id, topic, payload

    def watcher(self, filter="will/#", qos=2):
        """A paho client subscribed to ``filter``."""
        w = self.paho()
        assert w.subscribe(filter, qos) == [qos]
        return w

    def close_all(self):
        for c in reversed(self._all):
            try:
                c.close()
            except Exception:  # teardown must go on
                pass


@pytest.fixture
def clients(broker):
    c = Clients(broker)
    try:
        yield c
    finally:
        c.close_all()


@pytest.fixture
def clients_of(broker_factory):
    """``clients_of(broker)`` -> Clients, for brokers started with broker_factory."""
    made = []

    def make(broker):
        c = Clients(broker)
        made.append(c)
        return c

    try:
        yield make
    finally:
        for c in made:
            c.close_all()


class Bystander:
    """A client connected before something bad happens; ``assert_alive()``
    checks it still gets its own messages and that new clients can connect."""

    def __init__(self, clients):
        self.clients = clients
        self.topic = unique("bystander/")
        self.client = clients.paho()
        self.client.subscribe(self.topic, 1)

    def assert_alive(self):
        assert self.clients.broker.running(), "broker process died"
        roundtrip(self.client, self.client, self.topic, qos=1)
        fresh = self.clients.paho()
        roundtrip(fresh, self.client, self.topic, qos=0)
        fresh.disconnect()


@pytest.fixture
def bystander(clients):
    return Bystander(clients)
