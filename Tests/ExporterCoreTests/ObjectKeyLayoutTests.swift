import ExporterCore
import Testing

/// Object keys (DESIGN §5).
struct ObjectKeyLayoutTests {
    let window = ExportWindow(start: 1_795_132_800, end: 1_795_219_200) // 2026-11-20 .. 21

    @Test func dataKeyFollowsTheContract() {
        let layout = ObjectKeyLayout(keyPrefix: "exports/flexprice")
        #expect(layout.dataKey(entity: .featureUsage, window: window, format: .csv, compression: .gzip)
                == "exports/flexprice/feature_usage/2026/11/20/feature_usage_20261120T000000Z_20261121T000000Z.csv.gz")
        #expect(layout.dataKey(entity: .creditNote, window: window, format: .ndjson, compression: .none)
                == "exports/flexprice/credit_note/2026/11/20/credit_note_20261120T000000Z_20261121T000000Z.ndjson")
        #expect(layout.manifestKey(entity: .invoice, window: window)
                == "exports/flexprice/invoice/2026/11/20/invoice_20261120T000000Z_20261121T000000Z_manifest.json")
    }

    /// A Delta table's files carry the run id (never overwritten); its root is the entity folder.
    @Test func deltaDataFilesCarryTheRunID() {
        let layout = ObjectKeyLayout(keyPrefix: "/exports//flexprice/")
        #expect(layout.dataKey(entity: .invoice, window: window, format: .parquet, compression: .zstd, run: 42)
                == "exports/flexprice/invoice/2026/11/20/invoice_20261120T000000Z_20261121T000000Z_run-42.parquet")
        #expect(layout.dataKey(entity: .invoice, window: window, format: .parquet, compression: .gzip, part: 3, run: 42)
                == "exports/flexprice/invoice/2026/11/20/invoice_20261120T000000Z_20261121T000000Z_run-42_part-0003.parquet")
        #expect(layout.tableRoot(entity: .invoice) == "exports/flexprice/invoice/")
        #expect(ObjectKeyLayout(keyPrefix: "").tableRoot(entity: .price) == "price/")
    }

    /// Only the exporter's own Delta data files are ever deleted by a clean-up or a vacuum.
    @Test(arguments: [
        ("2026/11/20/invoice_20261120T000000Z_20261121T000000Z_run-42.parquet", true),
        ("2026/11/20/invoice_20261120T000000Z_20261121T000000Z_run-42_part-0003.parquet", true),
        ("2026/11/20/invoice_20261120T000000Z_20261121T000000Z.parquet", false),
        ("2026/11/20/invoice_20261120T000000Z_20261121T000000Z_manifest.json", false),
        ("2026/11/20/invoice_20261120T000000Z_20261121T000000Z_run-42.csv.gz", false),
        ("2026/11/20/invoice_run-.parquet", false),
        ("2026/11/20/invoice_run-42_part-.parquet", false),
        ("2026/11/20/invoice_run-42x.parquet", false),
        ("part-00000-5f3c.snappy.parquet", false),
    ])
    func deltaDataFilesAreRecognised(_ key: String, _ expected: Bool) {
        #expect(ObjectKeyLayout.isDeltaDataFile(key) == expected)
        #expect((ObjectKeyLayout.deltaRunID(key) == 42) == expected)
    }

    @Test func partFilesAreNumberedWithFourDigits() {
        let layout = ObjectKeyLayout(keyPrefix: "")
        #expect(layout.dataKey(entity: .price, window: window, format: .json, compression: .gzip, part: 2)
                == "price/2026/11/20/price_20261120T000000Z_20261121T000000Z_part-0002.json.gz")
    }

    /// `compression: zstd`: `.zst` after the format's extension, on single files and parts alike.
    @Test func zstdObjectsEndInZst() {
        let layout = ObjectKeyLayout(keyPrefix: "exports/flexprice")
        #expect(layout.dataKey(entity: .featureUsage, window: window, format: .csv, compression: .zstd)
                == "exports/flexprice/feature_usage/2026/11/20/feature_usage_20261120T000000Z_20261121T000000Z.csv.zst")
        #expect(layout.dataKey(entity: .featureUsage, window: window, format: .ndjson, compression: .zstd, part: 1)
                == "exports/flexprice/feature_usage/2026/11/20/feature_usage_20261120T000000Z_20261121T000000Z_part-0001.ndjson.zst")
        #expect(layout.dataKey(entity: .invoice, window: window, format: .json, compression: .zstd, part: 12)
                == "exports/flexprice/invoice/2026/11/20/invoice_20261120T000000Z_20261121T000000Z_part-0012.json.zst")
    }

    @Test func compressionGivesTheSuffixAndContentEncoding() {
        #expect(CompressionSetting.gzip.fileSuffix == ".gz")
        #expect(CompressionSetting.zstd.fileSuffix == ".zst")
        #expect(CompressionSetting.none.fileSuffix == "")
        #expect(CompressionSetting.gzip.contentEncoding == "gzip")
        #expect(CompressionSetting.zstd.contentEncoding == "zstd")
        #expect(CompressionSetting.none.contentEncoding == nil)
    }

    @Test(arguments: ["", "/", "//"])
    func emptyPrefixesGiveNoLeadingSlash(_ prefix: String) {
        let key = ObjectKeyLayout(keyPrefix: prefix).dataKey(entity: .customer, window: window, format: .csv, compression: .gzip)
        #expect(key == "customer/2026/11/20/customer_20261120T000000Z_20261121T000000Z.csv.gz")
    }

    @Test(arguments: ["/a/b/", "a//b", "a/b/", "//a///b//"])
    func slashesAreNormalised(_ prefix: String) {
        let key = ObjectKeyLayout(keyPrefix: prefix).manifestKey(entity: .customer, window: window)
        #expect(key.hasPrefix("a/b/customer/2026/11/20/"))
        #expect(!key.contains("//"))
    }

    /// `athena_symlinks`: one list per window beside the entities' folders, in the window's date
    /// folder, never under an entity's folder (where a reader of the data would meet it).
    @Test func athenaSymlinkListsLiveBesideTheEntities() {
        let layout = ObjectKeyLayout(keyPrefix: "/exports/flexprice/")
        #expect(layout.athenaSymlinkFolder(entity: .invoice) == "exports/flexprice/athena-symlinks/invoice/")
        #expect(layout.athenaSymlinkKey(entity: .invoice, window: window)
                == "exports/flexprice/athena-symlinks/invoice/2026/11/20/invoice_20261120T000000Z_20261121T000000Z.txt")
        let weekly = ExportWindow(start: 1_794_787_200, end: 1_795_392_000) // Monday 2026-11-16 .. 23
        #expect(ObjectKeyLayout(keyPrefix: "").athenaSymlinkKey(entity: .featureUsage, window: weekly)
                == "athena-symlinks/feature_usage/2026/11/16/feature_usage_20261116T000000Z_20261123T000000Z.txt")
        #expect(!layout.athenaSymlinkKey(entity: .invoice, window: window).hasPrefix(layout.stem(entity: .invoice, window: window)))
    }

    /// The list's bytes: one `s3://` URL per data object, each ending in LF, keys as they are.
    @Test func athenaSymlinkListNamesEachObject() {
        let list = AthenaSymlinkList(bucket: "acme-billing-exports", keys: [
            "flexprice/invoice/2026/11/20/invoice_20261120T000000Z_20261121T000000Z_part-0001.parquet",
            "my prefix/invoice/2026/11/20/invoice_20261120T000000Z_20261121T000000Z_part-0002.parquet",
        ])
        #expect(list.text == """
            s3://acme-billing-exports/flexprice/invoice/2026/11/20/invoice_20261120T000000Z_20261121T000000Z_part-0001.parquet
            s3://acme-billing-exports/my prefix/invoice/2026/11/20/invoice_20261120T000000Z_20261121T000000Z_part-0002.parquet

            """)
        #expect(AthenaSymlinkList(bucket: "b", keys: ["k.parquet"]).text == "s3://b/k.parquet\n")
    }

    // MARK: FlexPrice's own layout (scheduled-task streams), as FlexPrice's exporter builds it

    /// `{key_prefix}/{export}/{export}-{yyMMddHHmmss}-{yyMMddHHmmss}.csv[.gz]`, the prefix as
    /// written, one leading `/` removed (FlexPrice's internal/integration/s3/upload.go).
    @Test(arguments: [
        ("acme", CompressionSetting.gzip, "acme/events/events-260822100000-260822110000.csv.gz"),
        ("", .none, "events/events-260822100000-260822110000.csv"),
        ("exports/", .none, "exports//events/events-260822100000-260822110000.csv"),
        ("/exports", .gzip, "exports/events/events-260822100000-260822110000.csv.gz"),
        ("//x", .none, "/x/events/events-260822100000-260822110000.csv"),
    ])
    func flexpriceKeysAreFlexPricesOwn(prefix: String, compression: CompressionSetting, key: String) {
        let hour = ExportWindow(start: 1_787_392_800, end: 1_787_396_400) // 2026-08-22 10:00 .. 11:00 UTC
        let layout = ObjectKeyLayout(keyPrefix: prefix, style: .flexprice(export: "events", rawPrefix: prefix))
        #expect(layout.dataKey(entity: .invoice, window: hour, format: .csv, compression: compression) == key)
        let stem = String(key.prefix(while: { $0 != "." }))
        #expect(layout.manifestKey(entity: .invoice, window: hour) == stem + "_manifest.json")
        #expect(layout.dataKey(entity: .invoice, window: hour, format: .csv, compression: compression, part: 2)
                == stem + "_part-0002.csv" + (compression == .gzip ? ".gz" : ""))
    }

    @Test func aDailyFlexpriceInvoiceKey() {
        let day = ExportWindow(start: 1_787_270_400, end: 1_787_356_800) // 2026-08-21 .. 22
        let layout = ObjectKeyLayout(keyPrefix: "", style: .flexprice(export: "invoice", rawPrefix: ""))
        #expect(layout.dataKey(entity: .invoice, window: day, format: .csv, compression: .none)
                == "invoice/invoice-260821000000-260822000000.csv")
    }
}
