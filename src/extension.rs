//! [`NoExtension`], the extension of a connection that runs none, and
//! boxed extensions.

use crate::handshake::{Extension, ExtensionOffer, ExtensionParamWriter};
use crate::message::MessageKind;
use crate::transform::{ExtensionError, Transformed};

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
