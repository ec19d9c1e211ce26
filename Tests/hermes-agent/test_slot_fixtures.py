"""The gateway slots the Swift ImageTests run under real s6 (Tests/fixture/slots/) are
byte for byte what the patched hermes_cli renders, for every release whose renderer
has a finish script (0.18.0 on: their slots are one). With HERMES_WRITE_SLOT_FIXTURES=1
the fixture is written from the package instead (after a patch changes the slots)."""
import os
from pathlib import Path

import pytest

from hermes_cli import service_manager as sm

pytestmark = pytest.mark.skipif(not hasattr(sm.S6ServiceManager, "_render_finish_script"),
                                reason="the fixture holds the slots of the 0.18.0 on CLI; this release's differ")

FIXTURE = Path(os.environ["HERMES_REPO"]) / "Tests/fixture/slots"


def rendered(profile):
    return {
        "type": "longrun\n",
        "run": sm.S6ServiceManager._render_run_script(profile, extra_env={}),
        "finish": sm.S6ServiceManager._render_finish_script(),
        "log/run": sm.S6ServiceManager._render_log_run(profile),
    }


@pytest.mark.parametrize("profile", ["default", "coder"])
def test_fixture_slot_is_what_hermes_cli_renders(profile, monkeypatch):
    monkeypatch.setattr(sm, "_privdrop_available", lambda: True)
    slot = FIXTURE / ("gateway-" + profile)
    for name, text in rendered(profile).items():
        if os.environ.get("HERMES_WRITE_SLOT_FIXTURES") == "1":
            (slot / name).parent.mkdir(parents=True, exist_ok=True)
            (slot / name).write_text(text)
        assert (slot / name).read_text() == text, name
        # The slot execs privdrop, never s6-setuidgid: the fixture cannot pass unpatched.
        assert "s6-setuidgid" not in text, name
