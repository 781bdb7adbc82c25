//! What an extension's message transform reports ([`Transformed`],
//! [`ExtensionError`]), and [`NoExtension`], the extension of a connection
//! that runs none.

use core::fmt;

use crate::handshake::{Extension, ExtensionOffer, ExtensionParamWriter};
use crate::message::MessageKind;

/// What one call of [`Extension::decode`] did.
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

/// The extension of a [`Connection`](crate::Connection) that runs none: the
/// default. It has no values, so a connection holds nothing for it and
/// links none of the extension paths.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoExtension {}

impl Extension for NoExtension {
    fn name(&self) -> &str {
        match *self {}
    }
    fn rsv(&self) -> u8 {
        match *self {}
    }
    fn offer(&self, _: &mut ExtensionParamWriter<'_>) {
        match *self {}
    }
    fn accept_offer(&mut self, _: &ExtensionOffer<'_>) -> bool {
        match *self {}
    }
    fn response(&self, _: &mut ExtensionParamWriter<'_>) {
        match *self {}
    }
    fn accept_response(&mut self, _: &ExtensionOffer<'_>) -> bool {
        match *self {}
    }
    fn decode(&mut self, _: &[u8], _: bool, _: &mut [u8]) -> Result<Transformed, ExtensionError> {
        match *self {}
    }
    fn encodes(&self, _: MessageKind, _: usize) -> bool {
        match *self {}
    }
    fn max_encoded_len(&self, _: usize) -> usize {
        match *self {}
    }
    fn encode(&mut self, _: &[u8], _: bool, _: &mut [u8]) -> Result<usize, ExtensionError> {
        match *self {}
    }
}

/// A boxed extension is an extension: a connection then holds one pointer
/// for it, whatever the extension's size, and `Box<dyn Extension>` picks
/// one at run time.
#[cfg(feature = "alloc")]
impl<X: Extension + ?Sized> Extension for alloc::boxed::Box<X> {
    fn name(&self) -> &str {
        (**self).name()
    }
    fn rsv(&self) -> u8 {
        (**self).rsv()
    }
    fn offer(&self, params: &mut ExtensionParamWriter<'_>) {
        (**self).offer(params);
    }
    fn accept_offer(&mut self, offer: &ExtensionOffer<'_>) -> bool {
        (**self).accept_offer(offer)
    }
    fn response(&self, params: &mut ExtensionParamWriter<'_>) {
        (**self).response(params);
    }
    fn accept_response(&mut self, response: &ExtensionOffer<'_>) -> bool {
        (**self).accept_response(response)
    }
    fn decode(
        &mut self,
        input: &[u8],
        last: bool,
        out: &mut [u8],
    ) -> Result<Transformed, ExtensionError> {
        (**self).decode(input, last, out)
    }
    fn encodes(&self, kind: MessageKind, len: usize) -> bool {
        (**self).encodes(kind, len)
    }
    fn max_encoded_len(&self, len: usize) -> usize {
        (**self).max_encoded_len(len)
    }
    fn encode(
        &mut self,
        input: &[u8],
        last: bool,
        out: &mut [u8],
    ) -> Result<usize, ExtensionError> {
        (**self).encode(input, last, out)
    }
}
