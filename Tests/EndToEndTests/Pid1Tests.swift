import Foundation
import Testing

/// The PID-1 scenarios in Tests/pid1/scenarios.py, run with hermes-init as PID 1 of a
/// fresh PID namespace (`unshare --pid --fork --mount-proc`) inside the image fixture.
let scenariosScript = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("pid1/scenarios.py").path

func scenario(_ name: String, init initCommand: String = #""$HI""#) throws -> Result {
    try HermesFixture.shared.sh(
        #"exec python3 "$SCEN" "$1" "# + initCommand, [name],
        env: ["PATH": "/usr/bin:/bin", "HERMES_HOME": "/opt/data", "HERMES_INIT_GRACE": "1", "SCEN": scenariosScript])
}

extension EndToEnd {
@Suite("hermes-init as PID 1", .serialized, .enabled(if: isRoot, "requires root"))
struct Pid1Tests {
    @Test("as PID 1 it behaves as a tini-grade init", arguments: [
        "exit_codes", "exit_codes_realtime", "forwarding", "orphans", "signal_exit", "grace_kill",
        "term_before_kill", "tty_job_control", "idle",
    ])
    func pid1(name: String) throws {
        let r = try scenario(name)
        let passed = r.status == 0 && r.out.hasPrefix("\(name): ok")
        if binariesEmulated && name == "exit_codes_realtime" {
            // qemu-user maps the guest's real-time signals onto other host numbers, so a
            // program killed by one is reported dead of another. Known, and not ours:
            // the same scenario passes natively.
            withKnownIssue("qemu-user remaps real-time signal numbers: death by SIGRTMIN+n is reported as another signal") {
                #expect(passed, "\(r.out)\(r.err)")
            }
            return
        }
        if binariesEmulated && name == "forwarding" && !passed && missedOneSignal(r.out) {
            // qemu-user now and then loses one of the 59 signals sent in a row to the PID 1
            // it emulates (about one run in ten); losing more, or forwarding SIGCHLD, is a
            // failure there too. Natively every signal must arrive.
            withKnownIssue("qemu-user now and then loses one signal sent to the PID 1 it emulates", isIntermittent: true) {
                #expect(passed, "\(r.out)\(r.err)")
            }
            return
        }
        #expect(passed, "\(r.out)\(r.err)")
    }

    /// `forwarding: FAIL: not forwarded: [N]` with exactly one N and nothing else wrong.
    func missedOneSignal(_ out: String) -> Bool {
        let line = out.split(separator: "\n").first.map(String.init) ?? ""
        guard line.hasPrefix("forwarding: FAIL: not forwarded: ["), !line.contains("SIGCHLD") else { return false }
        let inside = line.drop(while: { $0 != "[" }).dropFirst().prefix(while: { $0 != "]" })
        return !inside.isEmpty && Int(inside) != nil
    }

    @Test("the scenarios can fail: a PID 1 that only waits for its child fails them", arguments: ["orphans", "forwarding", "term_before_kill"])
    func negativeControl(name: String) throws {
        let r = try scenario(name, init: "naive")
        #expect(r.status == 1, "\(r.out)")
        #expect(r.out.hasPrefix("\(name): FAIL"))
    }

    @Test("errors before the child exists keep their exit codes; the drop happens in the child")
    func earlyErrors() throws {
        let fx = HermesFixture.shared
        let missing = try fx.sh(#"exec unshare --pid --fork --mount-proc "$HI" /nonexistent/prog"#)
        #expect(missing.status == 127)
        #expect(missing.err == "hermes-init: fatal: unable to exec /nonexistent/prog: No such file or directory\n")
        let notFound = try fx.sh(#"exec unshare --pid --fork --mount-proc "$HI" --hermes-init-bogus"#)
        #expect(notFound.status == 100)
        let ids = try fx.sh(#"exec unshare --pid --fork --mount-proc "$HI" sh -c 'id -u; grep -E "^(Uid|Groups):" /proc/1/status; cat /proc/1/comm'"#)
        #expect(ids.status == 0, "\(ids.err)")
        #expect(ids.lines.map { $0.trimmingCharacters(in: .whitespaces) } == ["10000", "Uid:\t0\t0\t0\t0", "Groups:", "hermes-init"],
                "init stays root; the program is hermes")
    }

    @Test("--hermes-init-map and HERMES_INIT_MAP remap the final exit code")
    func exitMap() throws {
        let fx = HermesFixture.shared
        let r = try fx.sh(#"""
        unshare --pid --fork --mount-proc "$HI" --hermes-init-map=143:0 sh -c 'kill -TERM $$'; printf '%s ' $?
        HERMES_INIT_MAP="3:4, 5:6" unshare --pid --fork --mount-proc "$HI" sh -c 'exit 5'; printf '%s ' $?
        unshare --pid --fork --mount-proc "$HI" --hermes-init-map=5:6 sh -c 'exit 7'; printf '%s ' $?
        unshare --pid --fork --mount-proc "$HI" --hermes-init-map=300:0 true; printf '%s' $?
        """#, env: ["PATH": "/usr/bin:/bin", "HERMES_HOME": "/opt/data"])
        #expect(r.out == "0 6 7 100", "\(r.err)")
    }

    @Test("--hermes-init-pgroup forwards to the program's process group")
    func processGroup() throws {
        let fx = HermesFixture.shared
        let script = #"""
        unshare --pid --fork --mount-proc "$HI" --hermes-init-pgroup sh -c '
          (trap "echo grandchild-got-usr1; exit 0" USR1; while :; do sleep 0.05; done) &
          trap "echo child-got-usr1" USR1
          echo ready; wait; wait' &
        sleep 0.5
        kill -USR1 $(cat /proc/$!/task/$!/children)
        wait
        """#
        let r = try fx.sh(script, env: ["PATH": "/usr/bin:/bin", "HERMES_HOME": "/opt/data"])
        #expect(r.lines.contains("grandchild-got-usr1") && r.lines.contains("child-got-usr1"), "\(r.out) \(r.err)")
    }

    @Test("not PID 1 but told to: a subreaper that reaps, stops descendants, and says so in one line",
          .disabled(if: binariesEmulated, "qemu-user answers PR_SET_CHILD_SUBREAPER with EINVAL"))
    func subreaper() throws {
        let fx = HermesFixture.shared
        let r = try fx.sh(#"""
        m=$(mktemp); chmod 666 $m
        HERMES_INIT_SUBREAPER=1 HERMES_INIT_GRACE=2 "$HI" sh -c "
          ( sleep 0.2 & ) 
          (trap 'echo got-term > $m; exit 0' TERM; while :; do sleep 0.05; done) &
          sleep 0.5; exit 5"
        echo "rc=$? marker=$(cat $m)"
        """#, env: ["PATH": "/usr/bin:/bin", "HERMES_HOME": "/opt/data"])
        #expect(r.out == "rc=5 marker=got-term\n", "\(r.err)")
        // (The shell in the loop may report its sleep as "Terminated": not ours.)
        #expect(r.err.split(separator: "\n").filter { $0.contains("hermes-init") } == ["hermes-init: info: not PID 1: supervising as a child subreaper"])
    }
}
}
