//! Markdown output: machine header, throughput table (median and ratio to
//! the best peer), optional min/max, allocations per message, peak heap.

use crate::harness::summarize;
use crate::peers::{Column, Role};
use crate::run::{RowResult, Sample};
use crate::workloads::{Job, Sizes, Unit};
use crate::Options;

pub fn print(opts: &Options, sizes: &Sizes, columns: &[Box<dyn Column>], results: &[RowResult]) {
    header(opts, sizes);
    throughput(columns, results, Stat::Median);
    if opts.minmax {
        println!("\n### Min – max per cell\n");
        throughput(columns, results, Stat::MinMax);
    }
    allocations(columns, results);
    peak_heap(columns, results);
    footnotes(columns, results);
}

fn header(opts: &Options, sizes: &Sizes) {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_owned())
        })
        .unwrap_or_else(|| "unknown".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let date = std::process::Command::new("date")
        .args(["-u", "+%Y-%m-%d %H:%M UTC"])
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .unwrap_or_default();
    println!("## rfc6455 vs other Rust WebSocket crates\n");
    println!("- Machine: {cpu}, {cores} cores");
    println!("- {}", env!("BENCH_RUSTC_VERSION"));
    println!("- Date: {}", date.trim());
    println!(
        "- Crates: rfc6455 ({}), {}",
        tree(),
        env!("BENCH_PEER_VERSIONS")
    );
    println!(
        "- Mode: {}; W1 {} msgs, W2/W3 {} × 1 MiB, W4 {} msgs; thread CPU time, median of the repetitions shown per row",
        if opts.quick { "quick" } else { "full" },
        sizes.small_msgs,
        sizes.big_msgs,
        sizes.fragmented_msgs
    );
    if !opts.filters.is_empty() {
        println!("- Filter: {}", opts.filters.join(", "));
    }
    println!();
}

/// The commit of the rfc6455 tree benchmarked, and whether its sources
/// differ from it (read-only git queries).
fn tree() -> String {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .args(["--no-optional-locks", "-C", root])
            .args(args)
            .output()
            .ok()
    };
    let Some(head) = git(&["rev-parse", "--short", "HEAD"]).filter(|o| o.status.success()) else {
        return "this tree".into();
    };
    let head = String::from_utf8_lossy(&head.stdout).trim().to_owned();
    let clean = git(&["diff", "--quiet", "HEAD", "--", "src", "Cargo.toml"])
        .is_some_and(|o| o.status.success());
    let dirty = if clean { "" } else { " + uncommitted changes" };
    format!("tree at {head}{dirty}")
}

#[derive(Clone, Copy, PartialEq)]
enum Stat {
    Median,
    MinMax,
}

fn rate(unit: Unit, s: &Sample) -> f64 {
    match unit {
        Unit::Msgs => s.messages as f64 / s.seconds / 1e6,
        Unit::Bytes => s.bytes as f64 / s.seconds / 1e9,
    }
}

fn fmt_rate(unit: Unit, v: f64) -> String {
    match unit {
        Unit::Msgs => format!("{v:.2} M/s"),
        Unit::Bytes => format!("{v:.2} GB/s"),
    }
}

/// Median, min and max rate of a cell.
fn rates(unit: Unit, samples: &[Sample]) -> Option<(f64, f64, f64)> {
    if samples.is_empty() {
        return None;
    }
    let mut r: Vec<f64> = samples.iter().map(|s| rate(unit, s)).collect();
    Some(summarize(&mut r))
}

fn column_label(c: &dyn Column) -> String {
    let star = if c.validates_utf8() { "" } else { "*" };
    format!("{}{star}", c.name())
}

fn table_head(columns: &[Box<dyn Column>], first: &str) {
    let names: Vec<String> = columns.iter().map(|c| column_label(c.as_ref())).collect();
    println!("| {first} | {} |", names.join(" | "));
    println!("|---|{}", "---:|".repeat(columns.len()));
}

