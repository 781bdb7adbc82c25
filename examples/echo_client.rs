//! An echo client over blocking `std::net`.
//!
//! `cargo run --example echo_client -- ws://127.0.0.1:9001/path?query` opens
//! one connection to that URL, echoes every message, and exits 0 after a
//! clean close (non-zero on a failed handshake, a protocol error or an I/O
//! error). Either way TCP is closed in order, with `common::close`. The
//! connection's deadlines run on the system clock (`common::read`): a server
//! that goes silent is pinged, then dropped, and one that completes the
//! close handshake but never closes TCP is left after 2 s.
//!
//! `echo_client --autobahn ws://127.0.0.1:9002 AGENT` runs the Autobahn
//! TestSuite's client loop: `getCaseCount`, then `runCase?case=N&agent=AGENT`
//! for every case, then `updateReports?agent=AGENT`.

mod common;
mod url;

use std::io;
use std::net::TcpStream;
use std::process::ExitCode;

use rfc6455::{ClientRequest, Config, Connection, Event, StdKeys};

fn connect(url: &str) -> io::Result<(TcpStream, Connection<Vec<u8>, StdKeys>)> {
    let url = url::parse(url)?;
    let socket = TcpStream::connect((url.host, url.port))?;
    socket.set_nodelay(true)?;
    let request = ClientRequest::new(url.host)
        .port(url.port)
        .target(url.target);
    let conn = Connection::client(
        &request,
        Config::new(),
        vec![0; 64 << 10],
        vec![0; 128 << 10],
        StdKeys::new(),
    )
    .map_err(io::Error::other)?;
    Ok((socket, conn))
}

/// Echoes on one connection to `url`, then closes TCP in order.
fn run(url: &str) -> io::Result<common::Ended> {
    let (mut socket, mut conn) = connect(url)?;
    let ended = common::echo(&mut socket, &mut conn, |_| None)?;
    common::close(socket)?;
    Ok(ended)
}

/// Reads the text the server sends on `url` (for `getCaseCount`), answering
/// its close.
fn read_text(url: &str) -> io::Result<String> {
    let (mut socket, mut conn) = connect(url)?;
    let mut text = String::new();
    let mut failure = None;
    loop {
        while let Some(event) = conn.poll_event() {
            match event {
                Ok(Event::Text { data, .. }) => text.push_str(data),
                Ok(_) => {}
                // The connection queued its Close: send it before giving up.
                Err(e) => failure = Some(e),
            }
        }
        common::flush(&mut socket, &mut conn)?;
        if conn.should_close_transport() {
            break;
        }
        if !common::read(&mut socket, &mut conn)? {
            while conn.poll_event().is_some() {}
            break;
        }
    }
    common::close(socket)?;
    match failure {
        Some(e) => Err(io::Error::other(e)),
        None if text.is_empty() => Err(io::Error::other("the server sent no text")),
        None => Ok(text),
    }
}

fn autobahn(base: &str, agent: &str) -> io::Result<()> {
    let count: u32 = read_text(&format!("{base}/getCaseCount"))?
        .trim()
        .parse()
        .map_err(io::Error::other)?;
    eprintln!("echo_client: running {count} Autobahn cases as {agent:?}");
    for case in 1..=count {
        // A case may deliberately break the protocol: its outcome is judged
        // by the suite's report, not here.
        if let Err(e) = run(&format!("{base}/runCase?case={case}&agent={agent}")) {
            eprintln!("echo_client: case {case}: {e}");
        }
    }
    run(&format!("{base}/updateReports?agent={agent}"))?;
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.as_slice() {
        [flag, base, agent] if flag == "--autobahn" => autobahn(base, agent).map(|()| true),
        [url] => run(url).map(|ended| {
            if let Some(error) = ended.error {
                eprintln!("echo_client: {error}");
            }
            ended.clean && ended.error.is_none()
        }),
        _ => {
            eprintln!("usage: echo_client ws://HOST[:PORT]/PATH | echo_client --autobahn ws://HOST:PORT AGENT");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("echo_client: {e}");
            ExitCode::FAILURE
        }
    }
}
