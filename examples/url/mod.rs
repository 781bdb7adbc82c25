//! `ws://host[:port]/target` URLs, for the client examples.

use std::io;

/// A `ws://` URL, split into what a connection needs.
pub struct Url<'a> {
    /// A name or an IP address (IPv6 without brackets).
    pub host: &'a str,
    pub port: u16,
    /// The path and query, `/` if the URL has none.
    pub target: &'a str,
}

/// Splits a `ws://` URL. `wss://` needs TLS, which these examples lack.
pub fn parse(url: &str) -> io::Result<Url<'_>> {
    let invalid = |why: &str| io::Error::new(io::ErrorKind::InvalidInput, format!("{url}: {why}"));
    let rest = url
        .strip_prefix("ws://")
        .ok_or_else(|| invalid("only ws:// URLs are supported"))?;
    let (authority, target) = rest
        .find('/')
        .map_or((rest, "/"), |i| (&rest[..i], &rest[i..]));
    let (host, port) = match authority.rsplit_once(':') {
        Some((host, port)) if !host.ends_with(']') || host.starts_with('[') => {
            (host, port.parse().map_err(|_| invalid("bad port"))?)
        }
        _ => (authority, 80),
    };
    Ok(Url {
        host: host.trim_start_matches('[').trim_end_matches(']'),
        port,
        target,
    })
}
