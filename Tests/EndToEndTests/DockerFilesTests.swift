import Foundation
import Testing

/// Static checks of what the image is built from: the Dockerfile and docker/.
extension EndToEnd {
@Suite("docker/ files and Dockerfile")
struct DockerFilesTests {
    static let shellFiles: [String] = {
        var files = [String]()
        for dir in ["docker", "scripts", "Tests/fixture", "Tests/engine", "Tests/hermes-agent", ".ci"] {
            let base = repoDir + "/" + dir
            guard let e = FileManager.default.enumerator(atPath: base) else { continue }
            // The gateway slots in Tests/fixture/slots are the package's bytes, not ours.
            for case let rel as String in e where !rel.hasPrefix("slots/") {
                let path = base + "/" + rel
                guard let data = FileManager.default.contents(atPath: path), data.starts(with: Data("#!".utf8)),
                      !String(decoding: data.prefix(80), as: UTF8.self).split(separator: "\n")[0].contains("python") else { continue }
                files.append(path)
            }
        }
        return files.sorted()
    }()

    static func allFiles(under dir: String) -> [String] {
        let base = repoDir + "/" + dir
        var isDir: ObjCBool = false
        return (FileManager.default.enumerator(atPath: base)?.allObjects as? [String] ?? [])
            .map { base + "/" + $0 }
            .filter { FileManager.default.fileExists(atPath: $0, isDirectory: &isDir) && !isDir.boolValue }
    }

    @Test("every shell file passes shellcheck")
    func shellcheck() throws {
        #expect(Self.shellFiles.count >= 10)
        let r = try run(["/usr/bin/shellcheck", "--severity=style"] + Self.shellFiles)
        #expect(r.status == 0, "\(r.out)")
    }

    @Test("docker/ files are UTF-8, LF-only, without a BOM")
    func lineEnds() throws {
        let files = Self.allFiles(under: "docker") + [repoDir + "/Dockerfile"]
        #expect(files.count >= 10)
        for f in files {
            let data = try Data(contentsOf: URL(fileURLWithPath: f))
            #expect(!data.starts(with: [0xEF, 0xBB, 0xBF]), "\(f) has a BOM")
            #expect(!data.contains(0x0D), "\(f) has a CR")
            #expect(String(data: data, encoding: .utf8) != nil, "\(f) is not UTF-8")
        }
    }

    @Test("the Dockerfile is clean under hadolint")
    func hadolint() throws {
        let candidates = [repoDir + "/.build/tools/bin/hadolint", "/usr/local/bin/hadolint", "/usr/bin/hadolint"]
        guard let tool = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            Issue.record("hadolint is not installed (scripts/setup.sh installs it into .build/tools)")
            return
        }
        let r = try run([tool, repoDir + "/Dockerfile"])
        #expect(r.status == 0, "\(r.out)\(r.err)")
    }

