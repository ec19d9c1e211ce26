#!/usr/bin/env python3
"""The published image's build, offline: a release's own Dockerfile, step by step, with
each step that needs the network replaced by its nearest offline equivalent.

    offline.py RELEASE_DIR SDIST OUT_DIR   writes OUT_DIR/Containerfile and the build
                                           context OUT_DIR/tree (the release's source tree),
                                           and prints the steps it replaced, one a line
    offline.py --steps RELEASE_DIR         prints those steps only
    offline.py --apt RELEASE_DIR           the Debian suite and packages of the release's
                                           apt-get step, for base.sh
    offline.py --extras RELEASE_DIR        the extras of the release's `uv sync` step, for
                                           wheels.sh

RELEASE_DIR is ../shared/upstream/hermes-agent-VERSION (its Dockerfile, docker/ and the
files its stage2 hook reads); SDIST is that release's sdist from PyPI, whose source tree
(the packages, skills/, tools/, plugins/, locales/) is the rest of what `COPY . .` copies.
Every instruction not named below is kept as the release wrote it. A RUN that would reach
the network and that no rule replaces fails the transformation, so a new release that
adds one is not built silently wrong.

The build (build.sh) mounts /offline: /offline/s6 holds the s6-overlay release's
tarballs and /offline/wheels the wheel cache (wheels.sh)."""
import os
import re
import shutil
import sys
import tarfile

# Debian release number -> suite, for the base image.
SUITES = {"12": "bookworm", "13": "trixie"}


def instructions(text):
    """The Dockerfile as (keyword, whole instruction) pairs; comments and blank lines
    dropped, continuation lines joined as written."""
    out, cur = [], []
    for line in text.splitlines():
        if not cur and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if cur and line.lstrip().startswith("#"):
            continue  # a comment inside a continued instruction
        cur.append(line)
        if not line.rstrip().endswith("\\"):
            body = "\n".join(cur)
            out.append((body.split(None, 1)[0].upper(), body))
            cur = []
    if cur:
        body = "\n".join(cur)
        out.append((body.split(None, 1)[0].upper(), body))
    return out


def apt_step(text):
    """The suite of the final FROM debian:N and the packages of its apt-get install."""
    base = [b for k, b in instructions(text) if k == "FROM" and re.match(r"FROM\s+debian:", b)]
    if not base:
        sys.exit("offline: no FROM debian:N in the Dockerfile")
    number = re.match(r"FROM\s+debian:(\d+)", base[-1]).group(1)
    suite = SUITES.get(number)
    if not suite:
        sys.exit("offline: no Debian suite known for debian:%s" % number)
    runs = [b for k, b in instructions(text) if k == "RUN" and "apt-get" in b and " install " in b]
    if len(runs) != 1:
        sys.exit("offline: expected one apt-get install step, found %d" % len(runs))
    m = re.search(r"install\s+-y\s+--no-install-recommends\s+((?:[^&\\]|\\\n)+)", runs[0])
    packages = m.group(1).replace("\\\n", " ").split()
    return suite, packages


def uv_sync_extras(body):
    return re.findall(r"--extra\s+(\S+)", body)


def release_extras(text):
    """The extras of the one `uv sync` instruction (comments, which quote it too, are not
    instructions)."""
    runs = [b for k, b in instructions(text) if k == "RUN" and re.search(r"\buv sync\b", b)]
    if len(runs) != 1:
        sys.exit("offline: expected one uv sync step, found %d" % len(runs))
    return uv_sync_extras(runs[0])


def offline_s6(body):
    """The s6-overlay step with its downloads read from /offline/s6 instead."""
    body = re.sub(r'curl\s+-fsSL(?:\s+--retry\s+\d+)?\s+-o\s+(\S+)\s*\\?\s*\n?\s*"[^"]*/(s6-overlay-[^"/]+?)"',
                  lambda m: 'cp "/offline/s6/%s" %s' % (m.group(2), m.group(1)), body)
    if "curl" in body:
        sys.exit("offline: a download in the s6-overlay step that no rule replaces:\n" + body)
    return body


