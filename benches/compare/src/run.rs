//! The measurement loop: for each row, repetitions interleave the columns
//! (rep 1: A B C …, rep 2: A B C …) so machine noise hits every column
//! alike. Each run is timed in thread CPU time, counted by the allocator,
//! and verified (count and checksum) before its time is kept.

use tokio::runtime::Runtime;

use crate::harness::{thread_cpu_seconds, AllocMark, Checksum};
use crate::peers::{Column, EncodeJob, Role};
use crate::workloads::{prepare, verify_encoded, Data, Job, Prepared, Row, Sizes, ROWS};
use crate::{selected, Options};

/// One measured run.
#[derive(Clone, Copy, Debug)]
pub struct Sample {
    pub seconds: f64,
    pub messages: u64,
    /// Wire bytes received, or bytes the encoder wrote.
    pub bytes: u64,
    pub allocs: u64,
    pub peak: u64,
}

/// The samples of one cell; `None` when the column cannot do the row.
pub type Cell = Option<Vec<Sample>>;

pub struct RowResult {
    pub row: Row,
    pub reps: usize,
    /// Indexed like the columns; unselected columns are `Some(vec![])`.
    pub cells: Vec<Cell>,
    pub notes: Vec<String>,
}

/// Repetitions per row so that a full run takes a few minutes on 2 cores.
fn default_reps(row: &Row, opts: &Options) -> usize {
    if opts.quick {
        return 1;
    }
    // About 0.3–0.7 s per repetition of a row with 1M small messages, 0.1–0.3 s
    // for the others: about 3 minutes in all on an idle 2-core machine.
    match row.data {
        Data::SmallText | Data::EncodeSmall => 41,
        _ => 101,
    }
}

pub fn all(
    opts: &Options,
    sizes: &Sizes,
    columns: &[Box<dyn Column>],
    rt: &Runtime,
) -> Vec<RowResult> {
    let mut results = Vec::new();
    let mut data: Option<(Data, Prepared)> = None;
    for row in ROWS {
        let chosen: Vec<bool> = columns
            .iter()
            .map(|c| selected(opts, row.name, c.name()))
            .collect();
        if !chosen.iter().any(|&c| c) {
            continue;
        }
        if data.as_ref().map(|(d, _)| *d) != Some(row.data) {
            drop(data.take()); // free the previous inputs first
            eprintln!("preparing {:?} …", row.data);
            data = Some((row.data, prepare(row.data, sizes)));
        }
        let prepared = &data.as_ref().expect("prepared above").1;
        let reps = opts.reps.unwrap_or_else(|| default_reps(row, opts));
        results.push(run_row(row, prepared, reps, columns, &chosen, rt));
    }
    results
}

fn run_row(
    row: &Row,
    prepared: &Prepared,
    reps: usize,
    columns: &[Box<dyn Column>],
    chosen: &[bool],
    rt: &Runtime,
) -> RowResult {
    let mut cells: Vec<Cell> = columns.iter().map(|_| Some(Vec::new())).collect();
    let mut notes = Vec::new();
    // Encode buffers live outside the timed region and are reused.
    let (mut out, shared) = match prepared {
        // Written (not calloc'd) so no column pays the first page faults.
        Prepared::Encode(e) => (
            vec![0xA5u8; e.out_len],
            bytes::Bytes::copy_from_slice(&e.payload),
        ),
        Prepared::Recv(r) => {
            if r.text_len > 0 {
                let share = crate::text::multibyte_share(
                    std::str::from_utf8(&r.text[..r.text_len]).unwrap_or(""),
                );
                notes.push(format!(
                    "{:.0}% of the text bytes are in multi-byte characters",
                    share * 100.0
                ));
            }
            (Vec::new(), bytes::Bytes::new())
        }
    };
    let started = std::time::Instant::now();
    for rep in 0..reps {
        eprint!("\r{} — rep {}/{} ", row.name, rep + 1, reps);
        for (i, column) in columns.iter().enumerate() {
            if !chosen[i] || cells[i].is_none() {
                continue;
            }
            let sample = match prepared {
                Prepared::Recv(input) => {
                    let Job::Recv { read_size } = row.job else {
                        unreachable!()
                    };
                    let mark = AllocMark::start();
                    let t0 = thread_cpu_seconds();
                    let result = column.recv(input, read_size, rt);
                    let seconds = thread_cpu_seconds() - t0;
                    let (allocs, peak) = mark.finish();
                    result.map(|r| {
                        let got = r.unwrap_or_else(|e| fail(row, column.as_ref(), &e));
                        check(row, column.as_ref(), &got, &input.expected);
                        Sample {
                            seconds,
                            messages: input.expected.messages,
                            bytes: input.wire.len() as u64,
                            allocs,
                            peak,
                        }
                    })
                }
                Prepared::Encode(input) => {
                    let Job::Encode { client } = row.job else {
                        unreachable!()
                    };
                    let job = EncodeJob {
                        payload: &input.payload,
                        shared: &shared,
                        count: input.count,
                        client,
                    };
                    let mark = AllocMark::start();
                    let t0 = thread_cpu_seconds();
                    let result = column.encode(&job, &mut out, rt);
                    let seconds = thread_cpu_seconds() - t0;
                    let (allocs, peak) = mark.finish();
                    result.map(|r| {
                        let n = r.unwrap_or_else(|e| fail(row, column.as_ref(), &e));
                        if column.role() != Role::Reference {
                            let got = verify_encoded(&out[..n], client)
                                .unwrap_or_else(|e| fail(row, column.as_ref(), &e));
                            check(row, column.as_ref(), &got, &input.expected);
                        }
                        Sample {
                            seconds,
                            messages: input.count as u64,
                            bytes: n as u64,
                            allocs,
                            peak,
                        }
                    })
                }
            };
            match sample {
                Some(s) => cells[i].as_mut().expect("checked above").push(s),
                None => cells[i] = None,
            }
        }
    }
    eprintln!("({:.1} s)", started.elapsed().as_secs_f64());
    RowResult {
        row: *row,
        reps,
        cells,
        notes,
    }
}

fn check(row: &Row, column: &dyn Column, got: &Checksum, expected: &Checksum) {
    if column.role() == Role::Reference {
        return;
    }
    if got.messages != expected.messages || got.sum != expected.sum {
        fail(
            row,
            column,
            &format!(
                "delivered {} messages with checksum {:#018x}; expected {} with {:#018x}",
                got.messages, got.sum, expected.messages, expected.sum
            ),
        );
    }
}

fn fail(row: &Row, column: &dyn Column, problem: &str) -> ! {
    eprintln!(
        "\nVERIFICATION FAILED: column `{}` on `{}`: {problem}",
        column.name(),
        row.name
    );
    std::process::exit(3)
}
