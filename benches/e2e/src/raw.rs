//! rfc6455: the sans-IO core over the crate's reference tokio loop, as in
//! `examples/tokio_echo.rs` (growable storage, whole messages, deadlines on
//! `tokio::time`, lingering close). With `--deflate`, the connection runs
//! `rfc6455-deflate` (its defaults: level 1, memLevel 4) attached with
//! `with_extension`, which answers the client's offer in `accept`.

use std::future::Future;
use std::io;

use rfc6455::{Accept, Config, Connection, Event, Extension, Fragment, MessageKind, NoKeys};
use rfc6455_deflate::{Deflate, DeflateConfig};
use tokio::net::TcpStream;

use crate::tokio_io::{self, Conn};

pub fn echo(socket: TcpStream) -> impl Future<Output = io::Result<()>> {
    serve(socket, || {
        Connection::server(Config::new(), Vec::new(), Vec::new())
    })
}

pub fn echo_deflate(socket: TcpStream) -> impl Future<Output = io::Result<()>> {
    serve(socket, || {
        Connection::server(Config::new(), Vec::new(), Vec::new())?
            .with_extension(Deflate::with_config(DeflateConfig::new()))
    })
}

/// The connection is made inside the task's future, not moved into it: a
/// connection made outside and moved in can take its room twice.
async fn serve<E, M, R>(mut socket: TcpStream, make: M) -> io::Result<()>
where
    E: Extension,
    M: FnOnce() -> Result<Conn<NoKeys, E>, R>,
    R: std::error::Error + Send + Sync + 'static,
{
    let mut conn = make().map_err(io::Error::other)?;
    // Events borrow the connection: the echo is copied out first, into a
    // buffer kept while the connection keeps its storage.
    let mut reply = Vec::new();
    loop {
        if conn.storage_len() == 0 {
            reply = Vec::new();
        }
        while let Some(event) = conn.poll_event() {
            let (kind, data, fin) = match event {
                Ok(Event::Upgrade(_)) => {
                    conn.accept(&Accept::new()).map_err(io::Error::other)?;
                    continue;
                }
                Ok(Event::Text { data, fin }) => (MessageKind::Text, data.as_bytes(), fin),
                Ok(Event::Binary { data, fin }) => (MessageKind::Binary, data, fin),
                Ok(_) | Err(_) => continue,
            };
            reply.clear();
            reply.extend_from_slice(data);
            let fragment = Fragment::from_fin(fin);
            tokio_io::send(&mut socket, &mut conn, kind, &reply, fragment).await?;
        }
        tokio_io::flush(&mut socket, &mut conn).await?;
        if conn.should_close_transport() || !tokio_io::read(&mut socket, &mut conn).await? {
            while conn.poll_event().is_some() {}
            if tokio_io::flush(&mut socket, &mut conn).await.is_err() {
                return Ok(());
            }
            return tokio_io::close(socket).await;
        }
    }
}
