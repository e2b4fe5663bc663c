import FuzzSupport
@testable import ExporterEngine
import Foundation

/// libFuzzer entry point: any bytes as a manifest fetched back from the bucket by `url --run`
/// (the bucket's owner, the tenant, can write anything there), decoded as `url` decodes it.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzManifest(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Data(UnsafeBufferPointer(start: data, count: size))
    guard let manifest = try? JSONDecoder().decode(ExportManifest.self, from: bytes) else { return 0 }
    _ = manifest.objects.map(\.key)
    _ = manifest.runID
    return 0
}

/// The program's entry (SwiftPM names it `FuzzManifest_main`): libFuzzer's driver over `fuzzManifest`.
@_cdecl("FuzzManifest_main")
public func fuzzManifestMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runLibFuzzer(argc: argc, argv: argv, target: fuzzManifest)
}
