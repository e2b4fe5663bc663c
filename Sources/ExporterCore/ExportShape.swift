/// Whose shape an export has: the exporter's own contract, or FlexPrice's scheduled exports.
///
/// A stream of a FlexPrice scheduled task (EXPORTER_FLEXPRICE_SCHEDULED_TASKS) writes what
/// FlexPrice's own exporter writes, so the jobs that read those objects keep working: its header,
/// its row filter and its window column. Every other stream writes the contract. Both sources
/// build their query from the same ``ExportSelection``, so the two shapes differ in one place.
public enum ExportShape: Sendable, Hashable {
    /// The exporter's entities (`sync_config.s3`): ``EntityType/columns``, windowed on
    /// ``EntityType/windowColumn``.
    case contract
    /// FlexPrice's scheduled exports (`internal/ee/service/sync/export/` in FlexPrice):
    /// - `events` (``EntityType/meterUsage``): FlexPrice's 19 usage columns, those it leaves
    ///   empty selected as NULL;
    /// - `invoice`: its 38 columns, published invoices only, windowed on `created_at` (FlexPrice's
    ///   window includes its end; ours is half-open, so a boundary invoice is in one file, not two);
    /// - `credit_topups`: the same columns as the contract.
    case flexprice
}
