"""The reconciler sees the container's command behind hermes-init (the release's patch),
and still behind main-wrapper.sh, where the release's reconciler looks for the command at
all: from 0.18.0 in rc.init's argv or PID 1's, in 0.16.0 and 0.17.0 in PID 1's only
(`/init LAUNCHER ARGS`); 0.15.x never reads it."""
import pytest

import _release
from hermes_cli import container_boot as cb

pytestmark = pytest.mark.skipif(not _release.READS_ARGV,
                                reason="the release's reconciler never reads the container's command")

RC_INIT = ("/bin/sh", "-e", "/run/s6/basedir/scripts/rc.init", "top")
LAUNCHERS = [
    ("/init", "/opt/hermes/bin/hermes-init"),            # what PID 1's argv shows
    ("/init", "/opt/hermes/docker/main-wrapper.sh"),     # the shell wrapper, as before
]
if _release.READS_RC_INIT:
    LAUNCHERS += [
        RC_INIT + ("/opt/hermes/bin/hermes-init",),      # ENTRYPOINT ["/init", ".../hermes-init"]
        ("/opt/hermes/bin/hermes-init",),                # hermes-init as PID 1 or under --init
        ("hermes-init",),
        RC_INIT + ("/opt/hermes/docker/main-wrapper.sh",),
    ]


@pytest.mark.parametrize("launcher", LAUNCHERS)
def test_command_behind_the_launcher(launcher):
    assert cb._is_legacy_gateway_run_request(launcher + ("gateway", "run"))
    assert cb._is_legacy_gateway_run_request(launcher + ("hermes", "gateway", "run"))
    assert not cb._is_legacy_gateway_run_request(launcher + ("gateway", "run", "--no-supervise"))
    if hasattr(cb, "_strip_container_argv_prefix"):
        assert cb._strip_container_argv_prefix(launcher + ("gateway", "run")) == ["gateway", "run"]
        assert cb._strip_container_argv_prefix(launcher + ("hermes", "dashboard")) == ["dashboard"]
    if _release.HAS_DASHBOARD_SKIP:
        assert cb._is_dashboard_container(launcher + ("dashboard", "--no-open"))
        assert not cb._is_dashboard_container(launcher + ("gateway", "run"))


@pytest.mark.skipif(not _release.READS_RC_INIT, reason="the release reads PID 1's argv only")
@pytest.mark.parametrize("part, names", [
    ("/opt/hermes/bin/hermes-init", True),
    ("hermes-init", True),
    ("/opt/hermes/docker/main-wrapper.sh", True),
    ("/usr/local/bin/hermes-init-helper", False),
    ("--hermes-init-trace", False),
    ("/opt/hermes/bin/hermes", False),
])
def test_names_launcher(part, names):
    assert cb._names_launcher(part) is names


def test_no_launcher_no_command():
    argv = ("/package/admin/s6/command/s6-svscan", "-d4", "--", "/run/service")
    assert not cb._is_legacy_gateway_run_request(argv)
    if _release.HAS_DASHBOARD_SKIP:
        assert not cb._is_dashboard_container(argv)
