// swift-tools-version:6.0
import PackageDescription

// Architecture (DESIGN.md §4): a pure core, a UI that renders into a canvas, and thin edges.
// Only LookoutHTTP imports CCurl; only LookoutTerminal imports CNcursesw.
let package = Package(
    name: "lookout",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "lookout", targets: ["lookout"]),
        // Fuzz targets (scripts/fuzz.sh builds them with libFuzzer; a plain build replays the kept corpus).
        .executable(name: "lookout-fuzz", targets: ["LookoutFuzz"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.20.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.1.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    ],
    targets: [
        // C interop: plain typed functions over macros, globals and variadic calls.
        .systemLibrary(name: "CNcursesw", pkgConfig: "ncursesw",
                       providers: [.apt(["libncurses-dev"])]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl",
                       providers: [.apt(["libcurl4-openssl-dev"])]),

        // Pure core: domain, configuration, readiness parsing, app state and reducer. No C, no I/O.
        .target(name: "LookoutCore", dependencies: [
            .product(name: "Yams", package: "Yams"),
            .product(name: "Histogram", package: "hdrhistogram-swift"),
            .product(name: "DequeModule", package: "swift-collections"),
        ]),
        // UI: cell canvas, widgets, screens, themes, key map. No ncurses.
        .target(name: "LookoutUI", dependencies: ["LookoutCore", .product(name: "Yams", package: "Yams")]),

        // The one loop every mode runs (dashboard, snapshot, check): terminal backend protocol, in-memory test
        // backend, injected clock, effect runner, frame pacing, the bounded inbox. No ncurses, no libcurl.
        .target(name: "LookoutRuntime", dependencies: ["LookoutCore", "LookoutUI"]),

        // Edges.
        .target(name: "LookoutHTTP", dependencies: ["LookoutCore", "CCurl", .product(name: "HeapModule", package: "swift-collections")]),
        .target(name: "LookoutTerminal", dependencies: ["LookoutUI", "LookoutRuntime", "CNcursesw"]),
        .target(name: "LookoutSources", dependencies: [
            "LookoutCore", "LookoutHTTP", .product(name: "Subprocess", package: "swift-subprocess"),
        ]),
        // Local state that outlives a run: the spend ledger (SQLite through GRDB).
        .target(name: "LookoutStore", dependencies: ["LookoutCore", .product(name: "GRDB", package: "GRDB.swift")]),
        .target(name: "LookoutDemo", dependencies: [
            "LookoutCore",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .executableTarget(name: "LookoutFuzz", dependencies: ["LookoutCore", "LookoutUI"]),
        // Servers that misbehave on purpose, shared by the edge and end-to-end fault suites (raw sockets, Glibc only).
        .target(name: "LookoutTestSupport"),
        .executableTarget(name: "lookout", dependencies: [
            "LookoutCore", "LookoutUI", "LookoutRuntime", "LookoutHTTP", "LookoutTerminal", "LookoutDemo", "LookoutSources",
            "LookoutStore", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        .testTarget(name: "LookoutCoreTests", dependencies: ["LookoutCore", "LookoutDemo", "LookoutUI"],
                    exclude: ["Fixtures"]),
        .testTarget(name: "LookoutUITests", dependencies: ["LookoutUI", "LookoutCore", "LookoutRuntime"], exclude: ["Snapshots"]),
        .testTarget(name: "LookoutRuntimeTests", dependencies: ["LookoutRuntime", "LookoutUI", "LookoutCore"]),
        .testTarget(name: "LookoutEdgeTests", dependencies: [
            "LookoutHTTP", "LookoutDemo", "LookoutCore", "LookoutSources", "LookoutStore", "LookoutTestSupport",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "EndToEndTests", dependencies: ["LookoutCore", "LookoutTestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
