import AsyncHTTPClient
import NIOCore

extension HTTPClient.Configuration {
    /// The HTTP settings of every S3 request: connect within 10 s, a 60 s read timeout, and
    /// redirects never followed. A redirect would send the request (and its signature) to a
    /// place the endpoint policy never judged; S3 itself never redirects a request it can serve
    /// (a 301 PermanentRedirect names the bucket's region), so a 3xx is returned as an error.
    public static var s3: HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .seconds(10), read: .seconds(60))
        configuration.redirectConfiguration = .disallow
        return configuration
    }
}
