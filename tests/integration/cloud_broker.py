"""A real Mosquitto standing in for the cloud broker of the bridge tests:
started on 127.0.0.1 ports chosen by the test, optionally with a TLS listener
that requires a client certificate (certificates made with ``openssl``), and
with persistence so that a subscriber's session (and the messages queued for
it) survives a stop and start of the cloud on the same ports."""

from __future__ import annotations

import os
import pwd
import subprocess
from pathlib import Path

import paho.mqtt.client as mqtt

from mqtt_paho import PahoClient
from willgate_harness import MOSQUITTO, Broker, free_port


def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


class Certificates:
    """A CA with a server certificate for 127.0.0.1 and a client certificate."""

    def __init__(self, directory: Path, name: str = "ca"):
        self.dir = directory
        directory.mkdir(parents=True, exist_ok=True)
        ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        _openssl("req", "-x509", *ec, "-keyout", f"{name}.key", "-out", f"{name}.pem", "-days", "2",
                 "-subj", f"/CN=WillGate test {name}", cwd=directory)
        (directory / "san.ext").write_text("subjectAltName=IP:127.0.0.1,DNS:localhost\n")
        for who in ("server", "client"):
            _openssl("req", *ec, "-keyout", f"{who}.key", "-out", f"{who}.csr", "-subj", f"/CN={who}",
                     cwd=directory)
            extra = ["-extfile", "san.ext"] if who == "server" else []
            _openssl("x509", "-req", "-in", f"{who}.csr", "-CA", f"{name}.pem", "-CAkey", f"{name}.key",
                     "-CAcreateserial", "-out", f"{who}.pem", "-days", "2", *extra, cwd=directory)
        self.ca = directory / f"{name}.pem"
        self.server_cert, self.server_key = directory / "server.pem", directory / "server.key"
        self.client_cert, self.client_key = directory / "client.pem", directory / "client.key"


class Cloud:
    """``port``: the bridge's listener (TLS with a required client certificate
    when ``certificates`` is given); ``plain_port``: a plain listener for the
    test's own subscribers."""

    def __init__(self, workdir: Path, certificates: Certificates | None = None, acl: list[str] | None = None,
                 passwords: dict[str, str] | None = None, identity_as_username: bool = False):
        """``acl``: Mosquitto acl_file lines (before any ``user`` line: anonymous clients; a topic not
        granted is refused). ``passwords``: user name -> password for a password_file (the bridge's
        listener then refuses other credentials). ``identity_as_username``: the client
        certificate's CN is the user name (for ``user`` lines of the ACL)."""
        self.workdir = workdir
        self.acl = acl
        self.passwords = passwords
        self.identity_as_username = identity_as_username
        workdir.mkdir(parents=True, exist_ok=True)
        self.certificates = certificates
        self.port = free_port()
        self.plain_port = free_port() if certificates or passwords is not None else self.port
        self.process: Broker | None = None
        self.runs = 0

    def config_text(self) -> str:
        # Started as root, Mosquitto would become "mosquitto", who cannot read the test's files.
        lines = [f"user {pwd.getpwuid(os.getuid()).pw_name}", "allow_anonymous true", "log_dest stderr", "log_type all", "connection_messages true",
                 "persistence true", f"persistence_location {self.workdir}/", "max_queued_messages 0",
                 "max_inflight_messages 100"]
        if self.acl is not None:
            acl_file = self.workdir / "acl"
            acl_file.write_text("\n".join(self.acl) + "\n")
            if self.passwords is None:
                lines.append(f"acl_file {acl_file}")
        if self.passwords is not None:
            password_file = self.workdir / "passwords"
            password_file.write_text("")
            for user, password in self.passwords.items():
                subprocess.run(["mosquitto_passwd", "-b", str(password_file), user, password], check=True,
                               capture_output=True)
            # Anonymous clients (the test's own) on the plain listener; the bridge's needs a password.
            lines = [l for l in lines if l != "allow_anonymous true"]
            lines += ["per_listener_settings true", f"listener {self.plain_port} 127.0.0.1", "allow_anonymous true"]
            if self.acl is not None:
                lines.append(f"acl_file {self.workdir / 'acl'}")
            lines += [f"listener {self.port} 127.0.0.1", "allow_anonymous false", f"password_file {password_file}"]
            if self.acl is not None:
                lines.append(f"acl_file {self.workdir / 'acl'}")
        elif self.certificates:
            c = self.certificates
            lines += [f"listener {self.plain_port} 127.0.0.1",
                      f"listener {self.port} 127.0.0.1", f"cafile {c.ca}", f"certfile {c.server_cert}",
                      f"keyfile {c.server_key}", "require_certificate true"]
            if self.identity_as_username:
                lines.append("use_identity_as_username true")
        else:
            lines.insert(0, f"listener {self.port} 127.0.0.1")
        return "\n".join(lines) + "\n"

    def start(self) -> "Cloud":
        conf = self.workdir / "mosquitto.conf"
        conf.write_text(self.config_text())
        self.runs += 1
        run_dir = self.workdir / f"run{self.runs}"
        run_dir.mkdir()
        self.process = Broker([MOSQUITTO, "-c", str(conf)], run_dir, "mosquitto",
                              mosquitto_port=self.plain_port).start()
        return self

    def stop(self) -> None:
        if self.process is not None:
            self.process.stop()
            self.process = None

    def subscriber(self, filter_: str, client_id: str | None = None, clean_session: bool = True) -> PahoClient:
        """A QoS 1 subscriber on the plain listener."""
        c = PahoClient("127.0.0.1", self.plain_port, client_id, clean_session)
        c.connect(expect_rc=None)
        assert c.subscribe(filter_, 1) == [1]
        return c

    def reconnect(self, client_id: str) -> PahoClient:
        """The persistent session ``client_id`` again (its queued messages follow)."""
        c = PahoClient("127.0.0.1", self.plain_port, client_id, clean_session=False)
        session_present, _ = c.connect()
        assert session_present, f"the cloud lost the session of {client_id}"
        return c


def publish_numbered(host: str, port: int, count: int, topics: list[str], qos: int = 1,
                     timeout: float = 60.0) -> None:
    """Publish ``count`` messages with payloads "0".."count-1", round robin over
    ``topics``, at most 100 in flight; returns once every one is acknowledged."""
    import threading
    done = threading.Event()
    acked = [0]

    def on_publish(client, userdata, mid):
        acked[0] += 1
        if acked[0] == count:
            done.set()

    client = mqtt.Client(client_id=f"numbered-{port}-{count}")
    client.max_inflight_messages_set(100)
    client.max_queued_messages_set(0)
    client.on_publish = on_publish
    client.connect(host, port)
    client.loop_start()
    try:
        for i in range(count):
            info = client.publish(topics[i % len(topics)], str(i), qos)
            assert info.rc == mqtt.MQTT_ERR_SUCCESS
        assert done.wait(timeout), f"only {acked[0]} of {count} publishes acknowledged within {timeout:.0f}s"
    finally:
        client.disconnect()
        client.loop_stop()
