/// The version both programs report.
enum Version {
    static let string: StaticString = "0.1.0"

    /// `--version`: `PROGRAM VERSION` on stdout, then exit 0.
    static func write(_ program: StaticString) -> Never {
        var v = Bytes(program)
        v.append(0x20)
        v.add(string)
        v.append(0x0A)
        Sys.writeAll(1, v)
        Sys.exit(0)
    }

    /// `--help`: the text on stdout, then exit 0.
    static func printHelp(_ text: StaticString) -> Never {
        Sys.writeAll(1, Bytes(text))
        Sys.exit(0)
    }
}
