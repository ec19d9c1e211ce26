import Foundation
import Testing

/// Static checks of what the image is built from: the Dockerfile and docker/.
extension EndToEnd {
@Suite("docker/ files and Dockerfile")
struct DockerFilesTests {
    static let shellFiles: [String] = {
        var files = [String]()
        for dir in ["docker", "scripts", "Tests/fixture", ".ci"] {
            let base = repoDir + "/" + dir
            guard let e = FileManager.default.enumerator(atPath: base) else { continue }
            for case let rel as String in e {
                let path = base + "/" + rel
                guard let head = FileManager.default.contents(atPath: path)?.prefix(2), head == Data("#!".utf8) else { continue }
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
        #expect(text.contains(#"ENTRYPOINT ["/init", "/opt/hermes/bin/hermes-init"]"#))
        #expect(text.contains("\nCMD []\n"))
        #expect(text.contains("ln -sf /opt/hermes/bin/hermes-init /opt/hermes/docker/main-wrapper.sh"))
        #expect(text.contains("ARG HERMES_BASE_IMAGE=") && text.contains("FROM ${HERMES_BASE_IMAGE}"))
        // Every COPY from the build context names something that exists.
        for line in text.split(separator: "\n") where line.hasPrefix("COPY ") && !line.contains("--from=") {
            let words = line.split(separator: " ").filter { !$0.hasPrefix("--") }
            for source in words.dropFirst().dropLast() {
                #expect(FileManager.default.fileExists(atPath: repoDir + "/" + source), "COPY source \(source)")
            }
        }
    }

    @Test("every user-bundle entry is a longrun service that depends on base")
    func services() throws {
        let bundle = repoDir + "/docker/s6-overlay/user-bundles.d/user/contents.d"
        let names = try FileManager.default.contentsOfDirectory(atPath: bundle).sorted()
        #expect(names == ["dashboard", "main-hermes"])
        for n in names {
            let dir = repoDir + "/docker/s6-overlay/s6-rc.d/" + n
            #expect(try String(contentsOfFile: dir + "/type", encoding: .utf8) == "longrun\n")
            #expect(FileManager.default.fileExists(atPath: dir + "/dependencies.d/base"))
            #expect(FileManager.default.isExecutableFile(atPath: dir + "/run"))
        }
        #expect(!FileManager.default.fileExists(atPath: repoDir + "/docker/s6-overlay/s6-rc.d/user"),
                "the old user bundle location is not used")
    }

    @Test("no service script uses with-contenv or s6-setuidgid any more")
    func noOldHelpers() throws {
        for f in Self.allFiles(under: "docker") {
            let code = try String(contentsOfFile: f, encoding: .utf8).split(separator: "\n")
                .filter { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("# ") }
            #expect(!code.contains { $0.contains("s6-setuidgid") || $0.contains("with-contenv") }, "\(f)")
        }
    }
}
}
