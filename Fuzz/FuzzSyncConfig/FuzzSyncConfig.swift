import FuzzSupport
import ExporterCore
import ExporterSink

/// libFuzzer entry point: any bytes as a connection's `sync_config` (a tenant writes it through
/// FlexPrice's API), parsed as each pass parses it, then, when it parses, its S3 endpoint built
/// and judged by the strict endpoint policy as a sink would. A refusal is an answer; a crash is a bug.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSyncConfig(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let json = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard let settings = try? ConnectionSettings.parse(syncConfig: json, connection: "fuzz") else { return 0 }
    _ = settings.keyLayout.prefix
    guard let endpoint = try? S3Endpoint(bucket: settings.bucket, region: settings.region, endpointURL: settings.endpointURL,
                                         virtualHostStyle: settings.virtualHostStyle) else { return 0 }
    _ = try? endpoint.check(EndpointPolicy())
    _ = endpoint.objectURL(key: "k")
    if let address = IPAddress(endpoint.hostName) { _ = EndpointPolicy.classify(address) }
    return 0
}

/// The program's entry (SwiftPM names it `FuzzSyncConfig_main`): libFuzzer's driver over `fuzzSyncConfig`.
@_cdecl("FuzzSyncConfig_main")
public func fuzzSyncConfigMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runLibFuzzer(argc: argc, argv: argv, target: fuzzSyncConfig)
}
