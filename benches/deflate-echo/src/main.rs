//! Compressed echo (permessage-deflate, RFC 7692) in memory: each crate, as
//! a server, receives JSON-like text messages that a client compressed and
//! masked, and sends each back compressed. Prints a markdown table of
//! messages/s (median of the runs), the ratio to rfc6455 and bytes on the
//! wire per message byte. See README.md.

mod input;
mod mem;
mod peers;
#[cfg(test)]
mod tests;

use input::{Input, NO_TAKEOVER, TAKEOVER};
use peers::Column;
use tokio::runtime::Runtime;

/// One row: a message size and how many messages a run echoes.
#[derive(Clone)]
pub struct Workload {
    pub name: &'static str,
    pub len: usize,
    pub count: usize,
}

pub fn workloads(quick: bool) -> [Workload; 2] {
    // About 80 ms per run for rfc6455 on one idle core.
    let (small, large) = if quick { (50, 4) } else { (20_000, 320) };
    [
        Workload {
            name: "1 KiB",
            len: 1 << 10,
            count: small,
        },
        Workload {
            name: "64 KiB",
            len: 64 << 10,
            count: large,
        },
    ]
}

/// The inputs of a workload: with context takeover, and without (for the
/// crates that cannot inflate with it).
pub struct Inputs {
    pub takeover: Input,
    pub no_takeover: Input,
}

impl Inputs {
    pub fn new(w: &Workload) -> Self {
        let messages = input::messages(w.count, w.len);
        Inputs {
            takeover: Input::new(TAKEOVER, messages.clone()),
            no_takeover: Input::new(NO_TAKEOVER, messages),
        }
    }

    pub fn for_column(&self, c: &dyn Column) -> &Input {
        if c.takeover() {
            &self.takeover
        } else {
            &self.no_takeover
        }
    }
}

/// One timed run: CPU seconds and the server's output (checked after the
/// timed region).
pub fn run(c: &dyn Column, input: &Input, rt: &Runtime) -> Result<(f64, Vec<u8>), String> {
    // Allocated and faulted in outside the timed region.
    let mut out = vec![0u8; input.wire.len() * 2 + (64 << 10)];
    out.clear();
    let start = mem::thread_cpu_seconds();
    c.echo(input, &mut out, rt)?;
    let secs = mem::thread_cpu_seconds() - start;
    input
        .check_echo(&out)
        .map_err(|e| format!("{}: {e}", c.name()))?;
    Ok((secs, out))
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

fn main() {
    let mut quick = false;
    let mut reps = None;
    let mut only = None;
    let mut size = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--quick" => quick = true,
            "--reps" => reps = args.next().and_then(|n| n.parse().ok()),
            "--only" => only = args.next(),
            "--size" => size = args.next(),
            _ => {
                eprintln!("usage: rfc6455-deflate-echo [--quick] [--reps N] [--only COLUMN] [--size \"1 KiB\"|\"64 KiB\"]");
                std::process::exit(2);
            }
        }
    }
    let reps: usize = reps.unwrap_or(if quick { 1 } else { 11 });
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime");
    let mut columns = peers::columns();
    if let Some(name) = &only {
        // For profiling one column; its ratios are then to itself.
        columns.retain(|c| c.name() == name);
    }
    let mut workloads = workloads(quick).to_vec();
    if let Some(name) = &size {
        workloads.retain(|w| w.name == name);
    }
    // msgs/s samples and wire/message per column and workload.
    let mut rate = vec![vec![Vec::new(); workloads.len()]; columns.len()];
    let mut ratio = vec![vec![0.0; workloads.len()]; columns.len()];
    let mut input_ratio = Vec::new();
    for (w, workload) in workloads.iter().enumerate() {
        let inputs = Inputs::new(workload);
        let bytes = inputs.takeover.message_bytes() as f64;
        input_ratio.push(inputs.takeover.wire.len() as f64 / bytes);
        for _ in 0..reps {
            // Columns interleave, so noise hits them alike.
            for (c, column) in columns.iter().enumerate() {
                let input = inputs.for_column(column.as_ref());
                match run(column.as_ref(), input, &rt) {
                    Ok((secs, out)) => {
                        rate[c][w].push(workload.count as f64 / secs);
                        ratio[c][w] = out.len() as f64 / bytes;
                    }
                    Err(e) => {
                        eprintln!("{} {}: {e}", column.name(), workload.name);
                        std::process::exit(1);
                    }
                }
            }
        }
    }
    let medians: Vec<Vec<f64>> = rate
        .into_iter()
        .map(|ws| ws.into_iter().map(median).collect())
        .collect();
    let mut head = String::from("| crate | compression |");
    let mut rule = String::from("|---|---|");
    for w in &workloads {
        head += &format!(" {}: msg/s | vs rfc6455 | wire/message |", w.name);
        rule += "---:|---:|---:|";
    }
    println!("{head}\n{rule}");
    for (c, column) in columns.iter().enumerate() {
        let mut row = format!("| {} | {} |", column.name(), column.settings());
        for w in 0..workloads.len() {
            row += &format!(
                " {:.0} | {:.2}× | {:.3} |",
                medians[c][w],
                medians[c][w] / medians[0][w],
                ratio[c][w]
            );
        }
        println!("{row}");
    }
    println!(
        "\nInput (rfc6455-deflate client, level 1, memLevel 4, masked): wire/message {}; {} runs, medians.",
        input_ratio
            .iter()
            .zip(&workloads)
            .map(|(r, w)| format!("{:.3} at {}", r, w.name))
            .collect::<Vec<_>>()
            .join(", "),
        reps
    );
}
