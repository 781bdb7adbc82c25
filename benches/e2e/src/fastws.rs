//! fastwebsockets: it leaves the opening handshake to hyper, so the request
//! head is read and answered here (`crate::handshake`); then `WebSocket::after_handshake` in a
//! `FragmentCollector`, which delivers whole messages, answers Pings and
//! echoes the Close (auto_pong and auto_close are on by default).

use std::io;

use fastwebsockets::{FragmentCollector, OpCode, Role, WebSocket};
use tokio::net::TcpStream;

use crate::handshake;

pub async fn echo(mut socket: TcpStream) -> io::Result<()> {
    handshake::answer(&mut socket, false).await?;
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
