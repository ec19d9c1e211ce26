// swift-tools-version:6.0
import PackageDescription

// No package dependencies: what ships is HermesCore plus two thin entry points.
// The shipped binaries are built from these same sources by scripts/build-embedded.sh
// (Embedded Swift, static musl); this manifest is for development, tests and the
// regular static fallback (`swift build -c release -Xswiftc -static-executable`).
let package = Package(
    name: "hermes-init",
    products: [
        .executable(name: "privdrop", targets: ["Privdrop"]),
        .executable(name: "hermes-init", targets: ["HermesInit"]),
    ],
    targets: [
        .target(name: "CHermes"),
        .target(
            name: "HermesCore",
            dependencies: ["CHermes"]
        ),
        .executableTarget(
            name: "Privdrop",
            dependencies: ["HermesCore"]
        ),
        .executableTarget(
            name: "HermesInit",
            dependencies: ["HermesCore"]
        ),
        .testTarget(
            name: "HermesCoreTests",
            dependencies: ["HermesCore"]
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["Privdrop", "HermesInit"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
