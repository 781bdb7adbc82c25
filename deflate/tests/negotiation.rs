//! Negotiation (RFC 7692 §7.1): every parameter in both roles, bad offers
//! declined, bad responses refused, offers tried in order.

mod common;

use common::negotiate;
use rfc6455::{
    write_extension_offer, ClientRequest, Extension, ExtensionOffers, HeadLimits, Request, Role,
    Status,
};
use rfc6455_deflate::{Agreed, Deflate, DeflateConfig};

fn offer_text(deflate: &Deflate) -> String {
    let mut out = [0u8; 256];
    write_extension_offer(deflate, &mut out).unwrap().to_owned()
}

/// The server's answer to one `Sec-WebSocket-Extensions` value.
fn serve(config: DeflateConfig, header: &str) -> (Option<String>, Deflate) {
    let offers = [header];
    let mut request = [0u8; 1024];
    let n = ClientRequest::new("example.com")
        .extensions(&offers)
        .write([7; 16], &mut request)
        .unwrap();
    let Ok(Status::Complete(req)) = Request::parse(&request[..n], HeadLimits::new()) else {
        panic!("request did not parse");
    };
    let mut server = Deflate::with_config(config);
    let mut out = [0u8; 256];
    let answer = req.select_extension(&mut server, &mut out).unwrap();
    (answer.map(str::to_owned), server)
}

/// Whether a client with `config` takes `response` (one element).
fn check(config: DeflateConfig, response: &str) -> (bool, Deflate) {
    let mut client = Deflate::with_config(config);
    let element = ExtensionOffers::parse(response.as_bytes())
        .unwrap()
        .next()
        .unwrap();
    let ok = client.accept_response(&element);
    (ok, client)
}

fn agreed(d: &Deflate) -> Agreed {
    *d.agreed().expect("agreed")
}

#[test]
fn the_default_offer_is_bare_with_client_max_window_bits() {
    let d = Deflate::new();
    assert_eq!(offer_text(&d), "permessage-deflate; client_max_window_bits");
    assert_eq!(d.agreed(), None);
}

#[test]
fn the_offer_carries_every_configured_parameter_and_is_the_same_each_time() {
    let d = Deflate::with_config(
        DeflateConfig::new()
            .server_no_context_takeover()
            .client_no_context_takeover()
            .server_max_window_bits(10)
            .client_max_window_bits(12),
    );
    let expected = "permessage-deflate; server_no_context_takeover; client_no_context_takeover; \
                    server_max_window_bits=10; client_max_window_bits=12";
    assert_eq!(offer_text(&d), expected);
    assert_eq!(offer_text(&d), expected);
}

#[test]
fn a_bare_offer_is_accepted_with_the_defaults() {
    let (answer, server) = serve(DeflateConfig::new(), "permessage-deflate");
    assert_eq!(answer.as_deref(), Some("permessage-deflate"));
    let a = agreed(&server);
    assert_eq!(a.role, Role::Server);
    assert!(!a.server_no_context_takeover && !a.client_no_context_takeover);
    assert_eq!(
        (a.server_max_window_bits, a.client_max_window_bits),
        (15, 15)
    );
}

#[test]
fn the_server_honours_what_the_client_asks() {
    let (answer, server) = serve(
        DeflateConfig::new(),
        "permessage-deflate; server_no_context_takeover; server_max_window_bits=10",
    );
    assert_eq!(
        answer.as_deref(),
        Some("permessage-deflate; server_no_context_takeover; server_max_window_bits=10")
    );
    let a = agreed(&server);
    assert!(a.server_no_context_takeover);
    assert_eq!(a.server_max_window_bits, 10);

    // client_no_context_takeover offered: echoed, so the server may reset
    // its inflater too.
    let (answer, server) = serve(
        DeflateConfig::new(),
        "permessage-deflate; client_no_context_takeover",
    );
    assert_eq!(
        answer.as_deref(),
        Some("permessage-deflate; client_no_context_takeover")
    );
    assert!(agreed(&server).client_no_context_takeover);

    // Window 8 is honoured (compressed with zlib's 9, which stays within
    // 256 bytes: see the round trip tests).
    let (answer, server) = serve(
        DeflateConfig::new(),
        "permessage-deflate; server_max_window_bits=8",
    );
    assert_eq!(
        answer.as_deref(),
        Some("permessage-deflate; server_max_window_bits=8")
    );
    assert_eq!(agreed(&server).server_max_window_bits, 8);
}

