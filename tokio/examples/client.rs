//! The smallest useful client: connect, send three messages, print the
//! replies, close cleanly.
//!
//! `cargo run -p rfc6455-tokio --example client -- ws://127.0.0.1:9001/`
//! (against `echo_server`).

use rfc6455_tokio::{CloseCode, Error, Message};

/// Sends three messages to `url` and returns the text replies.
pub async fn run(url: &str) -> Result<Vec<String>, Error> {
    let mut ws = rfc6455_tokio::connect(url).await?;
    let mut replies = Vec::new();
    for i in 1..=3 {
        ws.send(Message::text(format!("message {i}"))).await?;
        while let Some(message) = ws.recv().await {
            if let Message::Text(text) = message? {
                replies.push(text);
                break;
            }
        }
    }
    ws.close(CloseCode::NORMAL, "done").await?;
    Ok(replies)
}

#[tokio::main]
async fn main() {
    let url = std::env::args().nth(1);
    match run(url.as_deref().unwrap_or("ws://127.0.0.1:9001/")).await {
        Ok(replies) => replies.iter().for_each(|reply| println!("{reply}")),
        Err(e) => {
            eprintln!("client: {e}");
            std::process::exit(1);
        }
    }
}
