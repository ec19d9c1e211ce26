"""hermes-init's own slot renderer (--hermes-init-render-gateway) writes byte for byte
what the patched hermes_cli renders: one slot, two writers, the same files. It renders
the slots of the releases with a finish script (0.18.0 on: their renderers are one)."""
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from hermes_cli import service_manager as sm

pytestmark = pytest.mark.skipif(not hasattr(sm.S6ServiceManager, "_render_finish_script"),
                                reason="hermes-init renders the slots of the 0.18.0 on CLI; this release's differ")

HERMES_INIT = os.environ.get("HERMES_INIT_BIN") or str(Path(os.environ["HERMES_REPO"]) / ".build/debug/hermes-init")


@pytest.mark.parametrize("profile", ["default", "coder", "a_b-9"])
def test_hermes_init_renders_what_hermes_cli_renders(profile, monkeypatch):
    monkeypatch.setattr(sm, "_privdrop_available", lambda: True)
    top = Path(tempfile.mkdtemp(prefix="hermes-slot-"))  # 0700 pytest dirs keep nobody out
    os.chmod(top, 0o755)
    scandir = top / "service"
    scandir.mkdir()
    os.chmod(scandir, 0o777)
    try:
        check(profile, scandir)
    finally:
        shutil.rmtree(top)


def check(profile, scandir):
    # As nobody: the renderer then leaves ownership alone (as root it gives the
    # supervise skeleton to hermes, an account this machine may not have).
    cmd = [HERMES_INIT, "--hermes-init-render-gateway", profile, "--scandir", str(scandir)]
    if os.geteuid() == 0:
        cmd = ["setpriv", "--reuid", "65534", "--regid", "65534", "--clear-groups"] + cmd
    r = subprocess.run(cmd, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    slot = scandir / ("gateway-" + profile)
    want = {
        "type": "longrun\n",
        "run": sm.S6ServiceManager._render_run_script(profile, extra_env={}),
        "finish": sm.S6ServiceManager._render_finish_script(),
        "log/run": sm.S6ServiceManager._render_log_run(profile),
    }
    for name, text in want.items():
        assert (slot / name).read_text() == text, name
    for name in ("run", "finish", "log/run"):
        assert (slot / name).stat().st_mode & 0o777 == 0o755, name
