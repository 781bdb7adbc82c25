//! A WebSocket connection over a smoltcp TCP socket: the poll loop an
//! embedded device runs, with no allocator and no staging buffer.
//!
//! [`Link`] ties one smoltcp socket to one [`Connection`]. Each turn of the
//! device's loop polls the interface, then [`Link::pump`] moves bytes:
//! received bytes go from smoltcp's socket buffer straight into the
//! connection's receive storage ([`Connection::spare_mut`] and
//! [`Connection::commit`]), queued output from the connection's transmit
//! storage straight into the socket's buffer
//! ([`Connection::peek_transmit`] and [`Connection::advance_transmit`]).
//! It also tells the connection when the peer ended TCP and closes the
//! socket when the connection says so, gracefully: smoltcp's `close` sends
//! a FIN and keeps receiving, so the peer gets our Close frame and never a
//! reset.
//!
//! On a board, give [`Link::pump`] the socket of your `Interface` (an
//! Ethernet or Wi-Fi driver instead of the loopback device `main.rs` uses),
//! and the time from a hardware timer to both smoltcp and
//! [`Connection::handle_timeout`]. embassy-net's `TcpSocket` has the same
//! shape (`read` into `spare_mut`, `write` from `peek_transmit`).

#![no_std]

use rfc6455::{Connection, KeySource, Storage};
use smoltcp::socket::tcp::{self, State as TcpState};

/// One smoltcp TCP socket and the WebSocket connection over it.
pub struct Link<B: Storage, K: KeySource> {
    /// The WebSocket connection.
    pub conn: Connection<B, K>,
    /// The socket reached `Established` once (before that, no input is
    /// not the end of input).
    opened: bool,
    /// The end of input was reported to the connection.
    ended: bool,
    /// The socket was closed (our FIN is queued).
    closed: bool,
}

impl<B: Storage, K: KeySource> Link<B, K> {
    /// A link for `conn`, whose socket is listening or connecting.
    pub fn new(conn: Connection<B, K>) -> Self {
        Link {
            conn,
            opened: false,
            ended: false,
            closed: false,
        }
    }

    /// Moves what can move between `socket` and the connection; true if any
    /// byte moved or the transport's state changed. Call it after every
    /// `Interface::poll`, then drain [`Connection::poll_event`], and call
    /// it again while it returns true.
    pub fn pump(&mut self, socket: &mut tcp::Socket<'_>) -> bool {
        let mut moved = false;
        self.opened |= socket.may_send();
        // In: straight into the receive storage, while there is room. No
        // room means events wait to be drained: the peer is held back by
        // TCP's window until they are (backpressure).
        while socket.can_recv() {
            if self.ended || self.conn.should_close_transport() {
                // Closing: input is read and dropped until the peer's FIN.
                let _ = socket.recv(|rest| (rest.len(), ()));
                moved = true;
                continue;
            }
            let spare = self.conn.spare_mut();
            match socket.recv_slice(spare) {
                Ok(n) if n > 0 => {
                    self.conn.commit(n);
                    moved = true;
                }
                _ => break,
            }
        }
        // The peer's FIN, once every byte before it was taken.
        if self.opened && !self.ended && !socket.may_recv() && !socket.can_recv() {
            self.conn.receive_eof();
            self.ended = true;
            moved = true;
        }
        // Out: straight from the transmit storage.
        while socket.can_send() {
            let queued = self.conn.peek_transmit();
            if queued.is_empty() {
                break;
            }
            match socket.send_slice(queued) {
                Ok(n) if n > 0 => {
                    self.conn.advance_transmit(n);
                    moved = true;
                }
                _ => break,
            }
        }
        // After the close handshake, and once our last bytes are in the
        // socket: a graceful close (FIN), never `abort` (a reset could
        // destroy the Close frame still in flight).
        if !self.closed
            && self.conn.should_close_transport()
            && self.conn.peek_transmit().is_empty()
        {
            socket.close();
            self.closed = true;
            moved = true;
        }
        moved
    }

    /// The socket is closed for good (or never opened after `close`).
    pub fn is_done(&self, socket: &tcp::Socket<'_>) -> bool {
        self.closed && matches!(socket.state(), TcpState::Closed | TcpState::TimeWait)
    }
}
