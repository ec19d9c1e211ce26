"""Gateway slots rendered with privdrop (the release's patch, docker/hermes-agent/releases):
no with-contenv, no s6-setuidgid, no ``id -u`` fork, the same environment and the same
drop. For every supported release the privdrop scripts are the release's own scripts with
the shebang and the drops replaced, line for line. Runs against the installed, patched
hermes_cli."""
import os
import shutil
import subprocess
import sys

import pytest

import _release
from hermes_cli import service_manager as sm
from hermes_cli.service_manager import S6ServiceManager

FORBIDDEN = ("with-contenv", "s6-setuidgid", "id -u")
PRIVDROP_HEAD = [
    "#!/bin/sh",
    "# shellcheck shell=sh",
    '[ "${1-}" = --with-container-environment ] || exec /opt/hermes/bin/privdrop '
    '--envdir /run/s6/container_environment "" "$0" --with-container-environment',
]
SKIP_ID = '[ "$(id -u)" = 0 ] || exec '


@pytest.fixture
def with_privdrop(monkeypatch):
    monkeypatch.setattr(sm, "_privdrop_available", lambda: True)


@pytest.fixture
def without_privdrop(monkeypatch):
    monkeypatch.setattr(sm, "_privdrop_available", lambda: False)


def _scripts(manager, profile):
    scripts = {
        "run": manager._render_run_script(profile, extra_env={"A": "1"}),
        "log/run": manager._render_log_run(profile),
    }
    if _release.HAS_FINISH:
        scripts["finish"] = manager._render_finish_script()
    return scripts


def _releases_scripts(profile):
    return _scripts(_release.pristine("hermes_cli.service_manager").S6ServiceManager, profile)


@pytest.mark.parametrize("profile", ["default", "coder", "a_b-9"])
def test_privdrop_scripts_have_no_contenv_setuidgid_or_id(with_privdrop, profile):
    for name, text in _scripts(S6ServiceManager, profile).items():
        assert text.startswith("#!/bin/sh\n"), name
        for word in FORBIDDEN:
            assert word not in text, (name, word)


@pytest.mark.parametrize("profile", ["default", "coder", "a_b-9"])
def test_without_privdrop_the_releases_scripts_are_kept(without_privdrop, profile):
    assert _scripts(S6ServiceManager, profile) == _releases_scripts(profile)


@pytest.mark.parametrize("profile", ["default", "coder", "a_b-9"])
def test_privdrop_scripts_are_the_releases_with_the_drops_replaced(with_privdrop, profile):
    ours = _scripts(S6ServiceManager, profile)
    for name, text in _releases_scripts(profile).items():
        lines = text.splitlines()
        assert lines[0] == "#!/command/with-contenv sh", name
        if name == "finish":
            want = ["#!/bin/sh"] + lines[1:]
        else:
            assert lines[1] == "# shellcheck shell=sh", name
            body = [line for line in lines[2:] if not line.startswith(SKIP_ID)]
            drop = "exec s6-setuidgid hermes "
            assert body[-1].startswith(drop) and drop not in "\n".join(body[:-1]), name
            keep = "--keep-runtime-groups " if name == "run" else ""
            body[-1] = f"exec /opt/hermes/bin/privdrop {keep}hermes " + body[-1][len(drop):]
            want = PRIVDROP_HEAD + body
        assert ours[name] == "\n".join(want) + "\n", name


def test_the_gateway_command_is_the_releases(with_privdrop):
    last = S6ServiceManager._render_run_script("coder", extra_env={}).splitlines()[-1]
    release = _release.pristine("hermes_cli.service_manager").S6ServiceManager
    command = release._render_run_script("coder", extra_env={}).splitlines()[-1].split(" hermes ", 1)[1]
    assert command.startswith("hermes -p coder gateway run")
    assert last == "exec /opt/hermes/bin/privdrop --keep-runtime-groups hermes " + command


def test_log_run_keeps_the_root_side_repairs(with_privdrop):
    text = S6ServiceManager._render_log_run("coder")
    assert 'log_dir="$HERMES_HOME/logs/gateways/coder"' in text
    assert 'chown -R hermes:hermes "$log_dir" 2>/dev/null || true' in text
    assert text.endswith('exec /opt/hermes/bin/privdrop hermes s6-log 1 n10 s1000000 T "$log_dir"\n')


@pytest.mark.skipif(not _release.HAS_FINISH, reason="the release renders no finish script")
def test_finish_script_fatal_config_is_permanent(with_privdrop):
    from gateway.restart import GATEWAY_FATAL_CONFIG_EXIT_CODE

    assert sm._GATEWAY_FATAL_CONFIG_EXIT_CODE == GATEWAY_FATAL_CONFIG_EXIT_CODE
    text = S6ServiceManager._render_finish_script()
    for code, want in ((str(GATEWAY_FATAL_CONFIG_EXIT_CODE), 125), ("0", 0), ("1", 0), ("256", 0)):
        assert subprocess.run(["sh", "-c", text, "finish", code]).returncode == want, code


