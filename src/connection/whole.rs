//! The whole-frame path: a final Text or Binary frame that starts a message
//! and lies entire in the receive storage is unmasked, checked and delivered
//! where it lies, in one step.
//!
//! It is only a shortcut. It takes a frame only when every check the general
//! path makes is known to pass except UTF-8 (which it makes itself, with the
//! same result), and leaves everything else (control frames, fragments,
//! partial frames, anything the general path would refuse) to that path, so
//! events, errors and close codes are the same whichever path runs. The
//! `chunking` fuzz target and the split tests, which feed the same bytes whole
//! and one byte at a time, compare the two.

use super::{Connection, State};
use crate::error::{Error, ProtocolError};
use crate::event::Event;
use crate::frame::{Header, Opcode};
use crate::keys::KeySource;
use crate::mask::apply_mask;
use crate::status::Status;
use crate::utf8;

impl<B: AsMut<[u8]>, K: KeySource> Connection<B, K> {
    /// The next frame's header, its length and whether it is text, if the
    /// frame can take the whole-frame path.
    #[inline]
    pub(super) fn whole_frame(&mut self) -> Option<(Header, usize, bool)> {
        if self.inbound.kind.is_some() || !self.decoder.is_between_frames() {
            return None;
        }
        let (read, filled) = (self.rx.read, self.rx.filled);
        let input = &self.rx.bytes()[read..filled];
        let Ok(Status::Complete((header, header_len))) = Header::parse(input) else {
            return None;
        };
        let text = match header.opcode {
            Opcode::Text => true,
            Opcode::Binary => false,
            _ => return None,
        };
        let len = usize::try_from(header.payload_len).ok()?;
        let whole = header_len.checked_add(len)? <= input.len();
        (whole && self.takes_whole(&header)).then_some((header, header_len, text))
    }

    /// Delivers the frame [`whole_frame`](Self::whole_frame) found.
    #[inline]
    pub(super) fn deliver_whole(
        &mut self,
        header: Header,
        header_len: usize,
        text: bool,
    ) -> Result<Event<'_>, Error> {
        // `whole_frame` checked that the payload is all in storage.
        let len = header.payload_len as usize;
        let start = self.rx.read + header_len;
        let payload = &mut self.rx.bytes()[start..start + len];
        if let Some(key) = header.mask {
            apply_mask(payload, key, 0);
        }
        // §8.1: invalid text fails the connection (1007), as on the general
        // path.
        if text && !utf8::is_valid(payload) {
            return Err(self.fail(ProtocolError::InvalidUtf8));
        }
        self.rx.read = start + len;
        self.rx.settle();
        // `settle` moved the indices only; the bytes stay put while the event
        // borrows them.
        let data = &self.rx.bytes()[start..start + len];
        Ok(if text {
            Event::Text {
                data: utf8::str_from_validated(data),
                fin: true,
            }
        } else {
            Event::Binary { data, fin: true }
        })
    }

    /// Whether the general path would accept this header without an error
    /// and deliver its frame as a whole message.
    #[inline]
    fn takes_whole(&self, header: &Header) -> bool {
        header.fin
            && header.rsv == 0
            && header.mask.is_some() == self.decoder.role().is_server()
            && header.payload_len <= self.config.max_frame_len
            && header.payload_len <= self.config.max_message_len
            && matches!(self.state, State::Open | State::CloseSent)
    }
}
