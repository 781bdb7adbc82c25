//! The request target and the Host value of an upgrade request (RFC 9112
//! §3.2, RFC 3986).

use super::token::{has_byte, is_reg_name_byte};

/// Splits a request target into path and query.
///
/// RFC 6455 §4.1/§4.2.1: the Request-URI is the resource name (path and
/// query) or an absolute HTTP/HTTPS URI holding it; §3: "Fragment
/// identifiers are meaningless ... and MUST NOT be used".
pub(super) fn split_target(target: &str) -> Option<Target<'_>> {
    if has_byte(target.as_bytes(), b'#') {
        return None;
    }
    let (authority, resource) = if target.starts_with('/') {
        (None, target)
    } else {
        // A byte search, not `split_once("://")`: a `&str` pattern links a
        // two-way searcher (about 1 KB on a microcontroller).
        let at = target.as_bytes().windows(3).position(|w| w == b"://")?;
        let (scheme, rest) = (target.get(..at)?, target.get(at + 3..)?);
        let known = ["http", "https", "ws", "wss"];
        if !known.iter().any(|k| k.eq_ignore_ascii_case(scheme)) {
            return None;
        }
        let start = rest
            .bytes()
            .position(|b| b == b'/' || b == b'?')
            .unwrap_or(rest.len());
        let authority = rest.get(..start)?;
        // RFC 9110 §4.2.4: userinfo in an http(s) URI is an error.
        if has_byte(authority.as_bytes(), b'@') || !is_host(authority.as_bytes()) {
            return None;
        }
        (Some(authority), rest.get(start..)?)
    };
    let (path, query) = match resource.bytes().position(|b| b == b'?') {
        Some(at) => (resource.get(..at)?, Some(resource.get(at + 1..)?)),
        None => (resource, None),
    };
    let path = if path.is_empty() { "/" } else { path };
    Some(Target {
        authority,
        path,
        query,
    })
}

/// A request target split into its parts (RFC 9112 §3.2).
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Target<'a> {
    /// The authority of an absolute-form target.
    pub(super) authority: Option<&'a str>,
    pub(super) path: &'a str,
    pub(super) query: Option<&'a str>,
}

/// A plausible `Host` value: uri-host [ ":" port ] (RFC 3986 characters).
pub(super) fn is_host(value: &[u8]) -> bool {
    // The port's colon, and the brackets of an IPv6 literal.
    !value.is_empty()
        && value
            .iter()
            .all(|&b| is_reg_name_byte(b) || matches!(b, b':' | b'[' | b']'))
}
