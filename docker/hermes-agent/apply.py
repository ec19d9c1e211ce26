"""Fits the installed hermes-agent to this image: applies the patch that the
releases file beside this one names for its version, writes the CLI's top-level
subcommands where hermes-init reads them, and the release's settings for the
image's services. Run by the Dockerfile with the image's own Python, as root:

    /opt/hermes/.venv/bin/python apply.py [--subcommands FILE] [--release FILE]
                                          [--privdrop PATH]

The package is found by importing it (pip puts hermes_cli in site-packages; the
published image keeps a source tree at /opt/hermes). The patch is applied exactly:
every context and removed line must match where the hunk says, or nothing is
written. A version the releases file does not list, or a patch that does not fit,
fails the build with a message naming the version found; an image never keeps
with-contenv/s6-setuidgid slots silently. After patching, the slot renderer is run
and its scripts are checked; the reconciler is checked to see the command behind
hermes-init. Exit 0 on success, 1 with a message on stderr otherwise.
"""
from __future__ import annotations

import argparse
import compileall
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROG = "hermes-agent-patch"
RELEASES = HERE / "releases"
DASHBOARD_RULES = ("non-loopback", "opt-in", "never")


def fail(message: str) -> "NoReturn":  # noqa: F821
    print(f"{PROG}: fatal: {message}", file=sys.stderr)
    raise SystemExit(1)


def find_package() -> tuple[Path, str]:
    """The directory that holds hermes_cli/, and hermes-agent's version."""
    try:
        import hermes_cli  # noqa: PLC0415
    except ImportError as exc:
        fail(f"unable to import hermes_cli with {sys.executable}: {exc}; "
             "the image needs hermes-agent installed in its venv")
    root = Path(hermes_cli.__file__).resolve().parent.parent
    version = None
    try:
        from importlib.metadata import PackageNotFoundError, version as dist_version
        try:
            version = dist_version("hermes-agent")
        except PackageNotFoundError:
            pass
    except ImportError:
        pass
    if version is None:
        pyproject = root / "pyproject.toml"
        if pyproject.is_file():
            m = re.search(r'(?m)^version\s*=\s*"([^"]+)"', pyproject.read_text())
            if m:
                version = m.group(1)
    if version is None:
        fail(f"hermes_cli found in {root}, but not which hermes-agent version it is "
             "(no distribution metadata, no pyproject.toml)")
    return root, version


def read_releases(path: Path = RELEASES) -> dict[str, dict[str, str]]:
    """The releases file: {version: {"patch", "glue", "dashboard_insecure"}}, in its
    order. Blank lines and lines starting with # are skipped; any other line has the
    four columns."""
    releases: dict[str, dict[str, str]] = {}
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        fields = line.split()
        if len(fields) != 4 or fields[3] not in DASHBOARD_RULES or fields[0] in releases:
            fail(f"{path}:{number}: not 'VERSION PATCH GLUE {'|'.join(DASHBOARD_RULES)}' "
                 f"of a release not listed before: {line.strip()}")
        releases[fields[0]] = {"patch": fields[1], "glue": fields[2], "dashboard_insecure": fields[3]}
    if not releases:
        fail(f"{path} lists no release")
    return releases


HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")