class Transform:
    def __init__(self, version):
        self.version = version
        self.steps = []  # (what the release does, what the stand-in does instead, why)

    def note(self, release, instead, why):
        self.steps.append((release, instead, why))

    def line(self, kw, body):
        """The instruction(s) for one release instruction, or None to drop it."""
        first = body.splitlines()[0]
        if kw == "FROM":
            if re.search(r"\bAS\s+uv_source\b", body, re.I):
                self.note(first, "nothing", "the uv image is in a registry; pip installs the wheels instead")
                return None
            if re.search(r"\bAS\s+node_source\b", body, re.I):
                self.note(first, "nothing", "the node image is in a registry; no web or TUI build offline")
                return None
            if re.match(r"FROM\s+debian:", body):
                self.note(first, "FROM ${RELEASE_BASE} (base.sh: mmdebstrap of the same Debian suite with "
                          "the apt-get step's packages)", "no registry; Debian's packages are reachable")
                return "ARG RELEASE_BASE\nFROM ${RELEASE_BASE}"
            sys.exit("offline: a FROM no rule knows: " + first)
        if kw == "RUN" and "apt-get" in body:
            self.note("RUN apt-get install (the system packages)", "in the base image (base.sh), the same list, "
                      "with python3-venv where the release lacks it", "installed by mmdebstrap from Debian's archive; "
                      "python3 -m venv stands in for uv's venv")
            return None
        if kw == "ADD" and re.search(r"https://\S+/(s6-overlay-[^/\s]+)", body):
            name = re.search(r"https://\S+/(s6-overlay-[^/\s]+)", body).group(1)
            dest = body.split()[-1]
            self.note(first, "RUN cp /offline/s6/%s %s" % (name, dest), "s6-overlay from ../shared/s6-overlay")
            return 'RUN cp "/offline/s6/%s" %s' % (name, dest)
        if kw == "RUN" and "s6-overlay" in body and "tar -C /" in body:
            self.note("RUN curl ... s6-overlay-*.tar.xz; sha256sum -c; tar -C / -Jxpf ...",
                      "the same step with each curl a cp from /offline/s6; the checksums given as build args",
                      "s6-overlay from ../shared/s6-overlay (its own SHA256SUMS)")
            return offline_s6(body)
        if kw == "COPY" and "--from=uv_source" in body:
            self.note(first, "nothing", "no uv: pip does what uv sync and uv pip do")
            return None
        if kw == "COPY" and "--from=node_source" in body:
            self.note(first, "nothing", "no node offline")
            return None
        if kw == "RUN" and "node_modules/npm" in body and "ln -sf" in body:
            self.note(first, "nothing", "no node offline")
            return None
        if kw == "COPY" and re.search(r"\b(package\.json|web/|ui-tui/|apps/shared/)", body) and " . ." not in body:
            self.note(first, "nothing", "the JS sources are not in the sdist; no web or TUI build offline")
            return None
        if kw == "RUN" and re.search(r"\bnpm (install|run build)\b|\bnpx playwright\b", body):
            self.note(first, "nothing", "npm install, Playwright's Chromium and the web/TUI bundles need the network")
            return None
        if kw == "COPY" and "uv.lock" in body:
            self.note(first, "COPY pyproject.toml ./", "uv.lock is not published; the wheels come from PyPI")
            return "COPY pyproject.toml ./"
        if kw == "RUN" and re.search(r"\buv sync\b", body):
            extras = uv_sync_extras(body)
            spec = "hermes-agent[%s]==%s" % (",".join(extras), self.version)
            self.note(first, "python3 -m venv /opt/hermes/.venv; pip install --no-index '%s' (the wheel cache)" % spec,
                      "uv sync needs uv and the lock; the same extras from PyPI's wheels")
            return ("RUN python3 -m venv /opt/hermes/.venv && \\\n"
                    "    /opt/hermes/.venv/bin/pip install -q --no-index --find-links /offline/wheels "
                    "--disable-pip-version-check \\\n        '%s' 'setuptools>=77' && \\\n"
                    "    rm -rf /root/.cache" % spec)
        if kw == "RUN" and re.search(r"\buv pip install\b.*-e", body):
            self.note(first, "pip install --no-index --no-deps --no-build-isolation -e .",
                      "the same editable install with pip: import hermes_cli resolves to /opt/hermes/hermes_cli")
            return ("RUN /opt/hermes/.venv/bin/pip install -q --no-index --no-deps --no-build-isolation "
                    "--disable-pip-version-check -e . && \\\n"
                    "    rm -rf /root/.cache build *.egg-info")
        if kw == "COPY" and re.search(r"--chmod=[^\s]*[a-z+]", body) and " . ." in body:
            mode = re.search(r"--chmod=(\S+)", body).group(1)
            self.note(first, "COPY . . then RUN chmod -R %s ." % mode,
                      "symbolic --chmod needs a newer BuildKit than podman 4.3 or docker 20.10 have")
            return "COPY . .\nRUN chmod -R %s ." % mode
        made = re.findall(r"/opt/hermes/(?:ui-tui|node_modules)\b", body) if kw == "RUN" and "chown" in body else []
        if made:
            # 0.15.x chowns what `npm install` made; without it the chown fails on the paths.
            self.note(first, "RUN mkdir -p %s, then the same step" % " ".join(made),
                      "npm install made them; it needs the network")
            return "RUN mkdir -p %s\n%s" % (" ".join(made), body)
        if kw == "RUN" and re.search(r"\b(curl|wget|apt-get|npm|npx|pip|uv)\b", body):
            sys.exit("offline: a step that needs the network and that no rule replaces:\n" + body)
        return body


