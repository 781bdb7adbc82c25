//! Frames the caller writes or encodes itself: the header-only path
//! (`writev(header, payload)` with no copy) and frames encoded once for many
//! connections. The connection still checks the message order, the state
//! and, where it sees the payload, UTF-8.

use super::{Connection, State};
use crate::error::{Error, UsageError};
use crate::frame::{Fragment, Header, HeaderBytes, Opcode};
use crate::handshake::Extension;
use crate::keys::KeySource;
use crate::message::MessageKind;
use crate::status::Status;
use crate::storage::Storage;

impl<B: Storage, K: KeySource + ?Sized, E: Extension> Connection<B, K, E> {
    /// Returns the header of a data frame whose payload the caller writes to
    /// the transport itself, right after the header, without copying it into
    /// the connection (`writev(header, payload)`).
    ///
    /// Call it only when [`peek_transmit`](Self::peek_transmit) is empty, and
    /// write the header and the whole payload before the next
    /// [`poll_transmit`](Self::poll_transmit). A client must mask the payload
    /// with [`HeaderBytes::mask_key`] (see
    /// [`apply_mask`](crate::apply_mask)); a server sends it as it is, so the
    /// same payload can go to many connections. Fragmentation state is
    /// tracked as for the `_fragment` methods. The payload is never seen
    /// here, so for [`MessageKind::Text`] it is up to the caller that it is
    /// UTF-8 (§5.6).
    ///
    /// # Errors
    ///
    /// As for [`send_text_fragment`](Self::send_text_fragment), and
    /// [`UsageError::OutputPending`] if queued output has not been written.
    pub fn send_header(
        &mut self,
        kind: MessageKind,
        payload_len: u64,
        fragment: Fragment,
    ) -> Result<HeaderBytes, Error> {
        let opcode = self.next_opcode(kind, Some(fragment))?;
        // A message the extension transforms goes on through it only.
        if self.outbound.transformed {
            return Err(UsageError::MessageInProgress.into());
        }
        self.flush_pending();
        if !self.tx.is_empty() {
            return Err(UsageError::OutputPending.into());
        }
        let header = self.encoder.header(opcode, payload_len, fragment)?;
        // The payload is the caller's: what follows cannot be checked.
        self.outbound.sent(kind, fragment, None);
        Ok(header)
    }

    /// Queues a frame that was encoded once for many connections: a server
    /// encodes a broadcast with [`Encoder::server`](crate::Encoder::server)
    /// and hands the same bytes to every connection, which only copies them
    /// into its queue after checking the frame and the message order.
    ///
    /// Data frames (whole messages or fragments, tracked as for the
    /// `_fragment` methods), Pings and Pongs are accepted; send a Close with
    /// [`close`](Self::close).
    ///
    /// # Errors
    ///
    /// [`UsageError::InvalidState`] on a client (every client frame needs a
    /// fresh mask); [`UsageError::InvalidFrame`] if `frame` is not exactly one
    /// unmasked frame without RSV bits, or is a Close;
    /// [`UsageError::InvalidUtf8`] if a text frame's payload is not UTF-8
    /// (checked across fragments, as the peer will); otherwise as for
    /// [`send_text_fragment`](Self::send_text_fragment). Pings and Pongs may
    /// also be sent after this side's Close.
    ///
    /// # Examples
    ///
    /// ```
    /// use rfc6455::{Config, Connection, Encoder, NoKeys, Role};
    ///
    /// let mut frame = [0u8; 64];
    /// let n = Encoder::server().text("to everyone", &mut frame)?;
    /// let mut conns: Vec<_> = (0..3)
    ///     .map(|_| Connection::open(Role::Server, Config::new(), [0u8; 512], [0u8; 512], NoKeys))
    ///     .collect::<Result<_, _>>()?;
    /// for conn in &mut conns {
    ///     conn.send_prepared(&frame[..n])?;
    ///     assert_eq!(conn.peek_transmit(), &frame[..n]);
    /// }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn send_prepared(&mut self, frame: &[u8]) -> Result<(), Error> {
        if self.role().is_client() {
            return Err(UsageError::InvalidState.into());
        }
        let (header, payload) = match Header::parse(frame) {
            Ok(Status::Complete((header, len)))
                if header.mask.is_none()
                    && header.rsv == 0
                    && (len as u64).checked_add(header.payload_len) == Some(frame.len() as u64) =>
            {
                (header, &frame[len..])
            }
            _ => return Err(UsageError::InvalidFrame.into()),
        };
        let fragment = Fragment::from_fin(header.fin);
        let kind = match header.opcode {
            Opcode::Close => return Err(UsageError::InvalidFrame.into()),
            Opcode::Ping | Opcode::Pong => None,
            Opcode::Text => Some(MessageKind::Text),
            Opcode::Binary => Some(MessageKind::Binary),
            Opcode::Continuation => Some(
                self.outbound
                    .kind()
                    .ok_or(UsageError::NoMessageInProgress)?,
            ),
        };
        // Control frames may follow our own Close (§5.5.1), as for `ping`.
        if kind.is_some() || self.state() != State::CloseSent {
            self.check_open()?;
        }
        if let Some(kind) = kind {
            let expected = self.next_opcode(kind, Some(fragment))?;
            if expected != header.opcode || self.outbound.transformed {
                return Err(UsageError::MessageInProgress.into());
            }
        }
        let utf8 = match kind {
            Some(MessageKind::Text) => {
                self.outbound
                    .check_text(header.opcode, payload, fragment, false)?
            }
            _ => None,
        };
        self.flush_pong();
        let Some(space) = self.tx.reserve(frame.len()) else {
            return Err(self.queue_error(frame.len()));
        };
        space.copy_from_slice(frame);
        self.tx.commit(frame.len());
        if let Some(kind) = kind {
            self.outbound.sent(kind, fragment, utf8);
        }
        Ok(())
    }
}
