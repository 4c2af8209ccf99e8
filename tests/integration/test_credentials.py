"""``willgate credentials huawei_iotda``: the MQTT credentials the gateway computes for Huawei
Cloud IoTDA, checked against an independent computation with Python's hmac module. Not MQTT:
willgate only."""

import hashlib
import hmac
import re
import subprocess
from datetime import datetime, timezone

import pytest

from willgate_harness import willgate_binary

pytestmark = pytest.mark.willgate_only


def run_credentials(*args, stdin=None):
    binary = willgate_binary()
    assert binary, "WILLGATE_BIN is not set"
    return subprocess.run([binary, "credentials", "huawei_iotda", *args], input=stdin, capture_output=True,
                          text=True, timeout=30)


def lines_of(result):
    assert result.returncode == 0, result.stderr
    fields = dict(line.split("=", 1) for line in result.stdout.splitlines())
    assert list(fields) == ["client_id", "username", "password"], result.stdout
    return fields


def expected_password(secret, timestamp):
    # Key: the timestamp; message: the secret.
    return hmac.new(timestamp.encode(), secret.encode(), hashlib.sha256).hexdigest()


def test_prints_client_id_username_and_password():
    fields = lines_of(run_credentials("--device-id", "6543a1b2c3_gw-7", "--secret", "12345678",
                                      "--timestamp", "2025041401"))
    assert fields["client_id"] == "6543a1b2c3_gw-7_0_1_2025041401"
    assert fields["username"] == "6543a1b2c3_gw-7"
    assert fields["password"] == expected_password("12345678", "2025041401")
    # Huawei's published example for this secret and timestamp.
    assert fields["password"] == "c75150e6cb841417396819e4d2ee4358a416344a03a083e3a8567074ddec820a"


def test_sign_type_follows_check_timestamp():
    unchecked = lines_of(run_credentials("--device-id", "d1", "--secret", "s", "--timestamp", "2019122614",
                                         "--check-timestamp", "0"))
    assert unchecked["client_id"] == "d1_0_0_2019122614"
    checked = lines_of(run_credentials("--device-id", "d1", "--secret", "s", "--timestamp=2019122614",
                                       "--check-timestamp=1"))
    assert checked["client_id"] == "d1_0_1_2019122614"
    assert checked["password"] == unchecked["password"] == expected_password("s", "2019122614")


def test_without_a_timestamp_it_uses_the_current_utc_hour():
    before = datetime.now(timezone.utc)
    fields = lines_of(run_credentials("--device-id", "d1", "--secret", "a secret with spaces"))
    after = datetime.now(timezone.utc)
    match = re.fullmatch(r"d1_0_1_(\d{10})", fields["client_id"])
    assert match, fields["client_id"]
    stamp = match.group(1)
    # The hour may turn while the command runs.
    assert stamp in {before.strftime("%Y%m%d%H"), after.strftime("%Y%m%d%H")}
    assert fields["password"] == expected_password("a secret with spaces", stamp)


def test_secret_from_stdin():
    fields = lines_of(run_credentials("--device-id", "d1", "--secret", "-", "--timestamp", "2024022923",
                                      stdin="from stdin\n"))
    assert fields["password"] == expected_password("from stdin", "2024022923")
    empty = run_credentials("--device-id", "d1", "--secret", "-", stdin="")
    assert empty.returncode == 1
    assert "no secret on stdin" in empty.stderr


@pytest.mark.parametrize("args, message", [
    (("--device-id", "d1", "--secret", "s", "--timestamp", "2025021912x"), "--timestamp:"),
    (("--device-id", "d1", "--secret", "s", "--timestamp", "2025022912"), "day 29 does not exist"),
    (("--device-id", "d1", "--secret", "s", "--timestamp", "2025021924"), "hour 24"),
    (("--device-id", "has space", "--secret", "s"), "--device-id:"),
    (("--device-id", "d1", "--secret", "s", "--check-timestamp", "yes"), "0 or 1"),
    (("--device-id", "d1"), "credentials needs --secret"),
    (("--secret", "s"), "credentials needs --device-id"),
])
def test_bad_arguments_exit_2_with_the_usage(args, message):
    result = run_credentials(*args)
    assert result.returncode == 2, result.stdout
    assert message in result.stderr
    assert "Usage:" in result.stderr
    assert result.stdout == ""


def test_unknown_profile_exits_2():
    result = subprocess.run([willgate_binary(), "credentials", "generic", "--device-id", "d", "--secret", "s"],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 2
    assert 'the profile "generic" has no computed credentials' in result.stderr


def test_credentials_are_in_the_usage():
    result = subprocess.run([willgate_binary(), "--help"], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0
    assert "willgate credentials huawei_iotda --device-id ID --secret SECRET" in result.stdout
