"""The reconciler sees the container's command behind hermes-init
(hermes-agent-0.19.0.patch), and still behind main-wrapper.sh."""
import pytest

from hermes_cli import container_boot as cb

RC_INIT = ("/bin/sh", "-e", "/run/s6/basedir/scripts/rc.init", "top")


@pytest.mark.parametrize("launcher", [
    RC_INIT + ("/opt/hermes/bin/hermes-init",),          # ENTRYPOINT ["/init", ".../hermes-init"]
    ("/opt/hermes/bin/hermes-init",),                    # hermes-init as PID 1 or under --init
    ("hermes-init",),
    RC_INIT + ("/opt/hermes/docker/main-wrapper.sh",),   # the shell wrapper, as before
    ("/init", "/opt/hermes/docker/main-wrapper.sh"),
])
def test_command_behind_the_launcher(launcher):
    assert cb._strip_container_argv_prefix(launcher + ("gateway", "run")) == ["gateway", "run"]
    assert cb._is_legacy_gateway_run_request(launcher + ("gateway", "run"))
    assert not cb._is_legacy_gateway_run_request(launcher + ("gateway", "run", "--no-supervise"))
    assert cb._is_dashboard_container(launcher + ("dashboard", "--no-open"))
    assert not cb._is_dashboard_container(launcher + ("gateway", "run"))
    assert cb._strip_container_argv_prefix(launcher + ("hermes", "dashboard")) == ["dashboard"]


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
    assert not cb._is_dashboard_container(argv)
