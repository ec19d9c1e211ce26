"""docker/hermes-agent/apply.py (the Dockerfile's patch step) and hermes-init's routing
list, against the installed hermes-agent."""
import os
import re
import shutil
import sys
from pathlib import Path

import pytest

REPO = Path(os.environ["HERMES_REPO"])
sys.path.insert(0, str(REPO / "docker" / "hermes-agent"))
import apply  # noqa: E402

PATCH = REPO / "docker" / "hermes-agent" / "hermes-agent-0.19.0.patch"


def builtin_list():
    text = (REPO / "Sources" / "HermesCore" / "Launch" / "Routing.swift")
    if not text.exists():
        text = next(REPO.glob("Sources/HermesCore/**/Routing.swift"))
    m = re.search(r'defaultSubcommands: StaticString =\s*"([^"]*)"', text.read_text())
    return set(m.group(1).split())


def test_hermes_init_builtin_subcommands_are_the_clis():
    import hermes_cli.main as m

    assert builtin_list() == set(m._BUILTIN_SUBCOMMANDS)


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
    assert sorted(p.name for p in changed) == ["container_boot.py", "service_manager.py", "status.py"]
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
    assert "hermes-agent 0.20.0 is installed" in err and "0.19.0" in err