fn throughput(columns: &[Box<dyn Column>], results: &[RowResult], stat: Stat) {
    table_head(columns, "workload (reps)");
    for r in results {
        let unit = r.row.unit;
        let stats: Vec<Option<(f64, f64, f64)>> = r
            .cells
            .iter()
            .map(|c| c.as_deref().and_then(|s| rates(unit, s)))
            .collect();
        let best_peer = columns
            .iter()
            .zip(&stats)
            .filter(|(c, _)| c.role() == Role::Peer)
            .filter_map(|(_, s)| s.map(|s| s.0))
            .fold(None, |m: Option<f64>, v| Some(m.map_or(v, |m| m.max(v))));
        let client = matches!(r.row.job, Job::Encode { client: true });
        let cells: Vec<String> = columns
            .iter()
            .zip(&r.cells)
            .zip(&stats)
            .map(|((c, cell), s)| match (cell, s) {
                (None, _) => "n/a".into(),
                (Some(_), None) => "".into(), // not selected
                (Some(_), Some((med, lo, hi))) => match stat {
                    Stat::MinMax => format!("{} – {}", fmt_rate(unit, *lo), fmt_rate(unit, *hi)),
                    Stat::Median => {
                        let ratio = best_peer
                            .map(|b| format!(" ({:.2}×)", med / b))
                            .unwrap_or_default();
                        let dagger = if client && c.own_mask_keys() {
                            " †"
                        } else {
                            ""
                        };
                        format!("{}{ratio}{dagger}", fmt_rate(unit, *med))
                    }
                },
            })
            .collect();
        println!("| {} ({}) | {} |", r.row.name, r.reps, cells.join(" | "));
    }
}

fn allocations(columns: &[Box<dyn Column>], results: &[RowResult]) {
    println!("\n### Allocations per message (fewest over the repetitions; a run includes constructing the connection, so small counts are shown per run)\n");
    table_head(columns, "workload");
    for r in results {
        let cells: Vec<String> = r
            .cells
            .iter()
            .map(|cell| match cell {
                None => "n/a".into(),
                Some(s) if s.is_empty() => "".into(),
                Some(s) => {
                    let min = s.iter().map(|s| s.allocs).min().unwrap_or(0);
                    let per = min as f64 / s[0].messages.max(1) as f64;
                    match min {
                        0 => "0".into(),
                        _ if per < 0.005 => format!("≈0 ({min}/run)"),
                        _ if per < 0.5 => format!("{per:.2} ({min}/run)"),
                        _ => format!("{per:.2}"),
                    }
                }
            })
            .collect();
        println!("| {} | {} |", r.row.name, cells.join(" | "));
    }
}

fn peak_heap(columns: &[Box<dyn Column>], results: &[RowResult]) {
    let Some(r) = results
        .iter()
        .find(|r| r.row.name.starts_with("W2") && r.row.name.contains("whole"))
    else {
        return;
    };
    println!("\n### Peak extra heap during `{}` (above the start of the timed region; the wire input excluded)\n", r.row.name);
    table_head(columns, "");
    let cells: Vec<String> = r
        .cells
        .iter()
        .map(|cell| match cell {
            None => "n/a".into(),
            Some(s) if s.is_empty() => "".into(),
            Some(s) => fmt_bytes(s.iter().map(|s| s.peak).min().unwrap_or(0)),
        })
        .collect();
    println!("| peak | {} |", cells.join(" | "));
}

fn fmt_bytes(n: u64) -> String {
    if n >= 1 << 20 {
        format!("{:.1} MiB", n as f64 / (1 << 20) as f64)
    } else {
        format!("{:.0} KiB", n as f64 / 1024.0)
    }
}

fn footnotes(columns: &[Box<dyn Column>], results: &[RowResult]) {
    println!();
    println!("Cells: median throughput (M/s = million messages per second; GB/s = 10^9 wire bytes per second) and, in parentheses, the ratio to the best *peer* (not rfc6455, not a reference column) in the same row of this run. n/a: the crate cannot do it (or, for rfc6455 (reassembly) encode, the same `Encoder` as the rfc6455 column).");
    let unvalidated: Vec<&str> = columns
        .iter()
        .filter(|c| !c.validates_utf8())
        .map(|c| c.name())
        .collect();
    if !unvalidated.is_empty() {
        println!("\n\\* {} do not validate UTF-8 themselves; their adapters run `simdutf8::basic::from_utf8` on every text message (included in the time).", unvalidated.join(", "));
    }
    let own: Vec<&str> = columns
        .iter()
        .filter(|c| c.own_mask_keys())
        .map(|c| c.name())
        .collect();
    if !own.is_empty() {
        println!("\n† client masking keys come from the crate's own RNG ({}); every other encoder gets the same cheap xorshift key generator.", own.join(", "));
    }
    println!("\nReference columns: memcpy = the same simulated reads alone (receive) or one copy of each payload (encode); simdutf8 = `simdutf8::basic::from_utf8` over the unmasked W3 text.");
    for r in results {
        for note in &r.notes {
            println!("\n{}: {note}.", r.row.name);
        }
    }
}
