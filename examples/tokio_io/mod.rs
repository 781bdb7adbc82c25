//! Driving a `Connection` over a tokio `TcpStream`: the reference async
//! integration, shared by `tokio_echo` and `tokio_client`.
//!
//! Bytes are read straight into the connection's receive storage
//! (`spare_mut` + `commit`) and queued output is written straight from its
//! transmit storage (`peek_transmit` + `advance_transmit`): no copies besides
//! the kernel's.
#![allow(dead_code)] // each example uses a part

use std::io;

use rfc6455::{Connection, Error, Fragment, KeySource, MessageKind};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// The storage both examples hand to a connection.
pub type Conn<K> = Connection<Vec<u8>, K>;

/// Writes everything the connection has queued.
pub async fn flush<K: KeySource>(socket: &mut TcpStream, conn: &mut Conn<K>) -> io::Result<()> {
    loop {
        let out = conn.peek_transmit();
        if out.is_empty() {
            return Ok(());
        }
        let n = socket.write(out).await?;
        if n == 0 {
            return Err(io::ErrorKind::WriteZero.into());
        }
        conn.advance_transmit(n);
    }
}

/// Reads once from the socket into the connection's storage. Returns false
/// when the transport ended (the connection has been told).
pub async fn read<K: KeySource>(socket: &mut TcpStream, conn: &mut Conn<K>) -> io::Result<bool> {
    let n = match socket.read(conn.spare_mut()).await {
        Ok(n) => n,
        // A reset ends the transport like a FIN; the connection's state
        // tells whether the close handshake had finished.
        Err(e) if e.kind() == io::ErrorKind::ConnectionReset => 0,
        Err(e) => return Err(e),
    };
    if n == 0 {
        conn.receive_eof();
    }
    conn.commit(n);
    Ok(n > 0)
}

/// Queues one data frame, writing queued output first when the transmit
/// storage is full. After the connection closed or failed there is nothing
/// to send to, and the frame is dropped.
pub async fn send<K: KeySource>(
    socket: &mut TcpStream,
    conn: &mut Conn<K>,
    kind: MessageKind,
    data: &[u8],
    fragment: Fragment,
) -> io::Result<()> {
    loop {
        let result = match kind {
            MessageKind::Text => {
                let text = std::str::from_utf8(data).map_err(io::Error::other)?;
                conn.send_text_fragment(text, fragment)
            }
            MessageKind::Binary => conn.send_binary_fragment(data, fragment),
        };
        match result {
            Err(Error::BufferTooSmall(_)) if !conn.peek_transmit().is_empty() => {
                flush(socket, conn).await?;
            }
            Err(Error::Usage(_)) => return Ok(()),
            other => return other.map_err(io::Error::other),
        }
    }
}
