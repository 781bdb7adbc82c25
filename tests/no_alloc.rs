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
