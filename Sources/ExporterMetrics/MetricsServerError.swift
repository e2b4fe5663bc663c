import ExporterCore

/// The metrics listener could not start: a configuration problem (exit 78), as the same
/// EXPORTER_METRICS_ADDRESS would fail the same way on every restart.
public enum MetricsServerError: Error, Sendable, CustomStringConvertible {
    /// Binding `address` failed; `reason` says why (in use, not this machine's, no permission).
    case cannotListen(address: MetricsAddress, reason: String)

    public var description: String {
        switch self {
        case .cannotListen(let address, let reason):
            "EXPORTER_METRICS_ADDRESS \(address): cannot listen there: \(reason); "
                + "choose a free host:port, or off to serve no metrics"
        }
    }
}
