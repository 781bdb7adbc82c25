//! What an extension's message transform reports: [`Transformed`] and
//! [`ExtensionError`] (the trait itself is in `handshake/extension.rs`).

use core::fmt;

/// What one call of [`Extension::decode`](crate::Extension::decode) did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Transformed {
    /// Bytes of the input read.
    pub read: usize,
    /// Bytes written into the output.
    pub written: usize,
    /// The message is complete: given the last piece of input, the
    /// extension has written everything it decodes to.
    pub done: bool,
}

/// An extension could not transform a message: on receive, its data was
/// corrupt (the connection fails with 1007, invalid payload data); on send,
/// the extension failed (the send is refused).
///
/// # Examples
///
/// ```
/// use rfc6455::ExtensionError;
///
/// let error = ExtensionError::new("invalid deflate data");
/// assert_eq!(error.reason(), "invalid deflate data");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ExtensionError {
    reason: &'static str,
}

impl ExtensionError {
    /// An error with a short reason (at most 123 bytes: it may be sent in
    /// a Close frame).
    #[must_use]
    pub const fn new(reason: &'static str) -> Self {
        ExtensionError { reason }
    }

    /// The reason given.
    #[must_use]
    pub const fn reason(&self) -> &'static str {
        self.reason
    }
}

impl fmt::Display for ExtensionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.reason)
    }
}

#[cfg(feature = "std")]
impl std::error::Error for ExtensionError {}
