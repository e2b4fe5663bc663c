import ExporterSystem
import Foundation
import Logging
import Testing

/// The text format and `LogSetup`'s choice of handler.
struct TextLogHandlerTests {
    @Test func exactLine() {
        let capture = LineCapture()
        var log = Logger(label: "exporter.daemon") { label in
            TextLogHandler(label: label, clock: LineCapture.clock, sink: capture.sink)
        }
        log[metadataKey: "connection"] = "conn_1"
        log.info("pass finished", metadata: ["runs": "3"])
        log.notice("no metadata")
        #expect(capture.lines == [
            "2026-11-25T20:00:00Z info exporter.daemon: connection=conn_1 runs=3 pass finished\n",
            "2026-11-25T20:00:00Z notice exporter.daemon: connection=conn_1 no metadata\n",
        ])
    }

    @Test func levelFollowsTheSharedDynamicLevel() {
        let capture = LineCapture()
        let level = DynamicLogLevel(.error)
        let log = Logger(label: "") { label in
            TextLogHandler(label: label, level: level, clock: LineCapture.clock, sink: capture.sink)
        }
        log.warning("dropped")
        level.level = .warning
        log.warning("kept")
        #expect(capture.lines == ["2026-11-25T20:00:00Z warning: kept\n"])
    }

    @Test func setupPicksTheHandlerAndSharesTheLevel() {
        let level = DynamicLogLevel(.notice)
        let text = LogSetup.makeHandler(label: "a", format: .text, level: level)
        let json = LogSetup.makeHandler(label: "b", format: .json, level: level)
        #expect(text is TextLogHandler)
        #expect(json is JSONLogHandler)
        level.level = .trace
        #expect(text.logLevel == .trace)
        #expect(json.logLevel == .trace)
        #expect(LogSetup.Format(rawValue: "json") == .json)
        #expect(LogSetup.Format(rawValue: "yaml") == nil)
    }
}
