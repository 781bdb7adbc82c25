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

use std::process::ExitCode;

use rfc6455_tokio::{Error, Message};

/// Echoes every message from `url` until the server closes.
///
/// # Errors
///
/// Whatever ended the connection other than a clean close.
pub async fn run(url: &str) -> Result<(), Error> {
    let mut ws = rfc6455_tokio::connect(url).await?;
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
    let mut ws = rfc6455_tokio::connect(url).await?;
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
pub async fn autobahn(base: &str, agent: &str) -> Result<(), Box<dyn std::error::Error>> {
    let count: u32 = read_text(&format!("{base}/getCaseCount"))
        .await?
        .trim()
        .parse()?;
    eprintln!("echo_client: running {count} Autobahn cases as {agent:?}");
    for case in 1..=count {
        // A case may deliberately break the protocol.
        if let Err(e) = run(&format!("{base}/runCase?case={case}&agent={agent}")).await {
            eprintln!("echo_client: case {case}: {e}");
        }
    }
    run(&format!("{base}/updateReports?agent={agent}")).await?;
    Ok(())
}

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.as_slice() {
        [flag, base, agent] if flag == "--autobahn" => autobahn(base, agent).await,
        [url] => run(url).await.map_err(Into::into),
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
