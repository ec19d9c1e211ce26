"""What the installed hermes-agent release has of the code the patch changes, and the
release's own (unpatched) modules, for tests that hold for every supported release
(docker/hermes-agent/releases). Each patch changes what its release has, no more."""
import functools
import importlib.util
import os
import sys
from pathlib import Path

from hermes_cli import container_boot as cb
from hermes_cli import service_manager as sm

M = sm.S6ServiceManager
# the finish script (0.18.0 on)
HAS_FINISH = hasattr(M, "_render_finish_script")
# start/stop/restart persist the operator's intent in gateway_state.json (0.17.0 on)
HAS_INTENT = hasattr(sm, "_write_gateway_desired_state")
# the reconciler reads the container's command (0.16.0 on) ...
READS_ARGV = hasattr(cb, "_read_container_argv")
# ... from rc.init's argv, not PID 1's only (0.18.0 on)
READS_RC_INIT = hasattr(cb, "_names_launcher")
# the dashboard container skips the reconcile (0.17.0 on)
HAS_DASHBOARD_SKIP = hasattr(cb, "_is_dashboard_container")
# the reconciler's reading of gateway_state.json
READ_STATE = getattr(cb, "_read_desired_state", None) or cb._read_prior_state


def version():
    from importlib.metadata import version as dist_version
    return dist_version("hermes-agent")


def _apply():
    """docker/hermes-agent/apply.py, the image build's patcher."""
    sys.path.insert(0, str(Path(os.environ["HERMES_REPO"]) / "docker" / "hermes-agent"))
    import apply  # noqa: PLC0415
    return apply


def patch_file():
    """The patch the releases file names for the installed release."""
    apply = _apply()
    return apply.HERE / apply.read_releases()[version()]["patch"]


@functools.lru_cache(maxsize=None)
def pristine(module):
    """The release's own module (the installed, patched file with the patch reversed),
    imported under another name beside the patched one."""
    apply = _apply()
    mod = sys.modules[module]
    rel = module.replace(".", "/") + ".py"
    for path, hunks in apply.parse_patch(patch_file().read_text()):
        if path == rel:
            lines = Path(mod.__file__).read_text().splitlines(keepends=True)
            text = "".join(apply.apply_hunks(lines, hunks, reverse=True))
            break
    else:
        return mod  # the patch leaves it as the release has it
    name = module + "_release"
    spec = importlib.util.spec_from_loader(name, loader=None)
    new = importlib.util.module_from_spec(spec)
    new.__file__ = mod.__file__
    sys.modules[name] = new
    exec(compile(text, mod.__file__, "exec"), new.__dict__)  # noqa: S102
    return new