#[test]
fn the_server_applies_its_own_settings() {
    let config = DeflateConfig::new()
        .server_no_context_takeover()
        .client_no_context_takeover()
        .server_max_window_bits(11)
        .client_max_window_bits(10);
    // Its window is the smaller of its own and the client's.
    let (answer, _) = serve(
        config,
        "permessage-deflate; server_max_window_bits=12; client_max_window_bits",
    );
    assert_eq!(
        answer.as_deref(),
        Some(
            "permessage-deflate; server_no_context_takeover; client_no_context_takeover; \
             server_max_window_bits=11; client_max_window_bits=10"
        )
    );
    let (answer, server) = serve(
        config,
        "permessage-deflate; server_max_window_bits=9; client_max_window_bits=9",
    );
    assert!(answer
        .unwrap()
        .ends_with("server_max_window_bits=9; client_max_window_bits=9"));
    let a = agreed(&server);
    assert_eq!((a.server_max_window_bits, a.client_max_window_bits), (9, 9));
    // §7.1.2.2: client_max_window_bits only if the client offered it.
    let (answer, server) = serve(config, "permessage-deflate");
    assert_eq!(
        answer.as_deref(),
        Some(
            "permessage-deflate; server_no_context_takeover; client_no_context_takeover; \
             server_max_window_bits=11"
        )
    );
    assert_eq!(agreed(&server).client_max_window_bits, 15);
}

#[test]
fn the_response_is_the_same_each_time() {
    let (answer, server) = serve(
        DeflateConfig::new(),
        "permessage-deflate; server_max_window_bits=10; client_max_window_bits",
    );
    let mut out = [0u8; 256];
    // Writing the response again goes through `response` again.
    let offers = ["permessage-deflate; server_max_window_bits=10; client_max_window_bits"];
    let mut request = [0u8; 1024];
    let n = ClientRequest::new("h")
        .extensions(&offers)
        .write([7; 16], &mut request)
        .unwrap();
    let Ok(Status::Complete(req)) = Request::parse(&request[..n], HeadLimits::new()) else {
        panic!()
    };
    let mut again = server;
    let second = req.select_extension(&mut again, &mut out).unwrap();
    assert_eq!(second, answer.as_deref());
}

#[test]
fn bad_offers_are_declined() {
    for bad in [
        "permessage-deflate; foo",
        "permessage-deflate; foo=1",
        "permessage-deflate; server_no_context_takeover; server_no_context_takeover",
        "permessage-deflate; client_max_window_bits; client_max_window_bits=10",
        "permessage-deflate; server_no_context_takeover=1",
        "permessage-deflate; client_no_context_takeover=true",
        "permessage-deflate; server_max_window_bits",
        "permessage-deflate; server_max_window_bits=7",
        "permessage-deflate; server_max_window_bits=16",
        "permessage-deflate; server_max_window_bits=08",
        "permessage-deflate; server_max_window_bits=abc",
        "permessage-deflate; client_max_window_bits=0",
        "permessage-deflate; client_max_window_bits=100",
        "permessage-deflate; server_max_window_bits=\"1\\5\"",
    ] {
        let (answer, server) = serve(DeflateConfig::new(), bad);
        assert_eq!(answer, None, "{bad}");
        assert_eq!(server.agreed(), None, "{bad}");
    }
}

#[test]
fn quoted_values_are_values() {
    let (answer, _) = serve(
        DeflateConfig::new(),
        "permessage-deflate; server_max_window_bits=\"12\"",
    );
    assert_eq!(
        answer.as_deref(),
        Some("permessage-deflate; server_max_window_bits=12")
    );
}

#[test]
fn offers_are_tried_in_the_clients_order() {
    let (answer, _) = serve(
        DeflateConfig::new(),
        "permessage-deflate; foo, permessage-deflate; server_max_window_bits=11, permessage-deflate",
    );
    assert_eq!(
        answer.as_deref(),
        Some("permessage-deflate; server_max_window_bits=11")
    );
    let (answer, _) = serve(
        DeflateConfig::new(),
        "x-other, permessage-deflate; server_max_window_bits=99, permessage-deflate; client_no_context_takeover",
    );
    assert_eq!(
        answer.as_deref(),
        Some("permessage-deflate; client_no_context_takeover")
    );
    let (answer, _) = serve(DeflateConfig::new(), "x-other; a=1");
    assert_eq!(answer, None);
}

