import ExporterCore
import Testing

/// DESIGN §2's entity table, written out literally: the contract the exporter's `EntityType` must
/// match. The tests compare the exporter (and the files it writes) against this, never against
/// `EntityType` itself, so a dropped or reordered column, a wrong table or a wrong window column
/// fails instead of being mirrored into the expectation.
struct DesignEntityTable: Sendable, CustomTestStringConvertible {
    /// The entity name used in `sync_config.s3.entity_types` and object keys.
    let entity: String
    let table: String
    let windowColumn: String
    let columns: [String]

    var testDescription: String { entity }

    /// Every row of DESIGN §2 "Entity tables", in its order.
    static let all: [DesignEntityTable] = [
        DesignEntityTable(
            entity: "feature_usage", table: "feature_usage", windowColumn: "timestamp",
            columns: ["id", "tenant_id", "environment_id", "external_customer_id", "customer_id", "subscription_id",
                      "sub_line_item_id", "price_id", "meter_id", "feature_id", "period_id", "event_name", "source",
                      "timestamp", "ingested_at", "qty_total", "properties", "unique_hash"]),
        DesignEntityTable(
            entity: "customer", table: "customers", windowColumn: "updated_at",
            columns: ["id", "tenant_id", "environment_id", "external_id", "name", "email", "address_line1",
                      "address_line2", "address_city", "address_state", "address_postal_code", "address_country",
                      "metadata", "status", "created_at", "updated_at"]),
        DesignEntityTable(
            entity: "invoice", table: "invoices", windowColumn: "updated_at",
            columns: ["id", "tenant_id", "environment_id", "customer_id", "subscription_id", "invoice_number",
                      "invoice_type", "invoice_status", "payment_status", "currency", "amount_due", "amount_paid",
                      "amount_remaining", "subtotal", "total", "due_date", "paid_at", "voided_at", "finalized_at",
                      "billing_period", "period_start", "period_end", "billing_reason", "metadata", "status",
                      "created_at", "updated_at"]),
        DesignEntityTable(
            entity: "price", table: "prices", windowColumn: "updated_at",
            columns: ["id", "tenant_id", "environment_id", "amount", "currency", "display_amount", "type",
                      "billing_period", "billing_period_count", "billing_model", "billing_cadence", "invoice_cadence",
                      "meter_id", "tier_mode", "tiers", "lookup_key", "description", "metadata", "status",
                      "created_at", "updated_at"]),
        DesignEntityTable(
            entity: "subscription", table: "subscriptions", windowColumn: "updated_at",
            columns: ["id", "tenant_id", "environment_id", "lookup_key", "customer_id", "plan_id",
                      "subscription_status", "currency", "billing_anchor", "start_date", "end_date",
                      "current_period_start", "current_period_end", "cancelled_at", "cancel_at",
                      "cancel_at_period_end", "trial_start", "trial_end", "billing_cadence", "billing_period",
                      "billing_period_count", "metadata", "status", "created_at", "updated_at"]),
        DesignEntityTable(
            entity: "credit_note", table: "credit_notes", windowColumn: "updated_at",
            columns: ["id", "tenant_id", "environment_id", "invoice_id", "customer_id", "subscription_id",
                      "credit_note_number", "credit_note_status", "credit_note_type", "refund_status", "reason",
                      "memo", "currency", "total_amount", "metadata", "status", "created_at", "updated_at"]),
    ]

    /// DESIGN §2b's ClickHouse tables, in its order (`feature_usage`, also there, is §2's row).
    /// FlexPrice's credit top-ups (issue 24): `wallet_transactions` joined to `wallets` and
    /// `customers`, windowed on the transaction's `created_at` (its SELECT is spelled out in
    /// EntityContractTests).
    static let joined: [DesignEntityTable] = [
        DesignEntityTable(
            entity: "credit_topups", table: "wallet_transactions", windowColumn: "created_at",
            columns: ["topup_id", "external_id", "name", "wallet_id", "amount", "credit_balance_before",
                      "credit_balance_after", "reference_id", "transaction_reason", "created_at"]),
    ]

    static let clickHouse: [DesignEntityTable] = [
        DesignEntityTable(
            entity: "meter_usage", table: "meter_usage", windowColumn: "timestamp",
            columns: ["id", "tenant_id", "environment_id", "external_customer_id", "meter_id", "event_name", "timestamp",
                      "ingested_at", "qty_total", "unique_hash", "source", "properties"]),
        DesignEntityTable(
            entity: "events", table: "events", windowColumn: "timestamp",
            columns: ["id", "tenant_id", "environment_id", "external_customer_id", "customer_id", "event_name", "source",
                      "timestamp", "ingested_at", "properties"]),
    ]

    /// The literal row for `entity`, looked up by its name (not by anything `EntityType` computes).
    static func of(_ entity: EntityType) -> DesignEntityTable {
        guard let row = (all + joined + clickHouse).first(where: { $0.entity == entity.rawValue }) else {
            // An entity the exporter knows but DESIGN §2 does not: an empty contract fails every comparison.
            return DesignEntityTable(entity: entity.rawValue, table: "", windowColumn: "", columns: [])
        }
        return row
    }

    /// The SELECT DESIGN §2 asks for, spelled out: the explicit column list, the tenant and
    /// environment filter, the half-open window on the window column, ordered by a unique key.
    var selectSQL: String {
        let list = columns.map { "\"\($0)\"" }.joined(separator: ", ")
        return "SELECT \(list) FROM \"\(table)\" WHERE \"tenant_id\" = $1 AND \"environment_id\" = $2 "
            + "AND \"\(windowColumn)\" >= $3 AND \"\(windowColumn)\" < $4 ORDER BY \"\(windowColumn)\", \"id\""
    }
}
