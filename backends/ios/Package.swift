// swift-tools-version:5.5
// Swift Package for the bgsim core on iOS. Sources/BGTCore holds symlinks into core/,
// backends/host/ and backends/ios/BGTCore/ (SwiftPM does not accept target paths outside the
// package root). Add it as a local package: .package(path: "vendor/bgsim/backends/ios").
// SwiftPM builds Objective-C with ARC. backends/ios/compile-stubs is for Linux CI only and is not part of the package.
import PackageDescription

let package = Package(
    name: "BGTCore",
    platforms: [.iOS(.v13)],
    products: [
        .library(name: "BGTCore", targets: ["BGTCore"]),
    ],
    targets: [
        .target(
            name: "BGTCore",
            path: "Sources/BGTCore",
            exclude: ["core/CMakeLists.txt", "core/bgsim-core.pc.in"],
            publicHeadersPath: "include",
            cSettings: [
                .headerSearchPath("core"),
                .headerSearchPath("host"),
            ],
            linkerSettings: [
                .linkedFramework("BackgroundTasks"),
                .linkedFramework("UIKit"),
            ]
        ),
    ]
)
