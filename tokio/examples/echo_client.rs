//! An echo client: one connection, every message echoed.
//!
//! `cargo run -p rfc6455-tokio --example echo_client -- ws://127.0.0.1:9001/path?query`
//!
//! The same contract as the core's `echo_client`: it echoes every message
//! with its type and exits 0 after a clean close, non-zero on a failed
//! handshake, a protocol error, a deadline or an I/O error. Either way TCP
//! is closed in order.

use std::process::ExitCode;

use rfc6455_tokio::Error;

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

#[tokio::main]
async fn main() -> ExitCode {
    let Some(url) = std::env::args().nth(1) else {
        eprintln!("usage: echo_client ws://HOST[:PORT]/PATH");
        return ExitCode::from(2);
    };
    match run(&url).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("echo_client: {e}");
            ExitCode::FAILURE
        }
    }
}
