//! An echo client: one connection, every message echoed.
//!
//! `cargo run -p rfc6455-tokio --example tokio_echo_client -- ws://127.0.0.1:9001/path?query`
//!
//! The same contract as the core's `echo_client`: it echoes every message
//! with its type and exits 0 after a clean close, non-zero on a failed
//! handshake, a protocol error, a deadline or an I/O error. Either way TCP
//! is closed in order.
//!
//! `tokio_echo_client --autobahn ws://127.0.0.1:9002 AGENT` runs the
//! Autobahn TestSuite's client loop: `getCaseCount`, then
//! `runCase?case=N&agent=AGENT` for every case, then
//! `updateReports?agent=AGENT` (`scripts/autobahn.sh client` with
//! `AUTOBAHN_CLIENT_CMD`).
//!
//! `--deflate` first (built with `--features deflate`) offers
//! permessage-deflate: `tokio_echo_client --deflate --autobahn …`.

use std::process::ExitCode;

use rfc6455_tokio::{Error, Message};

/// Echoes every message from `url` until the server closes.
///
/// # Errors
///
/// Whatever ended the connection other than a clean close.
pub async fn run(url: &str) -> Result<(), Error> {
    run_with(url, false).await
}

/// [`run`], offering permessage-deflate when `deflate` is set.
///
/// # Errors
///
/// As for [`run`].
pub async fn run_with(url: &str, deflate: bool) -> Result<(), Error> {
    let mut ws = connect(url, deflate).await?;
    while let Some(message) = ws.recv().await {
        let message = message?;
        // Pings are answered and the Close echoed by the connection.
        if message.is_data() {
            ws.send(message).await?;
        }
    }
    // The stream ends after the close handshake and an orderly end of TCP;
    // a failure would have been returned above.
    Ok(())
}

/// The text the server sends on `url` (for `getCaseCount`), until it closes.
async fn read_text(url: &str) -> Result<String, Error> {
    let mut ws = connect(url, false).await?;
    let mut text = String::new();
    while let Some(message) = ws.recv().await {
        if let Message::Text(part) = message? {
            text.push_str(&part);
        }
    }
    Ok(text)
}

/// Runs every Autobahn case the fuzzing server at `base` offers, as `agent`.
///
/// # Errors
///
/// When the case count cannot be read or the reports cannot be updated;
/// a case's own outcome is judged by the suite's report, not here.
pub async fn autobahn(
    base: &str,
    agent: &str,
    deflate: bool,
) -> Result<(), Box<dyn std::error::Error>> {
    let count: u32 = read_text(&format!("{base}/getCaseCount"))
        .await?
        .trim()
        .parse()?;
    eprintln!("echo_client: running {count} Autobahn cases as {agent:?}");
    for case in 1..=count {
        // A case may deliberately break the protocol.
        let url = format!("{base}/runCase?case={case}&agent={agent}");
        if let Err(e) = run_with(&url, deflate).await {
            eprintln!("echo_client: case {case}: {e}");
        }
    }
    run(&format!("{base}/updateReports?agent={agent}")).await?;
    Ok(())
}

#[cfg(feature = "deflate")]
async fn connect(
    url: &str,
    deflate: bool,
) -> Result<rfc6455_tokio::WebSocket<rfc6455_tokio::MaybeTlsStream>, Error> {
    if deflate {
        let config = rfc6455_tokio::DeflateConfig::new();
        return rfc6455_tokio::connect_with_deflate(url, config).await;
    }
    rfc6455_tokio::connect(url).await
}

#[cfg(not(feature = "deflate"))]
async fn connect(
    url: &str,
    _: bool,
) -> Result<rfc6455_tokio::WebSocket<rfc6455_tokio::MaybeTlsStream>, Error> {
    rfc6455_tokio::connect(url).await
}

#[tokio::main]
async fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let deflate = args.first().is_some_and(|a| a == "--deflate");
    if deflate {
        args.remove(0);
        if cfg!(not(feature = "deflate")) {
            eprintln!("echo_client: --deflate needs `--features deflate`");
            return ExitCode::from(2);
        }
    }
    let result = match args.as_slice() {
        [flag, base, agent] if flag == "--autobahn" => autobahn(base, agent, deflate).await,
        [url] => run_with(url, deflate).await.map_err(Into::into),
        _ => {
            eprintln!("usage: echo_client ws://HOST[:PORT]/PATH | echo_client --autobahn ws://HOST:PORT AGENT");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("echo_client: {e}");
            ExitCode::FAILURE
        }
    }
}
