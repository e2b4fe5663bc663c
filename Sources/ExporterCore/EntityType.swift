/// The FlexPrice entities the exporter knows how to read (DESIGN §2).
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

    /// The PostgreSQL table FlexPrice stores this entity in.
    public var table: String {
        switch self {
        case .featureUsage: "feature_usage"
        case .customer: "customers"
        case .invoice: "invoices"
        case .price: "prices"
        case .subscription: "subscriptions"
        case .creditNote: "credit_notes"
        }
    }

    /// The column a window filters on. Usage is immutable and exported by event time; every
    /// other entity is mutable and exported by `updated_at`, so a change lands in the window it
    /// happened in.
    public var windowColumn: String {
        self == .featureUsage ? "timestamp" : "updated_at"
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
        }
    }
}
