/// What one export selects, and from where: the column list (header order), the table each
/// column is read from, the joins, the constant filters and the window column. Neutral about the
/// database: PostgreSQL's ``EntityQuery`` SQL and ClickHouse's SELECT are both built from it.
public struct ExportSelection: Sendable, Hashable {
    /// One exported column.
    public struct Column: Sendable, Hashable {
        /// The header name.
        public let name: String
        /// The alias of the table it is read from (``ExportSelection/alias`` or a join's), nil
        /// when the column is always empty (selected as a typed NULL).
        public let alias: String?
        /// Its column in that table (for a NULL column, unused).
        public let source: String

        public init(_ name: String, alias: String?, source: String? = nil) {
            self.name = name
            self.alias = alias
            self.source = source ?? name
        }
    }

    /// `JOIN table alias ON alias.column = parentAlias.parentColumn`.
    public struct Join: Sendable, Hashable {
        public let table: String
        public let alias: String
        public let column: String
        public let parentAlias: String
        public let parentColumn: String
    }

    /// The main table; scope, window and order are on it.
    public let table: String
    /// The main table's alias (`t`).
    public let alias: String
    public let joins: [Join]
    public let columns: [Column]
    /// The window's column in the main table; the order is (window column, `id`).
    public let windowColumn: String
    /// `column = value` conditions on the main table, besides the scope and the window; the
    /// values are bound as parameters.
    public let filters: [Filter]

    /// `alias.column = value`.
    public struct Filter: Sendable, Hashable {
        public let column: String
        public let value: String
    }

    /// The column names, in header order.
    public var names: [String] { columns.map(\.name) }

    /// The table of an alias.
    public func table(of alias: String) -> String {
        alias == self.alias ? table : joins.first { $0.alias == alias }?.table ?? table
    }

    /// Whether the query is a plain one-table SELECT (every column the main table's, named as it is).
    public var isPlain: Bool {
        joins.isEmpty && filters.isEmpty && columns.allSatisfy { $0.alias == alias && $0.source == $0.name }
    }

    /// The selection of `entity` in `shape`.
    public init(_ entity: EntityType, shape: ExportShape) {
        let t = "t"
        func plain(_ names: [String]) -> [Column] { names.map { Column($0, alias: t) } }
        table = entity.table
        alias = t
        switch (entity, shape) {
        case (.creditTopups, _):
            // FlexPrice's query (internal/repository/ent/wallet.go): completed, published credits,
            // their wallet's customer; the ids are global, so only the transaction is scoped.
            joins = [Join(table: "wallets", alias: "w", column: "id", parentAlias: t, parentColumn: "wallet_id"),
                     Join(table: "customers", alias: "c", column: "id", parentAlias: "w", parentColumn: "customer_id")]
            columns = [Column("topup_id", alias: t, source: "id"), Column("external_id", alias: "c"),
                       Column("name", alias: "c"), Column("wallet_id", alias: t), Column("amount", alias: t),
                       Column("credit_balance_before", alias: t), Column("credit_balance_after", alias: t),
                       Column("reference_id", alias: t), Column("transaction_reason", alias: t),
                       Column("created_at", alias: t)]
            windowColumn = "created_at"
            filters = [Filter(column: "type", value: "credit"), Filter(column: "transaction_status", value: "completed"),
                       Filter(column: "status", value: "published")]
        case (.meterUsage, .flexprice):
            joins = []
            let empty: Set<String> = ["customer_id", "subscription_id", "sub_line_item_id", "price_id", "feature_id",
                                      "period_id", "provisional_usage_charges"]
            columns = Self.flexpriceEventsColumns.map { empty.contains($0) ? Column($0, alias: nil) : Column($0, alias: t) }
            windowColumn = entity.windowColumn
            filters = []
        case (.invoice, .flexprice):
            joins = []
            columns = plain(Self.flexpriceInvoiceColumns)
            windowColumn = "created_at"
            filters = [Filter(column: "status", value: "published")]
        default:
            joins = []
            columns = plain(entity.columns)
            windowColumn = entity.windowColumn
            filters = []
        }
    }

    /// FlexPrice's `events` header (`internal/ee/service/sync/export/event_export.go`).
    public static let flexpriceEventsColumns = [
        "id", "tenant_id", "environment_id", "external_customer_id", "customer_id", "subscription_id",
        "sub_line_item_id", "price_id", "meter_id", "feature_id", "event_name", "source", "timestamp",
        "ingested_at", "period_id", "qty_total", "provisional_usage_charges", "properties", "unique_hash",
    ]

    /// FlexPrice's `invoice` header (`internal/ee/service/sync/export/invoice_export.go`).
    public static let flexpriceInvoiceColumns = [
        "id", "tenant_id", "environment_id", "customer_id", "subscription_id", "invoice_number", "invoice_type",
        "invoice_status", "payment_status", "currency", "amount_due", "amount_paid", "amount_remaining", "subtotal",
        "total", "total_discount", "total_tax", "adjustment_amount", "refunded_amount", "billing_sequence",
        "description", "due_date", "paid_at", "voided_at", "finalized_at", "billing_period", "period_start",
        "period_end", "invoice_pdf_url", "billing_reason", "metadata", "idempotency_key", "version", "status",
        "created_by", "updated_by", "created_at", "updated_at",
    ]
}
