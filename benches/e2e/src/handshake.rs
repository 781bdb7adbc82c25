//! The opening handshake for the crates that leave it to an HTTP server
//! (fastwebsockets, yawc): the request head is read with httparse and
//! answered with rfc6455's `accept_key`. It is not what is measured.

use std::io;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// The extension answered when the client offers permessage-deflate and the
/// server compresses: context takeover both ways, 32 KiB windows (RFC 7692
/// §7.1: a server may leave out the client's `client_max_window_bits`).
pub const DEFLATE: &str = "permessage-deflate";

/// Reads the request head (the client sends nothing more before the 101)
/// and answers it. With `deflate`, a request offering permessage-deflate
/// is answered with [`DEFLATE`]; returns whether it was.
pub async fn answer(socket: &mut TcpStream, deflate: bool) -> io::Result<bool> {
    let mut head = Vec::with_capacity(1024);
    let mut buf = [0; 1024];
    let (key, offered) = loop {
        let n = socket.read(&mut buf).await?;
        if n == 0 || head.len() > 16 << 10 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        head.extend_from_slice(&buf[..n]);
        let mut headers = [httparse::EMPTY_HEADER; 64];
        let mut request = httparse::Request::new(&mut headers);
        if request
            .parse(&head)
            .map_err(io::Error::other)?
            .is_complete()
        {
            let headers = request.headers.iter();
            let key = headers
                .clone()
                .find(|h| h.name.eq_ignore_ascii_case("sec-websocket-key"))
                .ok_or_else(|| io::Error::other("no Sec-WebSocket-Key"))?
                .value;
            let offered = headers
                .filter(|h| h.name.eq_ignore_ascii_case("sec-websocket-extensions"))
                .filter_map(|h| std::str::from_utf8(h.value).ok())
                .flat_map(|v| v.split(','))
                .any(|offer| offer.split(';').next().unwrap_or("").trim() == DEFLATE);
            break (rfc6455::accept_key(key), offered);
        }
    };
    let compress = deflate && offered;
    let extensions = if compress {
        format!("Sec-WebSocket-Extensions: {DEFLATE}\r\n")
    } else {
        String::new()
    };
    let response = format!(
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Accept: {key}\r\n{extensions}\r\n"
    );
    socket.write_all(response.as_bytes()).await?;
    Ok(compress)
}
