//! `wss://` on loopback: an echo server behind TLS with a self-signed
//! certificate, and a client that trusts that certificate, sends three
//! messages, prints the echoes and closes cleanly.
//!
//! `cargo run -p rfc6455-tokio --features rustls --example wss_echo`

use std::error::Error;
use std::sync::Arc;

use rfc6455_tokio::tokio_rustls::rustls::pki_types::PrivatePkcs8KeyDer;
use rfc6455_tokio::tokio_rustls::rustls::{ClientConfig, RootCertStore, ServerConfig};
use rfc6455_tokio::tokio_rustls::TlsAcceptor;
use rfc6455_tokio::{CloseCode, Message};
use tokio::net::TcpListener;

/// A certificate for `localhost`: the server's configuration, and a
/// client's that trusts it.
pub fn configs() -> Result<(ServerConfig, ClientConfig), Box<dyn Error>> {
    let cert = rcgen::generate_simple_self_signed(vec!["localhost".into()])?;
    let key = PrivatePkcs8KeyDer::from(cert.signing_key.serialize_der());
    let server = ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(vec![cert.cert.der().clone()], key.into())?;
    let mut roots = RootCertStore::empty();
    roots.add(cert.cert.der().clone())?;
    let client = ClientConfig::builder()
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok((server, client))
}

/// Echoes every message on every TLS connection `listener` accepts.
pub async fn serve(listener: TcpListener, tls: TlsAcceptor) -> std::io::Result<()> {
    loop {
        let (tcp, _) = listener.accept().await?;
        let tls = tls.clone();
        tokio::spawn(async move {
            let mut ws = rfc6455_tokio::accept(tls.accept(tcp).await?).await?;
            while let Some(message) = ws.recv().await {
                let message = message?;
                if message.is_data() {
                    ws.send(message).await?;
                }
            }
            Ok::<_, rfc6455_tokio::Error>(())
        });
    }
}

/// Sends three messages to `url` and returns the echoes.
pub async fn run(url: &str, tls: ClientConfig) -> Result<Vec<String>, rfc6455_tokio::Error> {
    let mut ws = rfc6455_tokio::connect_with_tls(url, Arc::new(tls)).await?;
    let mut replies = Vec::new();
    for i in 1..=3 {
        ws.send(Message::text(format!("secure {i}"))).await?;
        if let Some(Message::Text(text)) = ws.recv().await.transpose()? {
            replies.push(text);
        }
    }
    ws.close(CloseCode::NORMAL, "done").await?;
    Ok(replies)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let (server, client) = configs()?;
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("wss://localhost:{}/", listener.local_addr()?.port());
    tokio::spawn(serve(listener, TlsAcceptor::from(Arc::new(server))));
    for reply in run(&url, client).await? {
        println!("{reply}");
    }
    Ok(())
}
