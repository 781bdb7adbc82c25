//! The four parameters of permessage-deflate (RFC 7692 §7.1): parsing and
//! validating an offer or a response, and writing one.

use rfc6455::{ExtensionOffer, ExtensionParamWriter};

pub(crate) const SERVER_NO_CONTEXT_TAKEOVER: &str = "server_no_context_takeover";
pub(crate) const CLIENT_NO_CONTEXT_TAKEOVER: &str = "client_no_context_takeover";
pub(crate) const SERVER_MAX_WINDOW_BITS: &str = "server_max_window_bits";
pub(crate) const CLIENT_MAX_WINDOW_BITS: &str = "client_max_window_bits";

/// The smallest and largest LZ77 window, as a base-2 logarithm (§7.1.2).
pub const MIN_WINDOW_BITS: u8 = 8;
/// The largest LZ77 window (32,768 bytes), the default when no parameter
/// limits it.
pub const MAX_WINDOW_BITS: u8 = 15;

/// The values 8…15 as written on the wire, indexed by `bits - 8`.
const BITS_TEXT: [&str; 8] = ["8", "9", "10", "11", "12", "13", "14", "15"];

/// A window size as text.
pub(crate) fn bits_text(bits: u8) -> &'static str {
    BITS_TEXT[usize::from(bits.clamp(MIN_WINDOW_BITS, MAX_WINDOW_BITS) - MIN_WINDOW_BITS)]
}

/// §7.1.2.1: "The value MUST be a decimal integer without leading zeros
/// between 8 and 15, inclusive" (`%x38-39 / "1" %x30-35`).
fn parse_bits(value: &str) -> Option<u8> {
    let i = BITS_TEXT.iter().position(|t| *t == value)?;
    u8::try_from(i).ok().map(|i| i + MIN_WINDOW_BITS)
}

/// The parameters of one element (an offer or a response), each given at
/// most once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Params {
    pub server_no_context_takeover: bool,
    pub client_no_context_takeover: bool,
    pub server_max_window_bits: Option<u8>,
    /// `Some(None)`: present without a value (allowed in an offer only).
    pub client_max_window_bits: Option<Option<u8>>,
}

impl Params {
    /// Parses an element's parameters; `None` if one is unknown, repeated,
    /// or has a bad value (§7: "...the server MUST decline an extension
    /// negotiation offer... with an extension parameter not defined for use
    /// in an offer, ... with an extension parameter with an invalid value,
    /// ... with multiple extension parameters with the same name").
    pub(crate) fn parse(element: &ExtensionOffer<'_>) -> Option<Params> {
        let mut params = Params::default();
        let mut seen = [false; 4];
        for param in element.params() {
            let name = param.name();
            let value = param.value();
            let known = [
                SERVER_NO_CONTEXT_TAKEOVER,
                CLIENT_NO_CONTEXT_TAKEOVER,
                SERVER_MAX_WINDOW_BITS,
                CLIENT_MAX_WINDOW_BITS,
            ];
            let i = known.iter().position(|k| k.eq_ignore_ascii_case(name))?;
            if core::mem::replace(&mut seen[i], true) {
                return None;
            }
            match i {
                // §7.1.1: the no_context_takeover parameters have no value.
                0 if value.is_none() => params.server_no_context_takeover = true,
                1 if value.is_none() => params.client_no_context_takeover = true,
                // §7.1.2.1: server_max_window_bits always has a value.
                2 => params.server_max_window_bits = Some(parse_bits(value?)?),
                3 => {
                    params.client_max_window_bits = Some(match value {
                        None => None,
                        Some(v) => Some(parse_bits(v)?),
                    });
                }
                _ => return None,
            }
        }
        Some(params)
    }

    /// Writes the parameters, in the order of the RFC.
    pub(crate) fn write(&self, out: &mut ExtensionParamWriter<'_>) {
        if self.server_no_context_takeover {
            out.param(SERVER_NO_CONTEXT_TAKEOVER, None);
        }
        if self.client_no_context_takeover {
            out.param(CLIENT_NO_CONTEXT_TAKEOVER, None);
        }
        if let Some(bits) = self.server_max_window_bits {
            out.param(SERVER_MAX_WINDOW_BITS, Some(bits_text(bits)));
        }
        if let Some(bits) = self.client_max_window_bits {
            out.param(CLIENT_MAX_WINDOW_BITS, bits.map(bits_text));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_bits_are_8_to_15_without_leading_zeros() {
        for bits in MIN_WINDOW_BITS..=MAX_WINDOW_BITS {
            assert_eq!(parse_bits(bits_text(bits)), Some(bits));
        }
        for bad in ["7", "16", "08", "0", "", "9a", "+9", " 9", "150"] {
            assert_eq!(parse_bits(bad), None, "{bad:?}");
        }
    }
}
