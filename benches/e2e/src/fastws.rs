//! fastwebsockets: it leaves the opening handshake to hyper, so the request
//! head is read and answered here (with httparse and rfc6455's
//! `accept_key`); then `WebSocket::after_handshake` in a
//! `FragmentCollector`, which delivers whole messages, answers Pings and
//! echoes the Close (auto_pong and auto_close are on by default).

use std::io;

use fastwebsockets::{FragmentCollector, OpCode, Role, WebSocket};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

pub async fn echo(mut socket: TcpStream) -> io::Result<()> {
    handshake(&mut socket).await?;
    let mut ws = FragmentCollector::new(WebSocket::after_handshake(socket, Role::Server));
    loop {
        let frame = ws.read_frame().await.map_err(io::Error::other)?;
        match frame.opcode {
            OpCode::Close => return Ok(()),
            OpCode::Text | OpCode::Binary => {
                ws.write_frame(frame).await.map_err(io::Error::other)?
            }
            _ => {}
        }
    }
}

/// Reads the request head (the client sends nothing more before the 101)
/// and answers it.
async fn handshake(socket: &mut TcpStream) -> io::Result<()> {
    let mut head = Vec::with_capacity(1024);
    let mut buf = [0; 1024];
    let key = loop {
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
            let key = request
                .headers
                .iter()
                .find(|h| h.name.eq_ignore_ascii_case("sec-websocket-key"))
                .ok_or_else(|| io::Error::other("no Sec-WebSocket-Key"))?;
            break rfc6455::accept_key(key.value);
        }
    };
    let response = format!(
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Accept: {key}\r\n\r\n"
    );
    socket.write_all(response.as_bytes()).await
}
