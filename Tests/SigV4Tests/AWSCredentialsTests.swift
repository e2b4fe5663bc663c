import SigV4
import Testing

@Suite("AWSCredentials")
struct AWSCredentialsTests {
    let secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
    let token = "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI"

    /// Every way a value commonly ends up in a log line.
    private func renderings(of credentials: AWSCredentials) -> [String] {
        struct Holder { let credentials: AWSCredentials }
        var dumped = ""
        dump(credentials, to: &dumped)
        var dumpedHolder = ""
        dump(Holder(credentials: credentials), to: &dumpedHolder)
        return [
            credentials.description,
            credentials.debugDescription,
            "\(credentials)",
            String(describing: credentials),
            String(reflecting: credentials),
            "\(Holder(credentials: credentials))",
            String(reflecting: Holder(credentials: credentials)),
            "\([credentials])",
            "\(Optional(credentials) as Any)",
            dumped,
            dumpedHolder,
        ]
    }

    @Test("printing never shows the secret or the session token")
    func redacted() {
        let credentials = AWSCredentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: secret, sessionToken: token)
        for text in renderings(of: credentials) {
            #expect(!text.contains(secret), "\(text)")
            #expect(!text.contains(token), "\(text)")
            #expect(!text.contains("wJalrXUtnFEMI"), "\(text)")
            #expect(text.contains("AKIDEXAMPLE"), "\(text)")
        }
        #expect(credentials.description.contains("sessionToken: <redacted>"))
    }

    @Test("printing shows whether there is a session token, not what it is")
    func withoutToken() {
        let credentials = AWSCredentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: secret)
        #expect(
            credentials.description
                == "AWSCredentials(accessKeyID: AKIDEXAMPLE, secretAccessKey: <redacted>, sessionToken: nil)"
        )
        for text in renderings(of: credentials) {
            #expect(!text.contains(secret), "\(text)")
        }
    }

    @Test("the values are still available to the signer")
    func values() {
        let credentials = AWSCredentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: secret, sessionToken: token)
        #expect(credentials.accessKeyID == "AKIDEXAMPLE")
        #expect(credentials.secretAccessKey == secret)
        #expect(credentials.sessionToken == token)
    }
}
