//! The whole protocol with stack arrays only: handshake, text and binary
//! (one message larger than the storage), ping/pong and the close handshake.
//! Runs in every feature set, including `--no-default-features`.

use rfc6455::{
    Accept, ClientRequest, CloseCode, Config, Connection, Event, Fragment, KeySource, State,
};

type Conn<K> = Connection<[u8; 512], K>;

/// What one side saw, as plain data.
struct Seen {
    log: [u8; 4096],
    len: usize,
    texts: u32,
    binaries: u32,
    pings: u32,
    pongs: u32,
    close: Option<u16>,
    open: bool,
}

impl Default for Seen {
    fn default() -> Self {
        Seen {
            log: [0; 4096],
            len: 0,
            texts: 0,
            binaries: 0,
            pings: 0,
            pongs: 0,
            close: None,
            open: false,
        }
    }
}

impl Seen {
    fn push(&mut self, bytes: &[u8]) {
        self.log[self.len..self.len + bytes.len()].copy_from_slice(bytes);
        self.len += bytes.len();
    }
}

fn drain<K: KeySource>(conn: &mut Conn<K>, seen: &mut Seen) {
    while let Some(event) = conn.poll_event() {
        match event.expect("no errors in this exchange") {
            Event::Upgrade(_) => {}
            Event::HandshakeComplete(done) => {
                assert_eq!(done.protocol(), Some("v1"));
                seen.open = true;
            }
            Event::Text { data, fin } => {
                seen.push(data.as_bytes());
                seen.texts += u32::from(fin);
            }
            Event::Binary { data, fin } => {
                seen.push(data);
                seen.binaries += u32::from(fin);
            }
            Event::Ping(_) => seen.pings += 1,
            Event::Pong(p) => {
                assert_eq!(p, b"beat");
                seen.pongs += 1;
            }
            Event::Close { code, .. } => seen.close = Some(code.as_u16()),
        }
    }
}

fn transfer<K1: KeySource, K2: KeySource>(
    from: &mut Conn<K1>,
    to: &mut Conn<K2>,
    seen: &mut Seen,
) -> usize {
    let mut wire = [0u8; 100];
    let mut moved = 0;
    while let Some(n) = from.poll_transmit(&mut wire) {
        let mut rest = &wire[..n];
        for _ in 0..10_000 {
            if rest.is_empty() {
                break;
            }
            let taken = to.receive(rest);
            rest = &rest[taken..];
            drain(to, seen);
        }
        assert!(rest.is_empty());
        moved += n;
    }
    moved
}

fn pump<K: KeySource>(
    client: &mut Conn<K>,
    server: &mut Conn<rfc6455::NoKeys>,
    cs: &mut Seen,
    ss: &mut Seen,
) {
    for _ in 0..1000 {
        drain(client, cs);
        drain(server, ss);
        if transfer(client, server, ss) + transfer(server, client, cs) == 0 {
            return;
        }
    }
    panic!("pump did not settle");
}

#[test]
fn whole_protocol_on_stack_arrays() {
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let keys = move |dest: &mut [u8]| {
        for b in dest {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            *b = state as u8;
        }
    };
    let request = ClientRequest::new("device")
        .target("/t")
        .subprotocols(&["v1"]);
    let mut client =
        Connection::client(&request, Config::new(), [0u8; 512], [0u8; 512], keys).unwrap();
    let mut server = Connection::server(Config::new(), [0u8; 512], [0u8; 512]).unwrap();
    let (mut cs, mut ss) = (Seen::default(), Seen::default());

    pump(&mut client, &mut server, &mut cs, &mut ss);
    server.accept(&Accept::new().subprotocol("v1")).unwrap();
    pump(&mut client, &mut server, &mut cs, &mut ss);
    assert!(cs.open && ss.open);

    // Text one way, binary the other.
    client.send_text("hello").unwrap();
    server.send_binary(&[7; 10]).unwrap();
    pump(&mut client, &mut server, &mut cs, &mut ss);
    assert_eq!(&ss.log[..5], b"hello");
    assert_eq!(&cs.log[..10], &[7; 10]);

    // 1500 bytes through 512-byte storage, sent as three fragments.
    let mut big = [0u8; 1500];
    for (i, b) in big.iter_mut().enumerate() {
        *b = (i % 251) as u8;
    }
    for (i, part) in big.chunks(500).enumerate() {
        let fragment = if i == 2 {
            Fragment::Last
        } else {
            Fragment::More
        };
        server
            .send_binary_fragment(part, fragment)
            .unwrap_or_else(|_| panic!("fragment {i} fits the transmit storage"));
        pump(&mut client, &mut server, &mut cs, &mut ss);
    }
    assert_eq!(cs.binaries, 2);
    assert_eq!(&cs.log[10..1510], &big[..]);

    client.ping(b"beat").unwrap();
    pump(&mut client, &mut server, &mut cs, &mut ss);
    assert_eq!((ss.pings, cs.pongs), (1, 1));

    client.close(CloseCode::NORMAL, "bye").unwrap();
    pump(&mut client, &mut server, &mut cs, &mut ss);
    assert_eq!((ss.close, cs.close), (Some(1000), Some(1000)));
    assert_eq!(
        (client.state(), server.state()),
        (State::Closed, State::Closed)
    );
    assert!(server.should_close_transport());
    client.receive_eof();
    assert!(client.should_close_transport());
    assert_eq!(ss.texts, 1);
}

