/// The FlexPrice entities the exporter knows how to read: the billing tables in PostgreSQL
/// (DESIGN §2) and usage in ClickHouse, where FlexPrice keeps it (§2b).
///
/// The column lists are part of the export contract: files downstream are parsed by position,
/// so the order here is the order in every CSV header and JSON object.
public enum EntityType: String, Sendable, CaseIterable, Codable, Hashable {
    case featureUsage = "feature_usage"
    case customer
    case invoice
    case price
    case subscription
    case creditNote = "credit_note"
    /// Completed, published credits of customers' wallets (`wallet_transactions` joined to
    /// `wallets` and `customers`): FlexPrice's own `credit_topups` export.
    case creditTopups = "credit_topups"
    /// FlexPrice's metered usage (ClickHouse `meter_usage`): what its own usage export reads.
    case meterUsage = "meter_usage"
    /// FlexPrice's raw events (ClickHouse `events`), as ingested, before metering.
    case events

    /// Where an entity's rows are read from.
    public enum Store: Sendable, Hashable {
        /// FlexPrice's PostgreSQL database (DATABASE_URL), binary COPY.
        case postgres
        /// FlexPrice's ClickHouse event store (EXPORTER_CLICKHOUSE_URL), over its HTTP interface.
        case clickHouse
    }

    /// Where this entity is read from: usage lives in ClickHouse. `feature_usage` is read from
    /// ClickHouse's table of that name when ClickHouse is configured, else from a PostgreSQL table
    /// of that name (installations that copy usage into PostgreSQL).
    public func store(clickHouseConfigured: Bool) -> Store {
        switch self {
        case .meterUsage, .events: .clickHouse
        case .featureUsage: clickHouseConfigured ? .clickHouse : .postgres
        case .customer, .invoice, .price, .subscription, .creditNote, .creditTopups: .postgres
        }
    }

    /// Entities that exist only in ClickHouse: a stream of one without EXPORTER_CLICKHOUSE_URL
    /// is a configuration error.
    public var isClickHouseOnly: Bool { store(clickHouseConfigured: false) == .clickHouse }

    /// Usage (immutable events, exported by event time): FlexPrice's own exporter calls their
    /// export `events`.
    public var isUsage: Bool {
        switch self {
        case .featureUsage, .meterUsage, .events: true
        case .customer, .invoice, .price, .subscription, .creditNote, .creditTopups: false
        }
    }

    /// The table FlexPrice stores this entity in (PostgreSQL, or ClickHouse for usage; the
    /// ClickHouse tables have the entity's name).
    public var table: String {
        switch self {
        case .featureUsage: "feature_usage"
        case .customer: "customers"
        case .invoice: "invoices"
        case .price: "prices"
        case .subscription: "subscriptions"
        case .creditNote: "credit_notes"
        case .creditTopups: "wallet_transactions"
        case .meterUsage: "meter_usage"
        case .events: "events"
        }
    }

    /// The column a window filters on. Usage is immutable and exported by event time; a credit
    /// top-up is immutable too and exported by `created_at`, as FlexPrice does; every other entity
    /// is mutable and exported by `updated_at`, so a change lands in the window it happened in.
    public var windowColumn: String {
        if self == .creditTopups { return "created_at" }
        return isUsage ? "timestamp" : "updated_at"
    }

    /// The exported columns, in contract order.
    public var columns: [String] {
        switch self {
        case .featureUsage:
            ["id", "tenant_id", "environment_id", "external_customer_id", "customer_id", "subscription_id",
             "sub_line_item_id", "price_id", "meter_id", "feature_id", "period_id", "event_name", "source",
             "timestamp", "ingested_at", "qty_total", "properties", "unique_hash"]
        case .customer:
            ["id", "tenant_id", "environment_id", "external_id", "name", "email", "address_line1",
             "address_line2", "address_city", "address_state", "address_postal_code", "address_country",
             "metadata", "status", "created_at", "updated_at"]
        case .invoice:
            ["id", "tenant_id", "environment_id", "customer_id", "subscription_id", "invoice_number",
             "invoice_type", "invoice_status", "payment_status", "currency", "amount_due", "amount_paid",
             "amount_remaining", "subtotal", "total", "due_date", "paid_at", "voided_at", "finalized_at",
             "billing_period", "period_start", "period_end", "billing_reason", "metadata", "status",
             "created_at", "updated_at"]
        case .price:
            ["id", "tenant_id", "environment_id", "amount", "currency", "display_amount", "type",
             "billing_period", "billing_period_count", "billing_model", "billing_cadence", "invoice_cadence",
             "meter_id", "tier_mode", "tiers", "lookup_key", "description", "metadata", "status",
             "created_at", "updated_at"]
        case .subscription:
            ["id", "tenant_id", "environment_id", "lookup_key", "customer_id", "plan_id",
             "subscription_status", "currency", "billing_anchor", "start_date", "end_date",
             "current_period_start", "current_period_end", "cancelled_at", "cancel_at",
             "cancel_at_period_end", "trial_start", "trial_end", "billing_cadence", "billing_period",
             "billing_period_count", "metadata", "status", "created_at", "updated_at"]
        case .creditNote:
            ["id", "tenant_id", "environment_id", "invoice_id", "customer_id", "subscription_id",
             "credit_note_number", "credit_note_status", "credit_note_type", "refund_status", "reason",
             "memo", "currency", "total_amount", "metadata", "status", "created_at", "updated_at"]
        case .creditTopups:
            ["topup_id", "external_id", "name", "wallet_id", "amount", "credit_balance_before", "credit_balance_after",
             "reference_id", "transaction_reason", "created_at"]
        case .meterUsage:
            ["id", "tenant_id", "environment_id", "external_customer_id", "meter_id", "event_name", "timestamp",
             "ingested_at", "qty_total", "unique_hash", "source", "properties"]
        case .events:
            ["id", "tenant_id", "environment_id", "external_customer_id", "customer_id", "event_name", "source",
             "timestamp", "ingested_at", "properties"]
        }
    }
}