def parse_patch(text: str) -> list[tuple[str, list[tuple[int, list[str], list[str]]]]]:
    """[(path, [(old_start, old_lines, new_start, new_lines), ...]), ...] from a
    unified diff; each start is a line number on its own side."""
    files: list = []
    lines = text.splitlines(keepends=True)
    i = 0
    while i < len(lines):
        if lines[i].startswith("--- ") and i + 1 < len(lines) and lines[i + 1].startswith("+++ "):
            path = lines[i + 1][4:].strip().split("\t")[0]
            if path.startswith("b/"):
                path = path[2:]
            hunks: list = []
            files.append((path, hunks))
            i += 2
            while i < len(lines) and lines[i].startswith("@@"):
                m = HUNK.match(lines[i])
                if not m:
                    fail(f"malformed hunk header in the patch: {lines[i].rstrip()}")
                old_start = int(m.group(1))
                old_count = int(m.group(2) or 1)
                new_start = int(m.group(3))
                new_count = int(m.group(4) or 1)
                old: list[str] = []
                new: list[str] = []
                i += 1
                while (len(old) < old_count or len(new) < new_count) and i < len(lines):
                    tag, body = lines[i][:1], lines[i][1:]
                    if tag == " ":
                        old.append(body)
                        new.append(body)
                    elif tag == "-":
                        old.append(body)
                    elif tag == "+":
                        new.append(body)
                    elif tag == "\\":
                        pass
                    else:
                        fail(f"malformed hunk line in the patch: {lines[i].rstrip()}")
                    i += 1
                hunks.append((old_start, old, new_start, new))
        else:
            i += 1
    if not files:
        fail("the patch holds no file")
    return files


def apply_hunks(source: list[str], hunks, reverse: bool = False) -> list[str] | None:
    """The patched lines (unpatched with `reverse`), or None when a hunk does not
    match exactly where it says."""
    out: list[str] = []
    pos = 0
    for old_start, old, new_start, new in hunks:
        start, want, put = (new_start, new, old) if reverse else (old_start, old, new)
        start -= 1
        if start < pos or source[start:start + len(want)] != want:
            return None
        out.extend(source[pos:start])
        out.extend(put)
        pos = start + len(want)
    out.extend(source[pos:])
    return out


def apply_patch(root: Path, patch: Path) -> list[Path]:
    """Applies `patch` under `root`; every file is checked before any is written.
    Returns the files changed (none when the patch is in place already)."""
    plan = []
    already = 0
    for rel, hunks in parse_patch(patch.read_text()):
        target = root / rel
        if not target.is_file():
            return fail_fit(root, patch, f"{target} does not exist")
        source = target.read_text().splitlines(keepends=True)
        result = apply_hunks(source, hunks)
        if result is None:
            # In place already? Then the patch reversed fits exactly.
            if apply_hunks(source, hunks, reverse=True) is not None:
                already += 1
                continue
            return fail_fit(root, patch, f"{target} differs from what the patch expects")
        plan.append((target, "".join(result)))
    for target, text in plan:
        mode = target.stat().st_mode & 0o7777
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
        with os.fdopen(fd, "w") as f:
            f.write(text)
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    changed = [t for t, _ in plan]
    for target in changed:
        compileall.compile_file(str(target), force=True, quiet=2)
    return changed


def fail_fit(root: Path, patch: Path, why: str):
    fail(f"{patch.name} does not fit the hermes-agent installed in {root}: {why}. "
         "Build FROM an image whose hermes-agent the patch fits, or port the patch "
         "(docs/hermes-agent.md)")


# Each check runs where the release has the code: the finish script (0.18.0 on), the
# reconciler's reading of the container's command (the legacy `gateway run` migration
# from 0.16.0, the dashboard container's skip from 0.17.0; PID 1's argv only until
# 0.18.0 reads rc.init's).
VERIFY = r"""
import sys
from hermes_cli import service_manager as sm, container_boot as cb
sm._privdrop_available = lambda: True
M = sm.S6ServiceManager
bad = ("s6-setuidgid", "with-contenv sh", "id -u")
for profile in ("default", "coder"):
    scripts = [("run", M._render_run_script(profile, {})), ("log/run", M._render_log_run(profile))]
    if hasattr(M, "_render_finish_script"):
        scripts.append(("finish", M._render_finish_script()))
    for name, text in scripts:
        for word in bad:
            if word in text:
                sys.exit(f"gateway-{profile}/{name} still has {word!r}")
        if name != "finish" and sys.argv[1] not in text:
            sys.exit(f"gateway-{profile}/{name} does not exec {sys.argv[1]}")
argv = ("/bin/sh", "-e", "/run/s6/basedir/scripts/rc.init", "top",
        "/opt/hermes/bin/hermes-init", "gateway", "run")
if not hasattr(cb, "_read_container_argv"):
    pass  # the release's reconciler never looks at the container's command
elif hasattr(cb, "_names_launcher"):  # it reads rc.init's argv (0.18.0 on)
    if not cb._is_legacy_gateway_run_request(argv):
        sys.exit("container_boot does not see `gateway run` behind hermes-init")
    if not cb._is_dashboard_container(argv[:5] + ("dashboard",)):
        sys.exit("container_boot does not see `dashboard` behind hermes-init")
else:  # it reads PID 1's argv only (0.16.0, 0.17.0): /init hermes-init ...
    if not cb._is_legacy_gateway_run_request(("/init",) + argv[4:]):
        sys.exit("container_boot does not see `gateway run` behind /init hermes-init")
    if hasattr(cb, "_is_dashboard_container") and not cb._is_dashboard_container(
            ("/init", argv[4], "dashboard")):
        sys.exit("container_boot does not see `dashboard` behind /init hermes-init")
"""

