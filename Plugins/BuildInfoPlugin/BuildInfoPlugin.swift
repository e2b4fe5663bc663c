import Foundation
import PackagePlugin

/// Generates `BuildInfo.swift` (the version from `VERSION` and the git commit of the checkout)
/// before every build, for `flexprice-exporter --version`.
///
/// A prebuild command runs on every build, so the commit is never stale after a new commit; the
/// script rewrites the file only when its content changes, so an unchanged commit recompiles
/// nothing. Outside a git checkout (a source tarball) the commit is `unknown` and the build
/// still succeeds.
@main
struct BuildInfoPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: any Target) throws -> [Command] {
        let output = context.pluginWorkDirectoryURL.appending(path: "BuildInfo")
        let package = context.package.directoryURL
        return [
            .prebuildCommand(
                displayName: "BuildInfo.swift: version and git commit of \(package.lastPathComponent)",
                executable: URL(fileURLWithPath: "/bin/sh"),
                arguments: [package.appending(path: "scripts/build-info.sh").path, package.path, output.path],
                outputFilesDirectory: output),
        ]
    }
}
