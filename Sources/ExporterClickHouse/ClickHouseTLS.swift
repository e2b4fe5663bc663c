import NIOSSL

/// TLS for an https ClickHouse with a private CA (`EXPORTER_CLICKHOUSE_CA_FILE`): the server's
/// certificate is verified against that file's certificates, host name included.
enum ClickHouseTLS {
    static func configuration(caFile: String) throws -> TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .file(caFile)
        tls.certificateVerification = .fullVerification
        return tls
    }
}
