@testable import ExporterCore
import Testing

/// DATABASE_URL is kept as written (libpq reads it); only its printed form changes.
struct DatabaseURLTests {
    @Test(arguments: [
        ("postgres://u:s3cret@db:5432/flex?sslmode=require", "postgres://u:***@db:5432/flex?sslmode=require"),
        ("postgresql://u:s3cret@h1:5432,h2:5433/flex?target_session_attrs=read-write",
         "postgresql://u:***@h1:5432,h2:5433/flex?target_session_attrs=read-write"),
        ("postgres://u@db/flex?password=s3cret&sslmode=disable", "postgres://u@db/flex?password=***&sslmode=disable"),
        ("host=db port=5432 user=u password=s3cret dbname=flex", "host=db port=5432 user=u password=*** dbname=flex"),
        ("host=db password = 's3 cret\\' x' dbname=flex", "host=db password = *** dbname=flex"),
        ("host=db PASSWORD=s3cret", "host=db PASSWORD=***"),
        ("host=db user=u dbname=flex passfile=/etc/pgpass", "host=db user=u dbname=flex passfile=/etc/pgpass"),
        ("service=exporter", "service=exporter"),
        // Schemes libpq does not take for a URI: its message then quotes the whole string.
        ("postgress://exporter:TopSecret1@host/db", "postgress://exporter:***@host/db"),
        ("pg://exporter:TopSecret1@host/db", "pg://exporter:***@host/db"),
        ("mysql://exporter:TopSecret1@host/db", "mysql://exporter:***@host/db"),
        ("postgresql+psycopg2://exporter:TopSecret1@host/db", "postgresql+psycopg2://exporter:***@host/db"),
        ("missing \"=\" after \"postgress://exporter:TopSecret1@host/db\" in connection info string",
         "missing \"=\" after \"postgress://exporter:***@host/db\" in connection info string"),
    ])
    func passwordsAreRedactedInEveryForm(text: String, shown: String) {
        #expect(DatabaseURL.redacting(text) == shown)
        #expect(DatabaseURL(text).description == shown)
    }

    @Test func overridesComeAfterTheStringAndARedactedPasswordOverride() {
        let url = DatabaseURL("host=db dbname=flex").setting("dbname", to: "other").setting("password", to: "s3cret")
        #expect(url.connectionString == "host=db dbname=flex")
        #expect(url.overrides.map(\.keyword) == ["dbname", "password"])
        #expect(url.override("dbname") == "other")
        #expect(url.description == "host=db dbname=flex dbname=other password=***")
    }

    @Test func anEmptyURLIsAConfigurationError() throws {
        #expect(throws: SettingsError.self) { try DatabaseURL.parse("  ") }
        #expect(try DatabaseURL.parse(" host=db ").connectionString == "host=db")
    }

    /// The passwords a string carries, read without libpq (which names none when it cannot parse
    /// the string, yet quotes it): scrubbed from every message by their value too.
    @Test func embeddedPasswordsAreFoundInEveryForm() {
        #expect(DatabaseURL("postgress://exporter:TopSecret1@host/db").embeddedPasswords == ["TopSecret1"])
        #expect(DatabaseURL("postgres://u:p%40ss@h/db").embeddedPasswords == ["p%40ss", "p@ss"])
        #expect(DatabaseURL("postgres://u@h/db?password=s3cret&x=1").embeddedPasswords == ["s3cret"])
        #expect(DatabaseURL("host=db password='s3 cret' dbname=x").embeddedPasswords == ["s3 cret"])
        #expect(DatabaseURL("host=db dbname=x").setting("password", to: "over").embeddedPasswords == ["over"])
        #expect(DatabaseURL("service=exporter").embeddedPasswords.isEmpty)
    }
}
