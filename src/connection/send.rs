//! The send path: commands in, bytes out.

use super::{Connection, ControlBuf, State};
use crate::close::{check_close, encode_close_payload};
use crate::close_code::CloseCode;
use crate::error::{Error, UsageError};
use crate::frame::{Fragment, Opcode, MAX_CONTROL_PAYLOAD};
use crate::keys::KeySource;
use crate::message::MessageKind;

impl<B: AsMut<[u8]>, K: KeySource> Connection<B, K> {
    /// Queues a whole text message.
    ///
    /// # Errors
    ///
    /// - [`UsageError::NotOpen`] before the handshake completes,
    ///   [`UsageError::Closed`] after a Close was sent or received.
    /// - [`UsageError::MessageInProgress`] while a fragmented message is
    ///   being sent.
    /// - [`BufferTooSmall`](crate::BufferTooSmall) if the transmit storage
    ///   cannot hold the frame now: drain [`poll_transmit`](Self::poll_transmit)
    ///   and retry, or send a message larger than the storage in fragments or
    ///   with [`send_header`](Self::send_header). Nothing was queued.
    pub fn send_text(&mut self, text: &str) -> Result<(), Error> {
        self.send_data(MessageKind::Text, text.as_bytes(), None)
    }

    /// Queues a whole binary message.
    ///
    /// # Errors
    ///
    /// As for [`send_text`](Self::send_text).
    pub fn send_binary(&mut self, data: &[u8]) -> Result<(), Error> {
        self.send_data(MessageKind::Binary, data, None)
    }

    /// Queues one fragment of a text message: the first call starts the
    /// message, [`Fragment::Last`] ends it.
    ///
    /// # Errors
    ///
    /// As for [`send_text`](Self::send_text); also
    /// [`UsageError::MessageInProgress`] if a binary message is in progress.
    ///
    /// # Examples
    ///
    /// ```
    /// use rfc6455::{Config, Connection, Fragment, NoKeys, Role};
    ///
    /// let mut conn = Connection::open(Role::Server, Config::new(), [0u8; 512], [0u8; 512], NoKeys)?;
    /// conn.send_text_fragment("Hel", Fragment::More)?;
    /// conn.send_text_fragment("lo", Fragment::Last)?;
    /// let mut out = [0u8; 64];
    /// let n = conn.poll_transmit(&mut out).unwrap();
    /// assert_eq!(&out[..n], b"\x01\x03Hel\x80\x02lo"); // RFC 6455 §5.7
    /// # Ok::<(), rfc6455::Error>(())
    /// ```
    pub fn send_text_fragment(&mut self, text: &str, fragment: Fragment) -> Result<(), Error> {
        self.send_data(MessageKind::Text, text.as_bytes(), Some(fragment))
    }

    /// Queues one fragment of a binary message.
    ///
    /// # Errors
    ///
    /// As for [`send_text_fragment`](Self::send_text_fragment).
    pub fn send_binary_fragment(&mut self, data: &[u8], fragment: Fragment) -> Result<(), Error> {
        self.send_data(MessageKind::Binary, data, Some(fragment))
    }

    /// Queues a Ping with up to 125 bytes of payload.
    ///
    /// # Errors
    ///
    /// [`UsageError::ControlPayloadTooLong`], [`UsageError::NotOpen`],
    /// [`UsageError::Closed`] once the connection is closed or failed, or
    /// [`BufferTooSmall`](crate::BufferTooSmall). After this side's Close
    /// ([`State::CloseSent`]) control frames may still be sent: §5.5.1
    /// forbids only data frames.
    pub fn ping(&mut self, payload: &[u8]) -> Result<(), Error> {
        self.send_control(Opcode::Ping, payload)
    }

    /// Queues an unsolicited Pong (a unidirectional heartbeat, §5.5.3), or a
    /// reply when auto-pong is disabled.
    ///
    /// # Errors
    ///
    /// As for [`ping`](Self::ping).
    pub fn pong(&mut self, payload: &[u8]) -> Result<(), Error> {
        self.send_control(Opcode::Pong, payload)
    }

    /// Starts the close handshake: queues a Close frame and moves to
    /// [`State::CloseSent`]. Messages from the peer are still delivered until
    /// its Close arrives.
    ///
    /// After the peer's Close (in [`State::CloseReceived`]) this replaces the
    /// automatic echo with your own code and reason.
    ///
    /// # Errors
    ///
    /// [`UsageError::InvalidCloseCode`] (1005, 1006, 1015 or out of range),
    /// [`UsageError::CloseReasonTooLong`] (over 123 bytes; see
    /// [`truncate_reason`](crate::truncate_reason)), [`UsageError::NotOpen`],
    /// or [`UsageError::Closed`] if a Close was already sent or received.
    pub fn close(&mut self, code: CloseCode, reason: &str) -> Result<(), Error> {
        check_close(code, reason)?;
        self.check_open()?;
        let mut payload = [0; MAX_CONTROL_PAYLOAD];
        let len = encode_close_payload(code, reason, &mut payload)?;
        self.pending_close = Some(ControlBuf::from_slice(&payload[..len]));
        if self.state() == State::Open {
            self.move_to_close_sent();
        }
        Ok(())
    }

    /// Copies queued output into `out` and returns the number of bytes, or
    /// `None` when nothing is queued (`Some(0)` if `out` is empty but output
    /// is queued).
    ///
    /// Call until `None` after every input and command, and write what it
    /// returns to the transport in order.
    #[must_use = "queued bytes must be written to the transport"]
    pub fn poll_transmit(&mut self, out: &mut [u8]) -> Option<usize> {
        let pending = self.peek_transmit();
        if pending.is_empty() {
            return None;
        }
        let n = pending.len().min(out.len());
        out[..n].copy_from_slice(&pending[..n]);
        self.advance_transmit(n);
        Some(n)
    }

