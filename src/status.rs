//! The result of feeding a decoder that may need more input.

/// The outcome of a parse that may need more bytes.
///
/// "Need more data" is not an error: a parser that has seen only part of its
/// input returns [`Status::Partial`], and the caller calls again once more
/// bytes have arrived.
///
/// # Examples
///
/// ```
/// use rfc6455::{Header, Status};
///
/// assert_eq!(Header::parse(&[0x81])?, Status::Partial);
/// assert!(Header::parse(&[0x81, 0x05])?.is_complete());
/// # Ok::<(), rfc6455::ProtocolError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status<T> {
    /// Parsing finished with this value.
    Complete(T),
    /// More input is needed.
    Partial,
}

impl<T> Status<T> {
    /// Whether parsing finished.
    #[must_use]
    pub const fn is_complete(&self) -> bool {
        matches!(self, Status::Complete(_))
    }

    /// Whether more input is needed.
    #[must_use]
    pub const fn is_partial(&self) -> bool {
        matches!(self, Status::Partial)
    }

    /// The finished value, if any.
    #[must_use]
    pub fn complete(self) -> Option<T> {
        match self {
            Status::Complete(value) => Some(value),
            Status::Partial => None,
        }
    }
}
