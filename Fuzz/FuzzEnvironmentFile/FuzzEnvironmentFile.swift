import FuzzSupport
import ExporterSystem

/// libFuzzer entry point: any bytes as the config file (systemd's EnvironmentFile= format),
/// parsed as `--config` reads it. Besides not crashing: every assignment's key is a variable
/// name systemd would assign, and the last assignment of a key is its value.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEnvironmentFile(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let file = try? EnvironmentFile.parse(bytes, path: "fuzz.env") else { return 0 }
    let values = file.values
    for assignment in file.assignments {
        precondition(EnvironmentFile.isVariableName(assignment.key), "assigned an invalid name")
    }
    if let last = file.assignments.last { precondition(values[last.key] == last.value) }
    _ = file.warnings
    return 0
}

/// The program's entry (SwiftPM names it `FuzzEnvironmentFile_main`): libFuzzer's driver over `fuzzEnvironmentFile`.
@_cdecl("FuzzEnvironmentFile_main")
public func fuzzEnvironmentFileMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runLibFuzzer(argc: argc, argv: argv, target: fuzzEnvironmentFile)
}
