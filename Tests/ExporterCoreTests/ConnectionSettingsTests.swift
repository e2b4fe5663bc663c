import ExporterCore
import SigV4
import Testing

/// `sync_config.s3` parsing (DESIGN §2): defaults, explicit values, and a precise error for
/// every kind of malformed input, naming the connection and the field.
struct ConnectionSettingsTests {
    func parse(_ json: String?) throws(ExportError) -> ConnectionSettings {
        try ConnectionSettings.parse(syncConfig: json, connection: "conn_1")
    }

    func error(_ json: String?) -> ExportError? {
        do {
            _ = try parse(json)
            return nil
        } catch {
            return error
        }
    }

    @Test func minimalConfigGetsTheDefaults() throws {
        let s = try parse(#"{"s3": {"bucket": "b", "region": "us-west-2", "sync_active": true}}"#)
        #expect(s == ConnectionSettings(bucket: "b", region: "us-west-2", keyPrefix: "", compression: .gzip,
                                        encryption: .aes256, kmsKeyID: nil, endpointURL: nil, virtualHostStyle: false,
                                        maxFileSizeMB: 100, interval: .daily, entityTypes: [], format: .csv, syncActive: true))
    }

    @Test(arguments: [("zstd", CompressionSetting.zstd), ("ZSTD", .zstd), ("gzip", .gzip), ("None", .none)])
    func compressionValuesInAnyCase(_ value: String, _ expected: CompressionSetting) throws {
        let s = try parse(#"{"s3": {"bucket": "b", "region": "r", "sync_active": true, "compression": "\#(value)"}}"#)
        #expect(s.compression == expected)
    }

    /// `table_format`: none by default, delta with parquet; delta with any other format names both fields.
    @Test func tableFormatDeltaNeedsParquet() throws {
        #expect(try parse(#"{"s3": {"bucket": "b", "region": "r", "sync_active": true}}"#).tableFormat == TableFormat.none)
        let delta = try parse(#"{"s3": {"bucket": "b", "region": "r", "sync_active": true, "format": "parquet", "table_format": "delta"}}"#)
        #expect(delta.tableFormat == .delta && delta.isDelta)
        #expect(error(#"{"s3": {"bucket": "b", "region": "r", "sync_active": true, "table_format": "delta"}}"#)
                == .config(connection: "conn_1", field: "s3.table_format",
                           problem: "is delta, which needs s3.format parquet (s3.format is csv)"))
        #expect(error(#"{"s3": {"bucket": "b", "region": "r", "sync_active": true, "format": "parquet", "table_format": "iceberg"}}"#)
                == .config(connection: "conn_1", field: "s3.table_format", problem: "is \"iceberg\"; expected one of none, delta"))
        #expect(error(#"{"s3": {"bucket": "b", "region": "r", "sync_active": true, "table_format": 1}}"#)
                == .config(connection: "conn_1", field: "s3.table_format", problem: "is a number, not a string"))
    }

    @Test func everyFieldIsRead() throws {
        let s = try parse("""
            {"s3": {"bucket": "b", "region": "eu-central-1", "key_prefix": "/x/y/", "compression": "none",
             "encryption": "aws:kms", "kms_key_id": "arn:aws:kms:key", "endpoint_url": "http://127.0.0.1:9000",
             "virtual_host_style": true, "max_file_size_mb": 5, "interval": "monthly",
             "entity_types": ["invoice", "feature_usage", "invoice"], "format": "ndjson", "sync_active": false,
             "athena_symlinks": true}}
            """)
        #expect(s.keyPrefix == "/x/y/")
        #expect(s.keyLayout.prefix == "x/y")
        #expect(s.compression == .none)
        #expect(s.encryption == .kms)
        #expect(s.kmsKeyID == "arn:aws:kms:key")
        #expect(s.endpointURL == "http://127.0.0.1:9000")
        #expect(s.virtualHostStyle)
        #expect(s.maxFileSizeMB == 5)
        #expect(s.interval == .monthly)
        #expect(s.entityTypes == [.invoice, .featureUsage])
        #expect(s.format == .ndjson)
        #expect(!s.syncActive)
        #expect(s.athenaSymlinks)
    }

    @Test func withoutEntityTypesTheOutboundFlagsDecide() throws {
        let s = try parse("""
            {"s3": {"bucket": "b", "region": "r", "sync_active": true, "entity_types": []},
             "invoice": {"outbound": true}, "customer": {"outbound": false}, "feature_usage": {"outbound": true}}
            """)
        #expect(s.entityTypes == [.featureUsage, .invoice])
    }

    @Test(arguments: [
        (nil, "sync_config", "is missing"),
        ("not json", "sync_config", "is not valid JSON"),
        ("[1, 2]", "sync_config", "not a JSON object"),
        (#"{"other": {}}"#, "s3", "is missing"),
        (#"{"s3": "text"}"#, "s3", "not a JSON object"),
        (#"{"s3": {"bucket": "b", "region": "r"}}"#, "s3.sync_active", "is missing"),
        (#"{"s3": {"bucket": "b", "region": "r", "sync_active": "yes"}}"#, "s3.sync_active", "not a boolean"),
        (#"{"s3": {"bucket": "b", "region": "r", "sync_active": 1}}"#, "s3.sync_active", "not a boolean"),
        (#"{"s3": {"region": "r", "sync_active": true}}"#, "s3.bucket", "is missing"),
        (#"{"s3": {"bucket": "", "region": "r", "sync_active": true}}"#, "s3.bucket", "is empty"),
        (#"{"s3": {"bucket": "b", "sync_active": true}}"#, "s3.region", "is missing"),
        (#"{"s3": {"bucket": "b", "region": "r", "sync_active": true, "interval": "fortnightly"}}"#, "s3.interval", "expected one of 15MIN, 30MIN, hourly, daily, weekly, monthly"),
        (#"{"s3": {"bucket": "b", "region": "r", "sync_active": true, "entity_types": ["invoice", "plan"]}}"#, "s3.entity_types", "unknown entity \"plan\""),
        (#"{"s3": {"bucket": "b", "region": "r", "sync_active": true, "entity_types": "invoice"}}"#, "s3.entity_types", "not an array"),
        (#"{"s3": {"bucket": "b", "region": "r", "sync_active": true, "max_file_size_mb": -1}}"#, "s3.max_file_size_mb", "positive"),
        (#"{"s3": {"bucket": "b", "region": "r", "sync_active": true, "max_file_size_mb": "100"}}"#, "s3.max_file_size_mb", "not a number"),
        (#"{"s3": {"bucket": "b", "region": "r", "sync_active": true, "endpoint_url": "ftp://x"}}"#, "s3.endpoint_url", "http(s)"),
        (#"{"s3": {"bucket": "b", "region": "r", "sync_active": true, "key_prefix": "a/../b"}}"#, "s3.key_prefix", "'..'"),
        (#"{"s3": {"bucket": "b", "region": "r", "sync_active": true, "key_prefix": "a\nb"}}"#, "s3.key_prefix", "control characters"),
        (#"{"s3": {"bucket": "b", "region": "r", "sync_active": true, "compression": "brotli"}}"#, "s3.compression", "is \"brotli\"; expected one of gzip, none, zstd"),
        (#"{"s3": {"bucket": "b", "region": "r", "sync_active": true, "compression": 3}}"#, "s3.compression", "not a string"),
        (#"{"s3": {"bucket": "b", "region": "r", "sync_active": true, "format": "xml"}}"#, "s3.format", "expected one of csv, json, ndjson"),
        (#"{"s3": {"bucket": "b", "region": "r", "sync_active": true, "encryption": "none"}}"#, "s3.encryption", "AES256"),
        (#"{"s3": {"bucket": "b", "region": "r", "sync_active": true, "kms_key_id": "k"}}"#, "s3.kms_key_id", "aws:kms"),
        (#"{"s3": {"bucket": "b", "region": "r", "sync_active": true}, "invoice": {"outbound": "true"}}"#, "invoice.outbound", "not a boolean"),
        (#"{"s3": {"bucket": "b", "region": "r", "sync_active": true, "athena_symlinks": "yes"}}"#, "s3.athena_symlinks", "is a string, not a boolean"),
    ] as [(String?, String, String)])
    func malformedConfigNamesTheField(_ json: String?, _ field: String, _ problem: String) throws {
        let failure = try #require(error(json))
        guard case .config(let connection, let reportedField, let reportedProblem) = failure else {
            Issue.record("expected a config error, got \(failure)")
            return
        }
        #expect(connection == "conn_1")
        #expect(reportedField == field)
        #expect(reportedProblem.contains(problem), "\(reportedProblem)")
        #expect(failure.code == "config")
        #expect(failure.message.hasPrefix("connection conn_1: sync_config field \(field) "))
    }
}

/// Credentials from `encrypted_secret_data`: both shapes, and decryption errors that name the
/// field without revealing any secret.
struct ConnectionCredentialsTests {
    let box = SecretBox(encryptionKey: "test-key")

    func connection(_ secrets: String?) -> ExportConnection {
        ExportConnection(id: "conn_9", tenantID: "t", environmentID: "e", name: "n", syncConfig: nil, encryptedSecretData: secrets)
    }

    @Test func readsTheFlatShape() throws {
        let json = #"{"aws_access_key_id": "\#(box.encrypt("AKIA1"))", "aws_secret_access_key": "\#(box.encrypt("secret1"))"}"#
        let credentials = try connection(json).credentials(using: box)
        #expect(credentials.accessKeyID == "AKIA1")
        #expect(credentials.secretAccessKey == "secret1")
        #expect(credentials.sessionToken == nil)
    }

    @Test func readsTheNestedShapeWithASessionToken() throws {
        let json = #"{"s3": {"aws_access_key_id": "\#(box.encrypt("AKIA2"))", "aws_secret_access_key": "\#(box.encrypt("secret2"))", "aws_session_token": "\#(box.encrypt("token2"))"}}"#
        let credentials = try connection(json).credentials(using: box)
        #expect(credentials.accessKeyID == "AKIA2")
        #expect(credentials.secretAccessKey == "secret2")
        #expect(credentials.sessionToken == "token2")
    }

    @Test func aWrongKeyNamesTheFieldAndHidesTheSecret() throws {
        let other = SecretBox(encryptionKey: "another-key")
        let json = #"{"aws_access_key_id": "\#(other.encrypt("AKIASECRET"))", "aws_secret_access_key": "\#(other.encrypt("verysecret"))"}"#
        do {
            _ = try connection(json).credentials(using: box)
            Issue.record("expected a decryption error")
        } catch {
            #expect(error.code == "decryption")
            #expect(error.message.contains("conn_9"))
            #expect(error.message.contains("could not be decrypted"))
            #expect(error.message.contains("aws_access_key_id"))
            #expect(!error.message.contains("AKIASECRET"))
            #expect(!error.message.contains("verysecret"))
        }
    }

    @Test(arguments: [
        (nil, "is missing"),
        ("{", "not a JSON object"),
        (#"{"aws_secret_access_key": ""}"#, "aws_access_key_id is missing"),
        (#"{"aws_access_key_id": 5, "aws_secret_access_key": ""}"#, "aws_access_key_id is a number"),
        (#"{"aws_access_key_id": "%%%", "aws_secret_access_key": ""}"#, "aws_access_key_id is not valid base64"),
    ] as [(String?, String)])
    func malformedSecretsNameTheField(_ json: String?, _ expected: String) throws {
        do {
            _ = try connection(json).credentials(using: box)
            Issue.record("expected a decryption error")
        } catch {
            #expect(error.code == "decryption")
            #expect(error.message.contains(expected), "\(error.message)")
        }
    }
}
