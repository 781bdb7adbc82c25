//! Upgrades that an HTTP server (hyper, axum) runs: check the request,
//! build the `101` response, then wrap the upgraded transport.

use http::header::{CONNECTION, HOST, SEC_WEBSOCKET_ACCEPT, SEC_WEBSOCKET_PROTOCOL, UPGRADE};
use http::{Request, Response, StatusCode};
use rfc6455::{HeadLimits, Status, UsageError};

use crate::error::Error;
use crate::server::Accept;

/// Checks that `request` is a WebSocket upgrade (every rule of RFC 6455
/// §4.2.1, by the core's own request parser) and builds the
/// `101 Switching Protocols` response that accepts it.
///
/// Send the response, take the upgraded transport from your HTTP server
/// (hyper: `hyper::upgrade::on(request)`, wrapped in
/// `hyper_util::rt::TokioIo`), and hand it to
/// [`WebSocket::from_upgraded`](crate::WebSocket::from_upgraded) with
/// `Role::Server`. HTTP/1.1 upgrades only (not RFC 8441's HTTP/2
/// `CONNECT`).
///
/// # Errors
///
/// [`Error::Handshake`] if the request is not a valid upgrade: answer it
/// with [`HandshakeError::status`](rfc6455::HandshakeError::status) (400,
/// or 426 with `Sec-WebSocket-Version: 13`); [`Error::Usage`] if `accept`
/// selects a subprotocol the client did not offer or has a header that is
/// not valid HTTP.
///
/// # Examples
///
/// ```
/// use rfc6455_tokio::{upgrade_response, Accept};
///
/// let request = http::Request::get("/chat")
///     .header("Host", "server.example.com")
///     .header("Upgrade", "websocket")
///     .header("Connection", "Upgrade")
///     .header("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
///     .header("Sec-WebSocket-Protocol", "chat, superchat")
///     .header("Sec-WebSocket-Version", "13")
///     .body(())?;
/// let response = upgrade_response(&request, &Accept::new().subprotocol("chat"))?;
/// assert_eq!(response.status(), 101);
/// assert_eq!(response.headers()["Sec-WebSocket-Accept"], "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
/// assert_eq!(response.headers()["Sec-WebSocket-Protocol"], "chat");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn upgrade_response<B>(request: &Request<B>, accept: &Accept) -> Result<Response<()>, Error> {
    let head = request_head(request);
    let limits = HeadLimits::new()
        .with_max_head_len(head.len())
        .with_max_headers(request.headers().len() + 1);
    let parsed = match rfc6455::Request::parse(&head, limits) {
        Ok(Status::Complete(parsed)) => parsed,
        Ok(Status::Partial) => {
            return Err(Error::Handshake(
                rfc6455::HandshakeError::InvalidRequestLine,
            ))
        }
        Err(e) => return Err(Error::Handshake(e)),
    };
    let mut response = Response::builder()
        .status(StatusCode::SWITCHING_PROTOCOLS)
        .header(UPGRADE, "websocket")
        .header(CONNECTION, "Upgrade")
        .header(SEC_WEBSOCKET_ACCEPT, parsed.accept_key().as_str());
    if let Some(chosen) = &accept.subprotocol {
        // §4.2.2: the server selects one of the values the client offered.
        if !parsed.subprotocols().any(|offered| offered == chosen) {
            return Err(Error::Usage(UsageError::SubprotocolNotOffered));
        }
        response = response.header(SEC_WEBSOCKET_PROTOCOL, chosen.as_str());
    }
    for (name, value) in &accept.headers {
        response = response.header(name.as_str(), value.as_str());
    }
    response
        .body(())
        .map_err(|_| Error::Usage(UsageError::InvalidHeader))
}

/// The request as an HTTP/1.1 head, for the core's parser. An HTTP/2-style
/// request without `Host` gets one from the URI's authority.
fn request_head<B>(request: &Request<B>) -> Vec<u8> {
    let mut head = Vec::with_capacity(512);
    let version = match request.version() {
        http::Version::HTTP_10 => "HTTP/1.0",
        http::Version::HTTP_11 => "HTTP/1.1",
        // The core rejects any other version.
        _ => "HTTP/2",
    };
    let target = request.uri().path_and_query().map_or("/", |p| p.as_str());
    for part in [request.method().as_str(), " ", target, " ", version, "\r\n"] {
        head.extend_from_slice(part.as_bytes());
    }
    if !request.headers().contains_key(HOST) {
        if let Some(authority) = request.uri().authority() {
            head.extend_from_slice(b"Host: ");
            head.extend_from_slice(authority.as_str().as_bytes());
            head.extend_from_slice(b"\r\n");
        }
    }
    for (name, value) in request.headers() {
        head.extend_from_slice(name.as_str().as_bytes());
        head.extend_from_slice(b": ");
        head.extend_from_slice(value.as_bytes());
        head.extend_from_slice(b"\r\n");
    }
    head.extend_from_slice(b"\r\n");
    head
}

#[cfg(test)]
mod tests {
    use super::*;
    use rfc6455::HandshakeError;

    fn upgrade() -> http::request::Builder {
        Request::get("ws://example.com/chat?x=1")
            .header("Upgrade", "websocket")
            .header("Connection", "keep-alive, Upgrade")
            .header("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
            .header("Sec-WebSocket-Version", "13")
    }

    #[test]
    fn accepts_with_the_rfc_accept_key_and_extra_headers() {
        let request = upgrade().body(()).unwrap();
        let response = upgrade_response(&request, &Accept::new().header("X-Id", "7")).unwrap();
        assert_eq!(response.status(), StatusCode::SWITCHING_PROTOCOLS);
        let headers = response.headers();
        assert_eq!(
            headers[SEC_WEBSOCKET_ACCEPT],
            "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
        );
        assert_eq!(headers[UPGRADE], "websocket");
        assert_eq!(headers["X-Id"], "7");
        assert!(!headers.contains_key(SEC_WEBSOCKET_PROTOCOL));
    }

    #[test]
    fn rejects_what_the_core_rejects() {
        let wrong_version = upgrade()
            .header("Sec-WebSocket-Version", "8")
            .body(())
            .unwrap();
        let error = upgrade_response(&wrong_version, &Accept::new()).unwrap_err();
        assert!(matches!(
            error,
            Error::Handshake(HandshakeError::UnsupportedWebSocketVersion)
        ));
        let post = Request::post("/").header("Host", "a").body(()).unwrap();
        let error = upgrade_response(&post, &Accept::new()).unwrap_err();
        assert!(matches!(
            error,
            Error::Handshake(HandshakeError::MethodNotGet)
        ));
        let request = upgrade().body(()).unwrap();
        let error = upgrade_response(&request, &Accept::new().subprotocol("chat")).unwrap_err();
        assert!(matches!(
            error,
            Error::Usage(UsageError::SubprotocolNotOffered)
        ));
    }
}