    @Test("the Dockerfile installs the binaries, the link, the files, and the entry point")
    func dockerfile() throws {
        let text = try String(contentsOfFile: repoDir + "/Dockerfile", encoding: .utf8)
        // The last stage, the one a plain `docker build` gives, has the card's entry point.
        let last = text.components(separatedBy: "\nFROM ").last ?? ""
        #expect(last.hasPrefix("image AS default\n"))
        #expect(last.contains(#"ENTRYPOINT ["/init", "/opt/hermes/bin/hermes-init"]"#) && last.hasSuffix("\nCMD []\n"))
        #expect(text.contains("FROM image AS runtime-init\nENTRYPOINT [\"/opt/hermes/bin/hermes-init\"]\nCMD []\n"))
        #expect(text.contains("ln -sf /opt/hermes/bin/hermes-init /opt/hermes/docker/main-wrapper.sh"))
        // No `# syntax=` directive: BuildKit would fetch that frontend image, and an
        // offline `docker build` failed there (the built-in frontend builds this file).
        #expect(!text.split(separator: "\n").contains { $0.lowercased().hasPrefix("# syntax=") })
        #expect(text.contains("ARG HERMES_BASE_IMAGE=") && text.contains("FROM ${HERMES_BASE_IMAGE}"))
        // Every COPY from the build context names something that exists, but for the
        // binaries scripts/build-embedded.sh puts in dist/ (BINARIES=prebuilt).
        #expect(text.contains("FROM scratch AS prebuilt\nCOPY dist/privdrop dist/hermes-init /out/\n"))
        for line in text.split(separator: "\n") where line.hasPrefix("COPY ") && !line.contains("--from=") {
            let words = line.split(separator: " ").filter { !$0.hasPrefix("--") }
            for source in words.dropFirst().dropLast() where !source.hasPrefix("dist/") {
                if let star = source.firstIndex(of: "*") {
                    // A glob: at least one file in its directory matches.
                    let path = repoDir + "/" + source[..<star]
                    let dir = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)])
                    let prefix = String(path[path.index(after: path.lastIndex(of: "/")!)...])
                    let suffix = String(source[source.index(after: star)...])
                    let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
                    #expect(names.contains { $0.hasPrefix(prefix) && $0.hasSuffix(suffix) }, "COPY source \(source)")
                } else {
                    #expect(FileManager.default.fileExists(atPath: repoDir + "/" + source), "COPY source \(source)")
                }
            }
        }
    }

    @Test("the Dockerfile registers main-hermes and dashboard, each a longrun service that depends on base")
    func services() throws {
        let text = try String(contentsOfFile: repoDir + "/Dockerfile", encoding: .utf8)
        #expect(text.contains("RUN /tmp/register-services.sh main-hermes dashboard"))
        let defined = try FileManager.default.contentsOfDirectory(atPath: repoDir + "/docker/s6-overlay/s6-rc.d").sorted()
        #expect(defined == ["dashboard", "main-hermes"], "no bundle of our own: register-services.sh picks where it goes")
        for n in defined {
            let dir = repoDir + "/docker/s6-overlay/s6-rc.d/" + n
            #expect(try String(contentsOfFile: dir + "/type", encoding: .utf8) == "longrun\n")
            #expect(FileManager.default.fileExists(atPath: dir + "/dependencies.d/base"))
            #expect(FileManager.default.isExecutableFile(atPath: dir + "/run"))
        }
    }

    /// register-services.sh on image roots made from the real release tarballs, laid out
    /// as the published image is (its s6-rc.d/user bundle listing main-hermes and an
    /// entry of the base image's own). The engine tests then boot both versions.
    @Test("register-services.sh: the user bundle where the installed s6-overlay reads it", arguments: s6OverlayVersions)
    func registration(version: String) throws {
        let d = try TempDir()
        let r = try sh(#"""
        set -e
        cp -a "$1/." "$2/"
        e=$2/etc/s6-overlay
        mkdir -p "$e/s6-rc.d/user/contents.d" "$e/s6-rc.d/main-hermes" "$e/s6-rc.d/dashboard" "$e/s6-rc.d/theirs"
        echo bundle > "$e/s6-rc.d/user/type"
        : > "$e/s6-rc.d/user/contents.d/main-hermes"
        : > "$e/s6-rc.d/user/contents.d/theirs"
        ROOT=$2 "$3/docker/register-services.sh" main-hermes dashboard
        cd "$e" && find . -path '*contents.d/*' | sort
        """#, [try s6OverlayRoot(version), d.path, repoDir])
        #expect(r.status == 0, "\(r.err)")
        if version == "3.2.3.0" {
            #expect(r.lines == [
                "register-services: s6-overlay 3.2.3.0: main-hermes dashboard in /etc/s6-overlay/s6-rc.d/user/contents.d",
                "./s6-rc.d/user/contents.d/dashboard", "./s6-rc.d/user/contents.d/main-hermes", "./s6-rc.d/user/contents.d/theirs",
            ])
        } else {
            #expect(r.lines == [
                "register-services: s6-overlay \(version): main-hermes dashboard in /etc/s6-overlay/user-bundles.d/user/contents.d",
                "./user-bundles.d/user/contents.d/dashboard", "./user-bundles.d/user/contents.d/main-hermes",
                "./user-bundles.d/user/contents.d/theirs",
            ])
            #expect(!FileManager.default.fileExists(atPath: d.path + "/etc/s6-overlay/s6-rc.d/user"), "s6-rc.d/user is gone")
        }
    }

    @Test("register-services.sh: no s6-overlay link, or a target it cannot read, fails and changes nothing",
          arguments: ["", "s6-overlay-3.2.x", "s6-overlay-", "elsewhere"])
    func registrationUnknown(target: String) throws {
        let d = try TempDir()
        let r = try sh(#"""
        mkdir -p "$1/etc/s6-overlay/s6-rc.d/main-hermes" "$1/package/admin"
        [ -z "$2" ] || ln -s "$2" "$1/package/admin/s6-overlay"
        ROOT=$1 "$3/docker/register-services.sh" main-hermes; echo "rc=$?"
        find "$1/etc" | wc -l
        """#, [d.path, target, repoDir])
        #expect(r.lines == ["rc=1", "4"], "\(r.err)")
        #expect(r.err.hasPrefix("register-services: fatal: cannot tell the s6-overlay version"))
    }

    @Test("no service script uses with-contenv or s6-setuidgid any more")
    func noOldHelpers() throws {
        // docker/hermes-agent/ is the upstream patch and its tests: without privdrop the
        // patched renderer keeps the published scripts, so they name both on purpose
        // (the image build checks that the rendered slots use neither).
        for f in Self.allFiles(under: "docker") where !f.contains("/docker/hermes-agent/") {
            let code = try String(contentsOfFile: f, encoding: .utf8).split(separator: "\n")
                .filter { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("# ") }
            #expect(!code.contains { $0.contains("s6-setuidgid") || $0.contains("with-contenv") }, "\(f)")
        }
    }
}
}
