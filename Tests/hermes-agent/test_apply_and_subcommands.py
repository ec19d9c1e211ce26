"""docker/hermes-agent/apply.py (the Dockerfile's patch step), the releases file it reads,
and hermes-init's routing list, against the installed hermes-agent (one venv per release:
scripts/test-hermes-agent.sh)."""
import os
import re
import shutil
import sys
from pathlib import Path

import pytest

REPO = Path(os.environ["HERMES_REPO"])
sys.path.insert(0, str(REPO / "docker" / "hermes-agent"))
import apply  # noqa: E402

RELEASES = apply.read_releases()
UPSTREAM = Path(os.environ.get("HERMES_UPSTREAM") or REPO.parent / "shared" / "upstream")


def installed():
    from importlib.metadata import version
    return version("hermes-agent")


PATCH = REPO / "docker" / "hermes-agent" / RELEASES[installed()]["patch"]


def builtin_list():
    """hermes-init's built-in list and the release it is the list of."""
    text = next(REPO.glob("Sources/HermesCore/**/Routing.swift")).read_text()
    m = re.search(r'defaultSubcommands: StaticString =\s*"([^"]*)"', text)
    release = re.search(r"_BUILTIN_SUBCOMMANDS` of hermes-agent\s*(?:///\s*)?(\d+\.\d+\.\d+)", text)
    return set(m.group(1).split()), release.group(1)


def test_hermes_init_builtin_subcommands_are_the_clis():
    import hermes_cli.main as m

    names, release = builtin_list()
    assert release in RELEASES
    if release != installed():
        pytest.skip(f"the built-in list is {release}'s; the image file (next test) is this release's")
    assert names == set(m._BUILTIN_SUBCOMMANDS)


def test_readme_and_docs_name_the_releases_of_the_file():
    readme = (REPO / "README.md").read_text()
    m = re.search(r"\*\*Supported hermes-agent releases\*\*[^:]*:(.*?), every release", readme, re.S)
    assert m, "README names no supported releases"
    assert re.findall(r"\d+\.\d+\.\d+", m.group(1)) == list(RELEASES)
    table = (REPO / "docs" / "hermes-agent.md").read_text()
    rows = re.findall(r"^\| (\d+\.\d+\.\d+) \|", table, re.M)
    assert rows == list(RELEASES)


def test_the_releases_file():
    """Every release names a patch that is there and glue that is in ../shared/upstream,
    and the dashboard rule is what that glue's dashboard service does."""
    assert list(RELEASES) == sorted(RELEASES, key=lambda v: tuple(map(int, v.split("."))))
    for version, r in RELEASES.items():
        assert (REPO / "docker" / "hermes-agent" / r["patch"]).is_file(), version
        run = UPSTREAM / f"hermes-agent-{r['glue']}" / "docker" / "s6-rc.d" / "dashboard" / "run"
        text = run.read_text()
        insecure = 'insecure="--insecure"' in text
        opt_in = 'case "${HERMES_DASHBOARD_INSECURE:-}" in' in text
        rule = "never" if not insecure else "opt-in" if opt_in else "non-loopback"
        assert r["dashboard_insecure"] == rule, version


def test_the_image_file_is_the_installed_clis_list():
    import hermes_cli.main as m

    lines = Path(os.environ["HERMES_SUBCOMMANDS_FILE"]).read_text().splitlines()
    assert lines == sorted(m._BUILTIN_SUBCOMMANDS)


@pytest.fixture
def pristine(tmp_path):
    """The installed (patched) files, unpatched again into tmp_path."""
    import hermes_cli

    root = Path(hermes_cli.__file__).parent.parent
    for rel, hunks in apply.parse_patch(PATCH.read_text()):
        src = (root / rel).read_text().splitlines(keepends=True)
        back = apply.apply_hunks(src, hunks, reverse=True)
        assert back is not None, rel
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("".join(back))
    return tmp_path


def test_apply_then_again(pristine):
    changed = apply.apply_patch(pristine, PATCH)
    assert sorted(p.name for p in changed) == sorted(Path(rel).name for rel, _ in apply.parse_patch(PATCH.read_text()))
    assert {"container_boot.py", "service_manager.py"} <= {p.name for p in changed}
    assert "_PRIVDROP" in (pristine / "hermes_cli/service_manager.py").read_text()
    assert apply.apply_patch(pristine, PATCH) == []


def test_a_file_that_differs_changes_nothing(pristine, capsys):
    sm = pristine / "hermes_cli/service_manager.py"
    cb = pristine / "hermes_cli/container_boot.py"
    sm.write_text(sm.read_text().replace('_S6_BIN_DIR = "/command"', '_S6_BIN_DIR = "/usr/bin"'))
    before = (sm.read_text(), cb.read_text())
    with pytest.raises(SystemExit) as e:
        apply.apply_patch(pristine, PATCH)
    assert e.value.code == 1
    assert (sm.read_text(), cb.read_text()) == before
    assert "does not fit" in capsys.readouterr().err


def test_a_version_without_a_patch_fails_naming_it(monkeypatch, capsys, tmp_path):
    monkeypatch.setattr(apply, "find_package", lambda: (tmp_path, "0.20.0"))
    monkeypatch.setattr(sys, "argv", ["apply.py"])
    with pytest.raises(SystemExit) as e:
        apply.main()
    err = capsys.readouterr().err
    assert e.value.code == 1
    assert "hermes-agent 0.20.0 is installed" in err and ", ".join(RELEASES) in err


def test_the_release_file_the_services_read(tmp_path, monkeypatch):
    """apply.py --release writes the release's settings as shell assignments."""
    out = tmp_path / "release"
    monkeypatch.setattr(sys, "argv", ["apply.py", "--release", str(out)])
    assert apply.main() == 0
    assert out.read_text() == (f"HERMES_AGENT_VERSION={installed()}\n"
                               f"DASHBOARD_INSECURE={RELEASES[installed()]['dashboard_insecure']}\n")