#[test]
fn the_client_takes_what_the_server_may_send() {
    let (ok, client) = check(DeflateConfig::new(), "permessage-deflate");
    assert!(ok);
    let a = agreed(&client);
    assert_eq!(a.role, Role::Client);
    assert_eq!(
        (a.server_max_window_bits, a.client_max_window_bits),
        (15, 15)
    );
    // Unasked: the server resets its context, limits its window, asks the
    // client to reset or to limit its window (offered bare).
    let (ok, client) = check(
        DeflateConfig::new(),
        "permessage-deflate; server_no_context_takeover; client_no_context_takeover; \
         server_max_window_bits=9; client_max_window_bits=8",
    );
    assert!(ok);
    let a = agreed(&client);
    assert!(a.server_no_context_takeover && a.client_no_context_takeover);
    assert_eq!((a.server_max_window_bits, a.client_max_window_bits), (9, 8));
    // Asked: equal or smaller windows.
    let config = DeflateConfig::new()
        .server_max_window_bits(10)
        .client_max_window_bits(12);
    let (ok, client) = check(config, "permessage-deflate; server_max_window_bits=10");
    assert!(ok);
    assert_eq!(agreed(&client).client_max_window_bits, 12);
    // An offered client_no_context_takeover holds even if not answered.
    let hint = DeflateConfig::new().client_no_context_takeover();
    let (ok, client) = check(hint, "permessage-deflate");
    assert!(ok && agreed(&client).client_no_context_takeover);
    let (ok, client) = check(
        config,
        "permessage-deflate; server_max_window_bits=9; client_max_window_bits=11",
    );
    assert!(ok);
    let a = agreed(&client);
    assert_eq!(
        (a.server_max_window_bits, a.client_max_window_bits),
        (9, 11)
    );
}

#[test]
fn bad_responses_are_refused() {
    let config = DeflateConfig::new();
    for bad in [
        "permessage-deflate; foo",
        "permessage-deflate; server_no_context_takeover; server_no_context_takeover",
        "permessage-deflate; server_no_context_takeover=1",
        "permessage-deflate; server_max_window_bits=16",
        "permessage-deflate; server_max_window_bits",
        // §7.1.2.2: a response's client_max_window_bits has a value.
        "permessage-deflate; client_max_window_bits",
        "permessage-deflate; client_max_window_bits=7",
    ] {
        let (ok, client) = check(config, bad);
        assert!(!ok, "{bad}");
        assert_eq!(client.agreed(), None, "{bad}");
    }
    // What the offer asked for must be answered, and not exceeded.
    let asked = DeflateConfig::new()
        .server_no_context_takeover()
        .server_max_window_bits(10)
        .client_max_window_bits(11);
    for bad in [
        "permessage-deflate; server_max_window_bits=10",
        "permessage-deflate; server_no_context_takeover",
        "permessage-deflate; server_no_context_takeover; server_max_window_bits=11",
        "permessage-deflate; server_no_context_takeover; server_max_window_bits=10; client_max_window_bits=12",
    ] {
        assert!(!check(asked, bad).0, "{bad}");
    }
    assert!(
        check(
            asked,
            "permessage-deflate; server_no_context_takeover; server_max_window_bits=8"
        )
        .0
    );
}

#[test]
fn a_whole_negotiation_agrees_on_both_sides() {
    let cases = [
        (DeflateConfig::new(), DeflateConfig::new()),
        (
            DeflateConfig::new()
                .server_no_context_takeover()
                .server_max_window_bits(12),
            DeflateConfig::new().client_max_window_bits(9),
        ),
        (
            DeflateConfig::new()
                .client_no_context_takeover()
                .client_max_window_bits(10),
            DeflateConfig::new()
                .server_no_context_takeover()
                .server_max_window_bits(8)
                .client_max_window_bits(13),
        ),
    ];
    for (c, s) in cases {
        let (client, server, answer) = negotiate(c, s);
        assert!(answer.is_some());
        let (mut a, b) = (agreed(&client), agreed(&server));
        assert_eq!((a.role, b.role), (Role::Client, Role::Server));
        a.role = Role::Server;
        assert_eq!(a, b, "{answer:?}");
    }
}
