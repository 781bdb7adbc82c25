//! `both`, with embedded-websocket 0.9.5: a client and a server do the
//! opening handshake and send one 16-byte text message each way. Each side
//! holds 1 KiB for bytes read, 1 KiB for bytes to write and 1 KiB for the
//! unmasked payload (`read` copies it out of the input), locals of `main`.
//! The server parses the request with httparse, as embedded-websocket's
//! examples do, and the application checks that text is UTF-8 (the crate
//! does not).

#![no_std]
#![no_main]

use cortex_m_rt::entry;
use embedded_websocket::{
    read_http_header, WebSocketClient, WebSocketOptions, WebSocketReceiveMessageType as Rx,
    WebSocketSendMessageType as Tx, WebSocketServer,
};
use rfc6455_embedded::{check, fail, finish, ok, paint_stack, EwsRng, Xorshift};

#[entry]
fn main() -> ! {
    paint_stack();
    let (mut c_in, mut c_out, mut c_msg) = ([0u8; 1024], [0u8; 1024], [0u8; 1024]);
    let (mut s_in, mut s_out, mut s_msg) = ([0u8; 1024], [0u8; 1024], [0u8; 1024]);
    let mut client = WebSocketClient::new_client(EwsRng(Xorshift(0x1234_5678)));
    let mut server = WebSocketServer::new_server();

    let options = WebSocketOptions {
        path: "/telemetry",
        host: "device.local",
        origin: "",
        sub_protocols: None,
        additional_headers: None,
    };
    let (n, key) = ok(client.client_connect(&options, &mut c_out), "connect");
    s_in[..n].copy_from_slice(&c_out[..n]);
    let mut headers = [httparse::EMPTY_HEADER; 16];
    let mut request = httparse::Request::new(&mut headers);
    let Ok(httparse::Status::Complete(_)) = request.parse(&s_in[..n]) else {
        fail("the request parsed")
    };
    let headers = request.headers.iter().map(|h| (h.name, h.value));
    let Ok(Some(context)) = read_http_header(headers) else {
        fail("an upgrade request")
    };
    let n = ok(
        server.server_accept(&context.sec_websocket_key, None, &mut s_out),
        "accepted",
    );
    c_in[..n].copy_from_slice(&s_out[..n]);
    ok(client.client_accept(&key, &c_in[..n]), "the response");

    let n = ok(
        client.write(Tx::Text, true, b"temperature=21.5", &mut c_out),
        "client text",
    );
    s_in[..n].copy_from_slice(&c_out[..n]);
    let r = ok(server.read(&s_in[..n], &mut s_msg), "read");
    check(
        matches!(r.message_type, Rx::Text)
            && r.end_of_message
            && core::str::from_utf8(&s_msg[..r.len_to]) == Ok("temperature=21.5"),
        "the client's text",
    );

    let n = ok(
        server.write(Tx::Text, true, b"set-point=22.00!", &mut s_out),
        "server text",
    );
    c_in[..n].copy_from_slice(&s_out[..n]);
    let r = ok(client.read(&c_in[..n], &mut c_msg), "read");
    check(
        matches!(r.message_type, Rx::Text)
            && r.end_of_message
            && core::str::from_utf8(&c_msg[..r.len_to]) == Ok("set-point=22.00!"),
        "the server's text",
    );
    finish("ews_both")
}
