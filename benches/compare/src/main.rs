//! Compares rfc6455 with other Rust WebSocket crates on identical prepared
//! inputs, in one process: receive throughput, encode throughput,
//! allocations per message and peak heap. See README.md.
//!
//! Usage: `compare [--quick] [--filter SUBSTR[,SUBSTR…]] [--reps N] [--minmax]`

mod harness;
mod peers;
mod report;
mod run;
mod text;
mod workloads;

#[cfg(test)]
mod tests;

use harness::Counting;
use workloads::Sizes;

#[global_allocator]
static ALLOCATOR: Counting = Counting;

pub struct Options {
    pub quick: bool,
    pub filters: Vec<String>,
    pub reps: Option<usize>,
    pub minmax: bool,
}

fn parse_args() -> Options {
    let mut opts = Options {
        quick: false,
        filters: Vec::new(),
        reps: None,
        minmax: false,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--quick" => opts.quick = true,
            "--minmax" => opts.minmax = true,
            "--filter" => {
                let value = args
                    .next()
                    .unwrap_or_else(|| usage("--filter needs a value"));
                opts.filters.extend(value.split(',').map(str::to_owned));
            }
            "--reps" => {
                let value = args.next().and_then(|v| v.parse().ok());
                opts.reps = Some(
                    value
                        .filter(|&n| n > 0)
                        .unwrap_or_else(|| usage("--reps needs a positive number")),
                );
            }
            "-h" | "--help" => usage(""),
            other => usage(&format!("unknown argument {other}")),
        }
    }
    opts
}

fn usage(problem: &str) -> ! {
    if !problem.is_empty() {
        eprintln!("error: {problem}");
    }
    eprintln!("usage: compare [--quick] [--filter SUBSTR[,SUBSTR...]] [--reps N] [--minmax]");
    eprintln!("  --quick   tiny workloads, 1 repetition, every checksum still verified (CI)");
    eprintln!("  --filter  run only cells whose workload or column name contains a substring");
    eprintln!("            (A&B: both A and B, each in the workload or the column name)");
    eprintln!("  --reps    repetitions per cell (default: per workload, see run.rs)");
    eprintln!("  --minmax  also print min and max per cell");
    std::process::exit(if problem.is_empty() { 0 } else { 2 })
}

fn main() {
    let opts = parse_args();
    let sizes = if opts.quick {
        Sizes::QUICK
    } else {
        Sizes::FULL
    };
    let columns = peers::all();
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("tokio current-thread runtime");
    let started = std::time::Instant::now();
    let results = run::all(&opts, &sizes, &columns, &rt);
    report::print(&opts, &sizes, &columns, &results);
    eprintln!("done in {:.1} s", started.elapsed().as_secs_f64());
}

/// Whether the cell (row, column) is selected by the filters.
pub fn selected(opts: &Options, row: &str, column: &str) -> bool {
    opts.filters.is_empty()
        || opts.filters.iter().any(|f| {
            f.split('&')
                .all(|part| row.contains(part) || column.contains(part))
        })
}
