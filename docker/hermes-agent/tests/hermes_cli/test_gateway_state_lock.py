"""The operator's intent survives the gateway's own status writes (the release's patch,
for the releases whose CLI writes it, 0.17.0 on):
`hermes gateway start/stop/restart` persists desired_state before it signals the service,
and both writers of gateway_state.json take the same lock around their read-modify-write.
Runs against the installed, patched package."""
import json
import threading

import pytest

import _release
from gateway import status
from hermes_cli import service_manager as sm
from hermes_cli.service_manager import S6ServiceManager

pytestmark = pytest.mark.skipif(not _release.HAS_INTENT, reason="the release's CLI writes no intent")


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("HERMES_HOME", str(tmp_path))
    state = tmp_path / "gateway_state.json"
    # One file for both writers: the gateway's runtime status and the CLI's intent.
    assert status._get_runtime_status_path() == state
    assert sm._profile_dir_for_gateway_service("gateway-default") / "gateway_state.json" == state
    return state


@pytest.mark.parametrize("verb,flag,intent", [("stop", "-d", "stopped"), ("start", "-u", "running"),
                                             ("restart", "-t", "running")])
def test_intent_is_on_disk_before_the_signal(home, monkeypatch, verb, flag, intent):
    home.write_text(json.dumps({"gateway_state": "running", "desired_state": "other"}))
    seen = []
    monkeypatch.setattr(S6ServiceManager, "_run_svc",
                        lambda self, f, label, name: seen.append((f, json.loads(home.read_text()).get("desired_state"))))
    monkeypatch.setattr(S6ServiceManager, "_supervised_pid", lambda self, name: None)
    getattr(S6ServiceManager(), verb)("gateway-default")
    assert seen == [(flag, intent)]
    assert json.loads(home.read_text())["desired_state"] == intent


def test_a_stop_during_the_gateways_write_is_not_lost(home, monkeypatch):
    """The interleaving that lost `stopped`: the gateway reads the file, the CLI writes its
    intent, the gateway writes what it read. The CLI's write is started between the two;
    with the lock it waits for the gateway's write and lands after it."""
    home.write_text(json.dumps({"gateway_state": "running", "desired_state": "running"}))
    read = status._read_json_file
    cli = threading.Thread(target=sm._write_gateway_desired_state, args=("gateway-default", "stopped"))

    def gateway_read(path):
        payload = read(path)
        cli.start()
        cli.join(0.5)  # unlocked, the CLI's write is done by now
        return payload

    monkeypatch.setattr(status, "_read_json_file", gateway_read)
    status.write_runtime_status(gateway_state="stopping")
    cli.join(10)
    assert not cli.is_alive()
    data = json.loads(home.read_text())
    assert data["gateway_state"] == "stopping"
    assert data["desired_state"] == "stopped"


def test_the_lock_is_best_effort(tmp_path):
    """No directory for the lock file: the write goes ahead, as before the patch."""
    with status.runtime_status_lock(tmp_path / "missing" / "gateway_state.json"):
        pass