def test_privdrop_available_needs_an_executable(tmp_path, monkeypatch):
    fake = tmp_path / "privdrop"
    monkeypatch.setattr(sm, "_PRIVDROP", str(fake))
    assert not sm._privdrop_available()
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o644)
    assert not sm._privdrop_available()
    fake.chmod(0o755)
    assert sm._privdrop_available()


@pytest.mark.parametrize("profile", ["default", "coder"])
def test_scripts_are_valid_sh(with_privdrop, profile):
    for name, text in _scripts(S6ServiceManager, profile).items():
        assert subprocess.run(["sh", "-n", "-c", text]).returncode == 0, name
        if shutil.which("shellcheck"):
            r = subprocess.run(["shellcheck", "-e", "SC1091", "-"], input=text.encode(), capture_output=True)
            assert r.returncode == 0, (name, r.stdout.decode())


FAKE_PRIVDROP = """\
#!{python}
# privdrop's contract, as the run script uses it: --envdir DIR loads every file (one
# trailing newline removed; empty unsets), ACCOUNT "" execs as is, else records the drop
# (and --keep-runtime-groups, which the gateway's drop has).
import os, sys
args = sys.argv[1:]
if args[0] == "--keep-runtime-groups":
    os.environ["KEPT_RUNTIME_GROUPS"] = "1"
    args = args[1:]
if args[0] == "--envdir":
    d = args[1]
    for n in os.listdir(d):
        v = open(os.path.join(d, n), "rb").read()
        if v == b"":
            os.environ.pop(n, None)
        else:
            os.environ[n] = v[:-1].decode() if v.endswith(b"\\n") else v.decode()
    args = args[2:]
if args[0]:
    os.environ["DROPPED_TO"] = args[0]
os.execvp(args[1], args[1:])
"""

FAKE_HERMES = """\
#!{python}
import json, os, sys
json.dump({{"argv": sys.argv[1:], "cwd": os.getcwd(), "env": dict(os.environ)}}, open({out!r}, "w"))
"""


def test_run_script_loads_the_container_environment_then_drops(tmp_path, monkeypatch):
    """The rendered run script, run: privdrop loads the container environment and runs
    the script again; the second run sets HOME, activates the venv and drops to hermes."""
    privdrop = tmp_path / "privdrop"
    privdrop.write_text(FAKE_PRIVDROP.format(python=sys.executable))
    privdrop.chmod(0o755)
    envdir = tmp_path / "container_environment"
    envdir.mkdir()
    (envdir / "API_SERVER_KEY").write_text("k\n")
    (envdir / "MULTI").write_text("a\nb\n")
    (envdir / "UNSET_ME").write_text("")
    out = tmp_path / "hermes.json"
    venv_bin = tmp_path / "bin"
    venv_bin.mkdir()
    (venv_bin / "hermes").write_text(FAKE_HERMES.format(python=sys.executable, out=str(out)))
    (venv_bin / "hermes").chmod(0o755)
    activate = tmp_path / "activate"
    activate.write_text(f'export VIRTUAL_ENV={tmp_path}\nexport PATH="{venv_bin}:$PATH"\n')
    monkeypatch.setattr(sm, "_PRIVDROP", str(privdrop))
    monkeypatch.setattr(sm, "_CONTAINER_ENV_DIR", str(envdir))
    text = S6ServiceManager._render_run_script("coder", extra_env={})
    text = text.replace("/opt/hermes/.venv/bin/activate", str(activate)).replace("/opt/data", str(tmp_path))
    run = tmp_path / "run"
    run.write_text(text)
    run.chmod(0o755)
    env = {"PATH": os.environ["PATH"], "UNSET_ME": "x"}
    assert subprocess.run([str(run)], cwd=tmp_path, env=env).returncode == 0
    import json

    got = json.loads(out.read_text())
    release = _release.pristine("hermes_cli.service_manager").S6ServiceManager
    command = release._render_run_script("coder", extra_env={}).splitlines()[-1].split(" hermes hermes ", 1)[1]
    assert got["argv"] == command.split()
    assert got["cwd"] == str(tmp_path)
    assert got["env"]["DROPPED_TO"] == "hermes"
    assert got["env"]["KEPT_RUNTIME_GROUPS"] == "1"
    assert got["env"]["API_SERVER_KEY"] == "k"
    assert got["env"]["MULTI"] == "a\nb"
    assert "UNSET_ME" not in got["env"]
    assert got["env"]["HOME"] == str(tmp_path)
    assert got["env"]["HERMES_S6_SUPERVISED_CHILD"] == "1"
    assert got["env"]["VIRTUAL_ENV"] == str(tmp_path)
