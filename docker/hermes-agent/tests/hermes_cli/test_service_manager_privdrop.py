"""Gateway slots rendered with privdrop (hermes-agent-0.19.0.patch): no with-contenv, no
s6-setuidgid, no ``id -u`` fork, the same environment and the same drop. Runs against
the installed, patched hermes_cli."""
import os
import shutil
import subprocess
import sys
import textwrap

import pytest

from hermes_cli import service_manager as sm
from hermes_cli.service_manager import S6ServiceManager

FORBIDDEN = ("with-contenv", "s6-setuidgid", "id -u")


@pytest.fixture
def with_privdrop(monkeypatch):
    monkeypatch.setattr(sm, "_privdrop_available", lambda: True)


@pytest.fixture
def without_privdrop(monkeypatch):
    monkeypatch.setattr(sm, "_privdrop_available", lambda: False)


def _scripts(profile):
    return {
        "run": S6ServiceManager._render_run_script(profile, extra_env={}),
        "finish": S6ServiceManager._render_finish_script(),
        "log/run": S6ServiceManager._render_log_run(profile),
    }


@pytest.mark.parametrize("profile", ["default", "coder", "a_b-9"])
def test_privdrop_scripts_have_no_contenv_setuidgid_or_id(with_privdrop, profile):
    for name, text in _scripts(profile).items():
        assert text.startswith("#!/bin/sh\n"), name
        for word in FORBIDDEN:
            assert word not in text, (name, word)


def test_run_script_default_profile(with_privdrop):
    text = S6ServiceManager._render_run_script("default", extra_env={})
    assert text == textwrap.dedent("""\
        #!/bin/sh
        # shellcheck shell=sh
        [ "${1-}" = --with-container-environment ] || exec /opt/hermes/bin/privdrop --envdir /run/s6/container_environment "" "$0" --with-container-environment
        set -e
        export HOME=/opt/data
        cd /opt/data
        . /opt/hermes/.venv/bin/activate
        export HERMES_S6_SUPERVISED_CHILD=1
        exec /opt/hermes/bin/privdrop --keep-runtime-groups hermes hermes gateway run --replace
        """)


def test_run_script_named_profile_and_extra_env(with_privdrop):
    text = S6ServiceManager._render_run_script("coder", extra_env={"B": "two words", "A": "1"})
    lines = text.splitlines()
    assert lines[-1] == "exec /opt/hermes/bin/privdrop --keep-runtime-groups hermes hermes -p coder gateway run --replace"
    assert lines.index("export A=1") < lines.index("export B='two words'") < lines.index("export HERMES_S6_SUPERVISED_CHILD=1")


def test_log_run_drops_s6_log_and_keeps_the_root_side_repairs(with_privdrop):
    text = S6ServiceManager._render_log_run("coder")
    assert 'log_dir="$HERMES_HOME/logs/gateways/coder"' in text
    assert 'chown hermes:hermes "$HERMES_HOME/logs/gateways" 2>/dev/null || true' in text
    assert 'rm -f "$log_dir/lock"' in text
    assert text.endswith('exec /opt/hermes/bin/privdrop hermes s6-log 1 n10 s1000000 T "$log_dir"\n')


def test_finish_script_fatal_config_is_permanent(with_privdrop):
    from gateway.restart import GATEWAY_FATAL_CONFIG_EXIT_CODE

    assert sm._GATEWAY_FATAL_CONFIG_EXIT_CODE == GATEWAY_FATAL_CONFIG_EXIT_CODE
    text = S6ServiceManager._render_finish_script()
    for code, want in ((str(GATEWAY_FATAL_CONFIG_EXIT_CODE), 125), ("0", 0), ("1", 0), ("256", 0)):
        assert subprocess.run(["sh", "-c", text, "finish", code]).returncode == want, code


def test_without_privdrop_the_s6_scripts_are_kept(without_privdrop):
    scripts = _scripts("coder")
    assert scripts["run"].startswith("#!/command/with-contenv sh\n")
    assert scripts["run"].endswith("exec s6-setuidgid hermes hermes -p coder gateway run --replace\n")
    assert '[ "$(id -u)" = 0 ] || exec hermes -p coder gateway run --replace' in scripts["run"]
    assert scripts["finish"].startswith("#!/command/with-contenv sh\n")
    assert scripts["log/run"].endswith('exec s6-setuidgid hermes s6-log 1 n10 s1000000 T "$log_dir"\n')


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
    for name, text in _scripts(profile).items():
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
    assert got["argv"] == ["-p", "coder", "gateway", "run", "--replace"]
    assert got["cwd"] == str(tmp_path)
    assert got["env"]["DROPPED_TO"] == "hermes"
    assert got["env"]["KEPT_RUNTIME_GROUPS"] == "1"
    assert got["env"]["API_SERVER_KEY"] == "k"
    assert got["env"]["MULTI"] == "a\nb"
    assert "UNSET_ME" not in got["env"]
    assert got["env"]["HOME"] == str(tmp_path)
    assert got["env"]["HERMES_S6_SUPERVISED_CHILD"] == "1"
    assert got["env"]["VIRTUAL_ENV"] == str(tmp_path)