SUBCOMMANDS = r"""
import sys
import hermes_cli.main as m
names = getattr(m, "_BUILTIN_SUBCOMMANDS", None)
if not names:
    sys.exit("hermes_cli.main has no _BUILTIN_SUBCOMMANDS")
sys.stdout.write("".join(n + "\n" for n in sorted(names)))
"""


def main() -> int:
    ap = argparse.ArgumentParser(prog=PROG, description=__doc__.split("\n\n")[0])
    ap.add_argument("--subcommands", type=Path,
                    help="write the CLI's top-level subcommands here, one a line")
    ap.add_argument("--release", type=Path,
                    help="write the release's settings here (shell assignments the image's "
                         "services read: HERMES_AGENT_VERSION, DASHBOARD_INSECURE)")
    ap.add_argument("--privdrop", default="/opt/hermes/bin/privdrop",
                    help="the privdrop the rendered slots must exec (default %(default)s)")
    args = ap.parse_args()

    root, version = find_package()
    releases = read_releases()
    if version not in releases:
        fail(f"hermes-agent {version} is installed in {root}; this image supports "
             f"{', '.join(releases)} only. Build FROM an image with one of those, or "
             f"port the patch to {version} (docs/hermes-agent.md)")
    release = releases[version]
    patch = HERE / release["patch"]
    if not patch.is_file():
        fail(f"the releases file names {release['patch']} for hermes-agent {version}, "
             f"and there is no such file beside it")
    changed = apply_patch(root, patch)
    print(f"{PROG}: hermes-agent {version} in {root}: "
          + (f"patched {', '.join(str(c.relative_to(root)) for c in changed)}" if changed
             else "patch already in place"), file=sys.stderr)

    # Checked in a fresh interpreter, so what runs is what is now on disk.
    env = dict(os.environ, HERMES_HOME=tempfile.mkdtemp(prefix="hermes-home-"))
    r = subprocess.run([sys.executable, "-c", VERIFY, args.privdrop], env=env,
                       capture_output=True, text=True)
    if r.returncode != 0:
        fail(f"after patching, {r.stderr.strip() or 'the check failed'}")

    if args.subcommands:
        r = subprocess.run([sys.executable, "-c", SUBCOMMANDS], env=env,
                           capture_output=True, text=True)
        if r.returncode != 0 or not r.stdout.strip():
            fail(f"unable to read the CLI's subcommands: {r.stderr.strip()}")
        args.subcommands.parent.mkdir(parents=True, exist_ok=True)
        args.subcommands.write_text(r.stdout)
        print(f"{PROG}: {len(r.stdout.splitlines())} subcommands -> {args.subcommands}",
              file=sys.stderr)
    if args.release:
        args.release.parent.mkdir(parents=True, exist_ok=True)
        args.release.write_text(f"HERMES_AGENT_VERSION={version}\n"
                                f"DASHBOARD_INSECURE={release['dashboard_insecure']}\n")
        print(f"{PROG}: release settings -> {args.release}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
