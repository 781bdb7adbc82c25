//! One column per crate: a server that receives each compressed client
//! message and sends it back compressed, driven the way the crate documents.

use tokio::runtime::Runtime;

use crate::input::Input;

mod rfc6455;
#[cfg(feature = "soketto")]
mod soketto;
mod wtx;
mod yawc;

pub trait Column {
    fn name(&self) -> &'static str;
    /// Compression settings as run (level, memLevel, backend).
    fn settings(&self) -> &'static str;
    /// Whether it runs with context takeover (else it gets the
    /// no-takeover input).
    fn takeover(&self) -> bool {
        true
    }
    /// Echoes every message of `input`, appending the server's output to
    /// `out`.
    fn echo(&self, input: &Input, out: &mut Vec<u8>, rt: &Runtime) -> Result<(), String>;
}

pub fn columns() -> Vec<Box<dyn Column>> {
    vec![
        Box::new(rfc6455::Rfc6455 { takeover: true }),
        Box::new(yawc::Yawc),
        Box::new(rfc6455::Rfc6455 { takeover: false }),
        Box::new(wtx::Wtx),
        #[cfg(feature = "soketto")]
        Box::new(soketto::Soketto),
    ]
}

pub fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}
