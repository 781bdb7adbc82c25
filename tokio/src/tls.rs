//! `wss://` over rustls (feature `rustls`): the client side of TLS for
//! `connect` and `connect_with_tls`.
//!
//! Why these crates: see the crate docs ("Dependencies, and why").

use std::sync::Arc;

use tokio::net::TcpStream;
use tokio_rustls::rustls::crypto::{self, CryptoProvider};
use tokio_rustls::rustls::pki_types::ServerName;
use tokio_rustls::rustls::{ClientConfig, RootCertStore};
use tokio_rustls::TlsConnector;

use crate::error::Error;
use crate::stream::MaybeTlsStream;
use crate::url::UrlError;

/// The configuration `connect` uses: Mozilla's roots, no client
/// certificate, the process's default crypto provider if one was
/// installed, else ring's.
pub(crate) fn default_config() -> Result<Arc<ClientConfig>, Error> {
    // Deprecated for want of post-quantum key exchange: see the module docs.
    #[allow(deprecated)]
    let provider = CryptoProvider::get_default()
        .cloned()
        .unwrap_or_else(|| Arc::new(crypto::ring::default_provider()));
    let roots = RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::Tls(std::io::Error::other(e)))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(config))
}

/// The TLS handshake with `host` (checked against its certificate) over
/// `tcp`.
pub(crate) async fn handshake(
    host: &str,
    tcp: TcpStream,
    config: Arc<ClientConfig>,
) -> Result<MaybeTlsStream, Error> {
    let name = ServerName::try_from(host.to_owned()).map_err(|_| Error::Url(UrlError::Host))?;
    let tls = TlsConnector::from(config)
        .connect(name, tcp)
        .await
        .map_err(Error::Tls)?;
    Ok(MaybeTlsStream::Rustls(Box::new(tls)))
}
