import Foundation
import Testing

let repoDir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().path

/// The image's pieces without a Docker engine: the docker/ files and the binaries under
/// test installed into the image fixture, Debian's real s6-svscan and s6-supervise as
/// the supervision tree, all inside a fresh PID namespace so nothing outlives a test.
func inImage(_ script: String, _ args: [String] = []) throws -> Result {
    let prelude = #"""
    set -e
    mount -t tmpfs -o mode=0755 none /opt/hermes/bin
    cp "$PRIVDROP" /opt/hermes/bin/privdrop
    cp "$HI" /opt/hermes/bin/hermes-init
    cp "$REPO/docker/bin/hermes" /opt/hermes/bin/hermes
    mount -t tmpfs -o mode=0755 none /opt/hermes/docker
    ln -s /opt/hermes/bin/hermes-init /opt/hermes/docker/main-wrapper.sh
    mount -t tmpfs -o mode=0755,uid=10000,gid=10000 none /opt/data
    mount -t tmpfs -o mode=0755 none /run
    mkdir -p /run/s6/container_environment /run/service
    cp -a "$FIX/run/s6/container_environment/." /run/s6/container_environment/
    # s6-svscan takes a moment to start, and then to start a supervisor for a new slot.
    scan() { for _ in $(seq 200); do s6-svscanctl -a /run/service 2>/dev/null && return 0; sleep 0.05; done; return 1; }
    supervised() { for _ in $(seq 200); do s6-svok "$1" 2>/dev/null && return 0; sleep 0.05; done; return 1; }
    # A gateway slot as the patched hermes_cli renders it (Tests/fixture/slots, held to
    # the package by Tests/hermes-agent/test_slot_fixtures.py), made live: s6-svscanctl -a.
    slot() { cp -a "$REPO/Tests/fixture/slots/gateway-$1" /run/service/ && s6-svscanctl -a /run/service; }
    # The pid of a slot once its run script has exec'd into the (fake) program.
    served() {
      for _ in $(seq 200); do
        p=$(s6-svstat -o pid "$1")
        case "$(tr '\0' ' ' < /proc/$p/cmdline 2>/dev/null)" in "sleep 1000 ") echo "$p"; return ;; esac
        sleep 0.05
      done
      echo -1
    }
    set +e
    """#
    return try HermesFixture.shared.sh(
        // The script's own arguments are $1... inside it (not the script text).
        #"s=$1; shift; exec unshare --pid --fork --mount-proc /bin/sh -c "$s" sh "$@""#,
        [prelude + "\n" + script] + args,
        env: ["PATH": "/usr/bin:/bin", "REPO": repoDir])
}

extension EndToEnd {
@Suite("the image's s6 pieces, proven without Docker", .serialized, .enabled(if: isRoot, "requires root"))
struct ImageTests {
    @Test("a gateway slot as hermes_cli renders it runs under real s6 as hermes, restarts, stops, and logs as hermes")
    func gatewaySlot() throws {
        let r = try inImage(#"""
        printf 1 > /run/s6/container_environment/FAKE_HERMES_SERVE
        s6-svscan /run/service >/dev/null 2>&1 &
        scan && slot coder || exit 10
        supervised /run/service/gateway-coder || exit 11
        s6-svwait -u -t 10000 /run/service/gateway-coder || exit 12
        echo "up=$(s6-svstat -o up /run/service/gateway-coder)"
        pid=$(served /run/service/gateway-coder)
        grep -E '^(Uid|Gid):' /proc/$pid/status
        echo "cwd=$(readlink /proc/$pid/cwd)"
        tr '\0' '\n' < /proc/$pid/environ | grep -E '^(HOME|FOO|HERMES_HOME|HERMES_S6_SUPERVISED_CHILD|HERMES_SUPERVISED_CHILD|USER|VIRTUAL_ENV)=' | sort
        echo "cmdline=$(tr '\0' ' ' < /proc/$pid/cmdline)"
        log=/opt/data/logs/gateways/coder/current
        for _ in $(seq 100); do grep -q 'Gateway Starting' "$log" 2>/dev/null && break; sleep 0.1; done
        echo "log=$(sed 's/^[0-9-]* [0-9:.]*  //' "$log")"
        echo "log owner=$(stat -c %u "$log") dir owner=$(stat -c %u /opt/data/logs/gateways/coder)"
        lpid=$(s6-svstat -o pid /run/service/gateway-coder/log)
        echo "logger $(grep -E '^Uid:' /proc/$lpid/status)"
        s6-svc -t /run/service/gateway-coder
        for _ in $(seq 100); do
          new=$(served /run/service/gateway-coder)
          [ "$new" != "$pid" ] && [ "$new" != -1 ] && break; sleep 0.1
        done
        [ "$new" != "$pid" ] && echo restarted-with-new-pid
        s6-svc -d /run/service/gateway-coder
        s6-svwait -d -t 10000 /run/service/gateway-coder && echo "after -d up=$(s6-svstat -o up /run/service/gateway-coder)"
        s6-svscanctl -t /run/service
        """#)
        #expect(r.status == 0, "\(r.err)")
        #expect(r.lines == [
            "up=true",
            "Uid:\t10000\t10000\t10000\t10000",
            "Gid:\t10000\t10000\t10000\t10000",
            "cwd=/opt/data",
            "FOO=bar",
            "HERMES_HOME=/opt/data",
            "HERMES_S6_SUPERVISED_CHILD=1",
            "HOME=/opt/data",
            "VIRTUAL_ENV=/opt/hermes/.venv",
            "cmdline=sleep 1000 ",
            "log=⚕ Hermes Gateway Starting: -p coder gateway run --replace",
            "log owner=10000 dir owner=10000",
            "logger Uid:\t10000\t10000\t10000\t10000",
            "restarted-with-new-pid",
            "after -d up=false",
        ], "\(r.err)")
    }

    @Test("the default profile runs `hermes gateway run --replace`, and a down file registers a slot without starting it")
    func defaultAndDown() throws {
        let r = try inImage(#"""
        printf 1 > /run/s6/container_environment/FAKE_HERMES_SERVE
        s6-svscan /run/service >/dev/null 2>&1 &
        # Made aside and moved in, as hermes_cli does: s6-svscan never sees it without down.
        cp -a "$REPO/Tests/fixture/slots/gateway-coder" /run/service/.parked && touch /run/service/.parked/down
        mv /run/service/.parked /run/service/gateway-parked
        scan && slot default || exit 10
        supervised /run/service/gateway-default && supervised /run/service/gateway-parked || exit 11
        s6-svwait -u -t 10000 /run/service/gateway-default
        echo "default=$(tr '\0' ' ' < /proc/$(served /run/service/gateway-default)/cmdline)"
        echo "parked up=$(s6-svstat -o up /run/service/gateway-parked) wantedup=$(s6-svstat -o wantedup /run/service/gateway-parked)"
        s6-svscanctl -t /run/service
        """#)
        #expect(r.lines == [
            "default=sleep 1000 ",
            "parked up=false wantedup=false",
        ], "\(r.err)")
    }

    @Test("the dashboard slot is up, as hermes, only when HERMES_DASHBOARD is truthy")
    func dashboard() throws {
        let r = try inImage(#"""
        printf 1 > /run/s6/container_environment/FAKE_HERMES_SERVE
        cp -R "$REPO/docker/s6-overlay/s6-rc.d/dashboard" /run/service/dashboard
        s6-svscan /run/service >/dev/null 2>&1 &
        scan && supervised /run/service/dashboard || exit 11
        for _ in $(seq 100); do [ "$(s6-svstat -o wantedup /run/service/dashboard)" = false ] && break; sleep 0.1; done
        echo "disabled up=$(s6-svstat -o up /run/service/dashboard) wantedup=$(s6-svstat -o wantedup /run/service/dashboard)"
        printf true > /run/s6/container_environment/HERMES_DASHBOARD
        printf 0.0.0.0 > /run/s6/container_environment/HERMES_DASHBOARD_HOST
        printf 1 > /run/s6/container_environment/HERMES_DASHBOARD_INSECURE
        s6-svc -u /run/service/dashboard
        s6-svwait -u -t 10000 /run/service/dashboard
        pid=$(served /run/service/dashboard)
        echo "enabled up=$(s6-svstat -o up /run/service/dashboard)"
        grep -E '^Uid:' /proc/$pid/status
        tr '\0' '\n' < /proc/$pid/environ | grep -E '^HOME='
        echo "cmdline=$(tr '\0' ' ' < /proc/$pid/cmdline)"
        kill -9 "$pid"
        for _ in $(seq 100); do new=$(served /run/service/dashboard); [ "$new" != "$pid" ] && [ "$new" != -1 ] && break; sleep 0.1; done
        [ "$new" != "$pid" ] && echo restarted-after-kill
        s6-svscanctl -t /run/service
        """#)
        #expect(r.lines == [
            "disabled up=false wantedup=false",
            "enabled up=true",
            "Uid:\t10000\t10000\t10000\t10000",
            "HOME=/opt/data",
            "cmdline=sleep 1000 ",
            "restarted-after-kill",
        ], "\(r.err)")
    }

    @Test("the dashboard passes --insecure by the installed release's rule (docker/hermes-agent/releases)", arguments: [
        // rule written at build, HERMES_DASHBOARD_HOST, HERMES_DASHBOARD_INSECURE -> --insecure?, warned?
        ("non-loopback", "0.0.0.0", "", true, false),      // 0.15.0
        ("non-loopback", "127.0.0.1", "1", false, false),
        ("non-loopback", "localhost", "", false, false),
        ("opt-in", "0.0.0.0", "1", true, false),           // 0.15.1 to 0.17.0
        ("opt-in", "0.0.0.0", "", false, false),
        ("opt-in", "0.0.0.0", "no", false, false),
        ("never", "0.0.0.0", "yes", false, true),          // 0.18.0 on: the variable only warns
        ("never", "0.0.0.0", "", false, false),
        ("", "0.0.0.0", "true", false, true),              // no release file: as the newest
    ])
    func dashboardInsecureRule(rule: String, host: String, insecure: String, passes: Bool, warns: Bool) throws {
        let r = try inImage(#"""
        mount -t tmpfs -o mode=0755 none /opt/hermes/share/hermes-init
        if [ -n "$1" ]; then printf 'HERMES_AGENT_VERSION=x\nDASHBOARD_INSECURE=%s\n' "$1" > /opt/hermes/share/hermes-init/release
        else rm -f /opt/hermes/share/hermes-init/release; fi
        printf true > /run/s6/container_environment/HERMES_DASHBOARD
        printf %s "$2" > /run/s6/container_environment/HERMES_DASHBOARD_HOST
        [ -z "$3" ] || printf %s "$3" > /run/s6/container_environment/HERMES_DASHBOARD_INSECURE
        sh "$REPO/docker/s6-overlay/s6-rc.d/dashboard/run"
        """#, [rule, host, insecure])
        let args = "hermes [dashboard] [--host] [\(host)] [--port] [9119] [--no-open]" + (passes ? " [--insecure]" : "")
        #expect(r.lines.first == args, "\(r.out) \(r.err)")
        #expect(r.err.contains("HERMES_DASHBOARD_INSECURE no longer disables the auth gate") == warns, "\(r.err)")
    }

    @Test("the docker exec shim: root drops to hermes unless opted out; non-root runs as is")
    func execShim() throws {
        let r = try inImage(#"""
        export FAKE_HERMES_ID=1 HOME=/root
        /opt/hermes/bin/hermes config set x
        HERMES_DOCKER_EXEC_AS_ROOT=yes /opt/hermes/bin/hermes a
        HERMES_DOCKER_EXEC_AS_ROOT=on /opt/hermes/bin/hermes b
        setpriv --reuid 10000 --regid 10000 --clear-groups /opt/hermes/bin/hermes c
        setpriv --reuid 1500 --regid 1500 --clear-groups /opt/hermes/bin/hermes d
        mount -t tmpfs none /opt/hermes/.venv/bin
        /opt/hermes/bin/hermes e; echo "rc=$?"
        """#)
        #expect(r.lines == [
            "hermes [config] [set] [x]", "uid=10000 home=/opt/data",
            "hermes [a]", "uid=0 home=/root",
            "hermes [b]", "uid=10000 home=/opt/data",
            "hermes [c]", "uid=10000 home=/root",
            "hermes [d]", "uid=1500 home=/root",
            "rc=127",
        ], "\(r.err)")
        #expect(r.err == "hermes-shim: /opt/hermes/.venv/bin/hermes not found\n")
    }

    @Test("the CMD path: hermes-init through the main-wrapper.sh link, as /init runs it")
    func cmdPath() throws {
        let r = try inImage(#"""
        env -i PATH=/command:/usr/bin:/bin /opt/hermes/docker/main-wrapper.sh sh -c 'id -u; echo "$HOME $FOO"'
        """#)
        #expect(r.lines == ["10000", "/opt/data bar"], "\(r.err)")
    }
}
}
