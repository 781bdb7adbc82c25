//! yawc: it leaves the opening handshake to hyper, so the request head is
//! read and answered here (`crate::handshake`, permessage-deflate agreed
//! when the client offers it and `--deflate` is given); then
//! `WebSocket::from_stream_with_extensions` with the agreed extension,
//! `next_frame`, and `send` of a frame holding the received payload
//! (`Bytes`, no copy). Pings are answered and the Close echoed by yawc.
//! UTF-8 is checked (`with_utf8`, off by default), as every other server
//! does; with deflate, level 1 as the others (flate2's default is 6) on
//! zlib-rs (feature `zlib`) with flate2's memLevel 8.

use std::io;

use futures_util::SinkExt;
use tokio::net::TcpStream;
use yawc::frame::{Frame, OpCode};
use yawc::{CompressionLevel, Options, Role, WebSocket};

use crate::handshake::{self, DEFLATE};

pub async fn echo(socket: TcpStream) -> io::Result<()> {
    serve(socket, false).await
}

pub async fn echo_deflate(socket: TcpStream) -> io::Result<()> {
    serve(socket, true).await
}

async fn serve(mut socket: TcpStream, deflate: bool) -> io::Result<()> {
    let compress = handshake::answer(&mut socket, deflate).await?;
    let mut options = Options::default().with_utf8();
    if compress {
        options = options.with_compression_level(CompressionLevel::new(1));
    }
    let extensions = compress.then_some(DEFLATE);
    let mut ws = WebSocket::from_stream_with_extensions(socket, Role::Server, extensions, options)
        .map_err(io::Error::other)?;
    let mut closing = false;
    loop {
        let frame = match ws.next_frame().await {
            Ok(frame) => frame,
            Err(_) if closing => return Ok(()),
            Err(e) => return Err(io::Error::other(e)),
        };
        let reply = match frame.opcode() {
            OpCode::Text => Frame::text(frame.into_payload()),
            OpCode::Binary => Frame::binary(frame.into_payload()),
            OpCode::Close => {
                closing = true;
                continue;
            }
            _ => continue,
        };
        ws.send(reply).await.map_err(io::Error::other)?;
    }
}
