import ExporterCore
import Testing

/// EXPORTER_METRICS_ADDRESS (DESIGN §7): host:port, bracketed IPv6, `off`, and errors that name
/// the key.
struct MetricsAddressTests {
    @Test func defaultIsLoopback9464() throws {
        let settings = try ExporterSettings { _ in nil }
        #expect(settings.metricsAddress == MetricsAddress(host: "127.0.0.1", port: 9464))
        #expect(settings.metricsAddress?.description == "127.0.0.1:9464")
    }

    @Test(arguments: [
        ("127.0.0.1:9464", "127.0.0.1", 9464, "127.0.0.1:9464"),
        ("0.0.0.0:1", "0.0.0.0", 1, "0.0.0.0:1"),
        ("localhost:65535", "localhost", 65535, "localhost:65535"),
        ("[::1]:9464", "::1", 9464, "[::1]:9464"),
        ("[::]:9100", "::", 9100, "[::]:9100"),
        ("  [fe80::1%eth0]:9464 ", "fe80::1%eth0", 9464, "[fe80::1%eth0]:9464"),
    ])
    func parses(_ text: String, _ host: String, _ port: Int, _ written: String) throws {
        let settings = try ExporterSettings { $0 == "EXPORTER_METRICS_ADDRESS" ? text : nil }
        let address = try #require(settings.metricsAddress)
        #expect(address.host == host)
        #expect(address.port == port)
        #expect(address.description == written)
    }

    @Test(arguments: ["off", "OFF", "Off"])
    func offDisablesTheListener(_ text: String) throws {
        let settings = try ExporterSettings { $0 == "EXPORTER_METRICS_ADDRESS" ? text : nil }
        #expect(settings.metricsAddress == nil)
    }

    @Test func emptyKeepsTheDefault() throws {
        let settings = try ExporterSettings { $0 == "EXPORTER_METRICS_ADDRESS" ? "" : nil }
        #expect(settings.metricsAddress == .defaultAddress)
    }

    @Test(arguments: [
        ("9464", "needs a port"),
        ("127.0.0.1", "needs a port"),
        (":9464", "needs a host"),
        ("127.0.0.1:0", "needs a port from 1 to 65535"),
        ("127.0.0.1:65536", "needs a port from 1 to 65535"),
        ("127.0.0.1:http", "needs a port from 1 to 65535"),
        ("127.0.0.1:-1", "needs a port from 1 to 65535"),
        ("::1:9464", "needs brackets around an IPv6 address"),
        ("[::1:9464", "has an unclosed ["),
        ("[::1]", "needs :port after the bracketed address"),
        ("[127.0.0.1]:9464", "brackets are for IPv6 addresses"),
        ("http://127.0.0.1:9464", "takes no scheme or path"),
        ("no", "needs a port"),
    ])
    func malformedValuesNameTheKey(_ text: String, _ problem: String) {
        do {
            let settings = try ExporterSettings { $0 == "EXPORTER_METRICS_ADDRESS" ? text : nil }
            Issue.record("expected an error, got \(String(describing: settings.metricsAddress))")
        } catch {
            #expect(error.description.hasPrefix("EXPORTER_METRICS_ADDRESS \(problem)"), "\(error.description)")
            #expect(error.description.contains("got \"\(text)\""), "\(error.description)")
        }
    }
}