    /// The queued output, to write to the transport without a copy; then
    /// call [`advance_transmit`](Self::advance_transmit) with the count
    /// written.
    ///
    /// # Examples
    ///
    /// ```
    /// use rfc6455::{Config, Connection, NoKeys, Role};
    ///
    /// let mut conn = Connection::open(Role::Server, Config::new(), [0u8; 512], [0u8; 512], NoKeys)?;
    /// conn.send_text("Hello")?;
    /// let queued = conn.peek_transmit();
    /// assert_eq!(queued, b"\x81\x05Hello");
    /// let written = queued.len(); // socket.write(queued)?
    /// conn.advance_transmit(written);
    /// assert!(conn.peek_transmit().is_empty());
    /// # Ok::<(), rfc6455::Error>(())
    /// ```
    pub fn peek_transmit(&mut self) -> &[u8] {
        self.flush_pending();
        self.tx.pending()
    }

    /// Marks `n` bytes of [`peek_transmit`](Self::peek_transmit) as written.
    pub fn advance_transmit(&mut self, n: usize) {
        self.tx.advance(n);
    }

    /// The size of the transmit storage: the largest frame that can be
    /// queued.
    #[must_use]
    pub const fn transmit_capacity(&self) -> usize {
        self.tx.cap()
    }

    pub(super) fn check_open(&self) -> Result<(), UsageError> {
        match self.state() {
            // After the peer's Close, until our echo is written out, frames
            // may still go before it: §5.5.1 lets an endpoint finish sending
            // ("MAY delay sending a Close frame until its current message is
            // sent").
            State::Open | State::CloseReceived => Ok(()),
            State::Connecting => Err(UsageError::NotOpen),
            State::CloseSent | State::Closed | State::Failed => Err(UsageError::Closed),
        }
    }

    /// The opcode for the next data frame, checking the fragmentation order.
    pub(super) fn next_opcode(
        &self,
        kind: MessageKind,
        fragment: Option<Fragment>,
    ) -> Result<Opcode, UsageError> {
        self.check_open()?;
        self.outbound.next_opcode(kind, fragment)
    }

    fn send_data(
        &mut self,
        kind: MessageKind,
        payload: &[u8],
        fragment: Option<Fragment>,
    ) -> Result<(), Error> {
        let opcode = self.next_opcode(kind, fragment)?;
        let frame = fragment.unwrap_or(Fragment::Last);
        let utf8 = match kind {
            MessageKind::Text => self.outbound.check_text(opcode, payload, frame, true)?,
            MessageKind::Binary => None,
        };
        self.flush_pong();
        self.queue_frame(opcode, payload, frame)?;
        self.outbound.sent(kind, frame, utf8);
        Ok(())
    }

    fn send_control(&mut self, opcode: Opcode, payload: &[u8]) -> Result<(), Error> {
        if payload.len() > MAX_CONTROL_PAYLOAD {
            return Err(UsageError::ControlPayloadTooLong.into());
        }
        // §5.5.1 forbids only data frames after our Close; §5.5.2 still asks
        // for a Pong to every Ping until the peer's Close arrives.
        if self.state() != State::CloseSent {
            self.check_open()?;
        }
        self.flush_pong();
        self.queue_frame(opcode, payload, Fragment::Last)
    }

    fn queue_frame(
        &mut self,
        opcode: Opcode,
        payload: &[u8],
        fragment: Fragment,
    ) -> Result<(), Error> {
        let len = self.encoder.frame_len(payload.len());
        let space = self.tx.reserve(len)?;
        let written = self.encoder.frame(opcode, payload, fragment, space)?;
        self.tx.commit(written);
        Ok(())
    }

    /// Moves a pending Pong, then a pending Close, into the transmit queue
    /// when there is room.
    pub(super) fn flush_pending(&mut self) {
        self.flush_pong();
        // The echo of the peer's Close waits for the Pong owed before it.
        if self.pending_pong.is_some() && self.state() == State::CloseReceived {
            return;
        }
        if let Some(close) = self.pending_close {
            if self
                .queue_frame(Opcode::Close, close.as_slice(), Fragment::Last)
                .is_ok()
            {
                self.pending_close = None;
                // After our own Close a pending Pong still follows it.
                if self.state() == State::CloseReceived {
                    self.move_to_closed();
                }
            }
        }
    }

    /// Moves a pending automatic Pong into the transmit queue. Called also
    /// before any frame of the application's is queued, so Pongs go first.
    ///
    /// A Pong is queued once every earlier automatic Pong has been taken by
    /// the transport, or while the output up to the last one stays within
    /// half the storage: a Ping flood cannot crowd out the application, and
    /// an application that keeps the storage full cannot starve the Pong.
    pub(super) fn flush_pong(&mut self) {
        let Some(pong) = self.pending_pong else {
            return;
        };
        let len = self.encoder.frame_len(pong.as_slice().len()) as u64;
        let outstanding = self.pong_end.saturating_sub(self.tx.sent_total());
        let half = (self.tx.cap() / 2) as u64;
        // The last Pong before a Close goes out whatever the flood rule says.
        let room = outstanding == 0 || outstanding + len <= half || self.pending_close.is_some();
        if room
            && self
                .queue_frame(Opcode::Pong, pong.as_slice(), Fragment::Last)
                .is_ok()
        {
            self.pending_pong = None;
            self.pong_end = self.tx.queued_total();
        }
    }
}
