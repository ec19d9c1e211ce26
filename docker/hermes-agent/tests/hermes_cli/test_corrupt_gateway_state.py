"""A gateway_state.json that cannot be read as a JSON object (cut short, not UTF-8, JSON
that is not an object, unreadable) counts as "no prior state" for the boot reconcile and
as an empty record for the CLI's intent write, as gateway/status.py's own reader already
treats it (the release's patch). Unpatched, the reconcile raised (UnicodeDecodeError,
AttributeError): 02-reconcile-profiles failed, no slot was registered, and the gateway the
CMD asks for never came up until the operator deleted the file. Runs against the
installed, patched package."""
import json

import pytest

import _release
from hermes_cli import service_manager as sm

BAD = {
    "truncated": b'{"gateway_state": "running", "desired_sta',
    "not utf-8": b"\x00\xffgarbage\n",
    "a list": b'["running"]\n',
    "a string": b'"running"\n',
    "null": b"null\n",
    "empty": b"",
}


@pytest.mark.parametrize("what", BAD)
def test_the_reconcile_reads_no_prior_state(tmp_path, what):
    (tmp_path / "gateway_state.json").write_bytes(BAD[what])
    assert _release.READ_STATE(tmp_path) is None


def test_a_good_file_still_counts(tmp_path):
    (tmp_path / "gateway_state.json").write_text('{"gateway_state": "stopped", "desired_state": "stopped"}')
    assert _release.READ_STATE(tmp_path) == "stopped"


@pytest.mark.skipif(not _release.HAS_INTENT, reason="the release's CLI writes no intent")
@pytest.mark.parametrize("what", BAD)
def test_the_intent_write_replaces_it(tmp_path, monkeypatch, what):
    monkeypatch.setenv("HERMES_HOME", str(tmp_path))
    state = tmp_path / "gateway_state.json"
    state.write_bytes(BAD[what])
    sm._write_gateway_desired_state("gateway-default", "stopped")
    assert json.loads(state.read_text())["desired_state"] == "stopped"
