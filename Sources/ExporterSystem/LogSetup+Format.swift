extension LogSetup {
    /// `EXPORTER_LOG_FORMAT`: `text` for people reading a terminal or `journalctl`, `json` for
    /// log collectors. Raw values are the accepted setting values.
    public enum Format: String, Sendable, CaseIterable {
        case text
        case json
    }
}