/// Byte `i` of the 1 MiB message, made as it is needed: without an
/// allocator the message is never held whole.
fn message_byte(i: usize) -> u8 {
    (i as u8).wrapping_mul(31) ^ (i >> 8) as u8
}

const MESSAGE_LEN: usize = 1 << 20;

/// Sends the 1 MiB message from `from` to `to` with `send_binary_partial`
/// through 512 bytes of transmit storage, offering 1 KiB of it at a time
/// (more than a frame can ever take, so as good as all of it), the
/// transport taking `wire_len` bytes at a time; `to` checks every byte as
/// it arrives. Returns the number of frames and of chunks.
fn send_megabyte<K1: KeySource, K2: KeySource>(
    from: &mut Conn<K1>,
    to: &mut Conn<K2>,
    wire_len: usize,
) -> (usize, usize) {
    let mut piece = [0u8; 1024];
    let mut wire = [0u8; 512];
    let (mut sent, mut checked, mut frames, mut chunks) = (0, 0, 0, 0);
    let mut finished = false;
    // Every round queues a frame or moves a byte: bounded.
    for _ in 0..4 * MESSAGE_LEN {
        if finished {
            break;
        }
        if sent < MESSAGE_LEN {
            let len = piece.len().min(MESSAGE_LEN - sent);
            for (k, b) in piece[..len].iter_mut().enumerate() {
                *b = message_byte(sent + k);
            }
            let n = from.send_binary_partial(&piece[..len]).unwrap();
            assert!(n < len || sent + n == MESSAGE_LEN, "took all of a piece");
            sent += n;
            frames += usize::from(n > 0);
        }
        let Some(n) = from.poll_transmit(&mut wire[..wire_len]) else {
            continue;
        };
        let mut rest = &wire[..n];
        for _ in 0..=n {
            if rest.is_empty() {
                break;
            }
            let taken = to.receive(rest);
            rest = &rest[taken..];
            while let Some(event) = to.poll_event() {
                let Ok(Event::Binary { data, fin }) = event else {
                    panic!("only the binary message was sent");
                };
                assert!(data.len() <= 512, "a chunk within the storage");
                for (k, b) in data.iter().enumerate() {
                    assert_eq!(*b, message_byte(checked + k), "byte {}", checked + k);
                }
                checked += data.len();
                chunks += 1;
                assert_eq!(fin, checked == MESSAGE_LEN, "FIN on the last chunk");
                finished = fin;
            }
        }
        assert!(rest.is_empty(), "the receiver stalled");
    }
    assert!(finished && checked == MESSAGE_LEN && sent == MESSAGE_LEN);
    assert!(from.poll_transmit(&mut wire).is_none());
    (frames, chunks)
}

#[test]
#[cfg_attr(miri, ignore = "a megabyte byte by byte: hours under Miri")]
fn a_megabyte_through_512_bytes_of_transmit_storage() {
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let keys = move |dest: &mut [u8]| {
        for b in dest {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            *b = state as u8;
        }
    };
    // The only mode without an allocator (with one, set it explicitly).
    let config = Config::new().with_message_mode(rfc6455::MessageMode::Stream);
    let mut client =
        Connection::open(rfc6455::Role::Client, config, [0u8; 512], [0u8; 512], keys).unwrap();
    let mut server = Connection::open(
        rfc6455::Role::Server,
        config,
        [0u8; 512],
        [0u8; 512],
        rfc6455::NoKeys,
    )
    .unwrap();
    for wire_len in [512, 100, 7] {
        let (frames, chunks) = send_megabyte(&mut client, &mut server, wire_len);
        // Frames fill at least half the storage, however slow the wire.
        assert!(frames <= MESSAGE_LEN / 240, "{frames} frames");
        assert!(chunks >= MESSAGE_LEN / 512);
        let (frames, _) = send_megabyte(&mut server, &mut client, wire_len);
        assert!(frames <= MESSAGE_LEN / 240, "{frames} frames");
    }
    assert_eq!((client.state(), server.state()), (State::Open, State::Open));
}