def transform(release_dir, version):
    text = open(os.path.join(release_dir, "Dockerfile")).read()
    t = Transform(version)
    out = ["# Generated by Tests/engine/release/offline.py from hermes-agent-%s's own Dockerfile:" % version,
           "# every instruction is the release's, but for the steps listed in STEPS."]
    for kw, body in instructions(text):
        new = t.line(kw, body)
        if new is not None:
            out.append(new)
    return "\n".join(out) + "\n", t.steps


def context(release_dir, sdist, out):
    """The release's source tree: the sdist's, with the release's own files over it."""
    with tarfile.open(sdist) as tar:
        top = tar.getnames()[0].split("/")[0]
        tar.extractall(out + ".sdist", filter="data")
    shutil.copytree(os.path.join(out + ".sdist", top), out, symlinks=True)
    shutil.rmtree(out + ".sdist")
    for name in os.listdir(release_dir):
        src = os.path.join(release_dir, name)
        dst = os.path.join(out, name)
        if os.path.isdir(src):
            shutil.copytree(src, dst, symlinks=True, dirs_exist_ok=True)
        else:
            shutil.copy(src, dst)
    # The release tree is read-only in shared/; the build copies modes as they are.
    for root, dirs, files in os.walk(out):
        for n in dirs:
            os.chmod(os.path.join(root, n), 0o755)
        for n in files:
            p = os.path.join(root, n)
            if not os.path.islink(p):
                os.chmod(p, 0o755 if os.stat(p).st_mode & 0o111 else 0o644)


def version_of(release_dir):
    m = re.search(r'^version\s*=\s*"([^"]+)"', open(os.path.join(release_dir, "pyproject.toml")).read(), re.M)
    return m.group(1)


def main(argv):
    if len(argv) == 2 and argv[0] == "--apt":
        suite, packages = apt_step(open(os.path.join(argv[1], "Dockerfile")).read())
        # `python3 -m venv` stands in for uv's venv (the uv sync rule): releases whose
        # apt-get step lacks python3-venv (0.15.x) get it in the base.
        if "python3-venv" not in packages:
            packages.append("python3-venv")
        print(suite, ",".join(packages))
        return 0
    if len(argv) == 2 and argv[0] == "--extras":
        print(",".join(release_extras(open(os.path.join(argv[1], "Dockerfile")).read())))
        return 0
    if len(argv) == 2 and argv[0] == "--steps":
        for s in transform(argv[1], version_of(argv[1]))[1]:
            print("\t".join(s))
        return 0
    if len(argv) != 3:
        sys.exit(__doc__)
    release_dir, sdist, out = argv
    containerfile, steps = transform(release_dir, version_of(release_dir))
    os.makedirs(out, exist_ok=True)
    context(release_dir, sdist, os.path.join(out, "tree"))
    with open(os.path.join(out, "Containerfile"), "w") as f:
        f.write(containerfile)
    for s in steps:
        print("\t".join(s))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
