/// `HERMES_INIT_TRACE=1`: one line per decision on stderr. The decisions are events;
/// their wording is here and nowhere else. Off, an event is never built.
struct Trace {
    enum Event {
        case environmentKept(reason: StaticString)
        case environmentLoaded(count: Int)
        case environmentBooted(count: Int)
        case environmentNoDirectory
        case willDrop(Credentials)
        case alreadyHermes(uid: UInt32)
        case changed(Environment.Change)
        case subcommands(StaticString)
        case gatewayExternallySupervised
        case route(Routing.Route, first: Bytes?)
    }

    var enabled: Bool
    let diag: Diagnostics

    /// Every change the rules made to the environment, when tracing.
    func recordChanges(_ env: Environment) {
        if enabled { for c in env.changes { record(.changed(c)) } }
    }

    /// Reports the event when tracing; `event` is only built then.
    func record(_ event: @autoclosure () -> Event) {
        if enabled { diag.report("trace", Trace.render(event())) }
    }

    static func render(_ event: Event) -> Bytes {
        var m = Bytes()
        switch event {
        case .environmentKept(let reason):
            m.add("environment: kept (")
            m.add(reason)
            m.add(")")
        case .environmentLoaded(let count):
            m.add("environment: loaded ")
            m.add(decimal: UInt64(count))
            m.add(" variables from ")
            m.add(HermesInit.containerEnvironment)
        case .environmentBooted(let count):
            m.add("environment: kept, and ")
            m.add(decimal: UInt64(count))
            m.add(" variables laid over it from ")
            m.add(HermesInit.containerEnvironment)
            m.add(" after the boot steps")
        case .environmentNoDirectory:
            m.add("environment: kept (no ")
            m.add(HermesInit.containerEnvironment)
            m.add(")")
        case .willDrop(let c):
            m.add("user: root, will drop to hermes uid ")
            m.add(decimal: c.uid)
            m.add(" gid ")
            m.add(decimal: c.gid)
            m.add(" groups ")
            for (i, g) in c.groups.enumerated() {
                if i > 0 { m.append(0x2C) }
                m.add(decimal: g)
            }
        case .alreadyHermes(let uid):
            m.add("user: already hermes (uid ")
            m.add(decimal: uid)
            m.add("), no drop, groups kept")
        case .changed(let c):
            m.add("environment: ")
            switch c {
            case .set(let n, let v): m.add("set "); m.add(n); m.append(0x3D); m.add(v)
            case .unset(let n): m.add("unset "); m.add(n)
            }
        case .subcommands(let source):
            m.add("subcommands: ")
            m.add(source)
        case .gatewayExternallySupervised:
            m.add("gateway run: supervised by the runtime, not s6: HERMES_GATEWAY_EXTERNAL_SUPERVISOR=1, --external-supervisor")
        case .route(.hermes(let why), _):
            m.add("route: hermes (")
            m.add(why.text)
            m.add(")")
        case .route(.program(let why), let first):
            m.add("route: program ")
            m.add(first ?? [])
            m.add(" (")
            m.add(why.text)
            m.add(")")
        }
        return m
    }
}
