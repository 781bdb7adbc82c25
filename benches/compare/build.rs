//! Records the rustc version and the resolved peer versions (from Cargo.lock)
//! so a run can print them in its header.
use std::{env, fs, process::Command};

const PEERS: &[&str] = &[
    "tungstenite",
    "tokio-websockets",
    "fastwebsockets",
    "embedded-websocket",
    "websocket-sans-io",
    "simdutf8",
    "tokio",
];

fn main() {
    let rustc = env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let version = Command::new(rustc)
        .arg("-V")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .unwrap_or_default();
    println!("cargo:rustc-env=BENCH_RUSTC_VERSION={}", version.trim());

    let lock = fs::read_to_string("Cargo.lock").unwrap_or_default();
    let mut found = Vec::new();
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        let Some(name) = line
            .strip_prefix("name = \"")
            .and_then(|s| s.strip_suffix('"'))
        else {
            continue;
        };
        if !PEERS.contains(&name) {
            continue;
        }
        if let Some(v) = lines.next().and_then(|l| l.strip_prefix("version = \"")) {
            found.push(format!("{name} {}", v.trim_end_matches('"')));
        }
    }
    println!("cargo:rustc-env=BENCH_PEER_VERSIONS={}", found.join(", "));
    println!("cargo:rerun-if-changed=Cargo.lock");
    println!("cargo:rerun-if-changed=build.rs");
}
