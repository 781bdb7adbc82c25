//! Fairness guard: every column echoes every message of both workloads,
//! compressed, readable by an rfc6455-deflate client; inputs are what a
//! client sends (masked, compressed); settings are as documented.

use crate::input::{Input, TAKEOVER};
use crate::{peers, run, workloads, Inputs};

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
}

#[test]
fn inputs_are_masked_compressed_client_frames() {
    for w in workloads(true) {
        let inputs = Inputs::new(&w);
        for input in [&inputs.takeover, &inputs.no_takeover] {
            // FIN + RSV1 + text; the MASK bit.
            assert_eq!(input.wire[0], 0xc1);
            assert_eq!(input.wire[1] & 0x80, 0x80);
            assert!(input.wire.len() < input.message_bytes() / 2);
        }
    }
}

#[test]
fn context_takeover_makes_later_messages_smaller() {
    // Guards that the takeover input really keeps the context: the same
    // messages compress better with it.
    let w = &workloads(true)[0];
    let inputs = Inputs::new(w);
    assert!(inputs.takeover.wire.len() < inputs.no_takeover.wire.len());
}

#[test]
fn every_column_echoes_every_message() {
    let rt = rt();
    for w in workloads(true) {
        let inputs = Inputs::new(&w);
        for column in peers::columns() {
            let input = inputs.for_column(column.as_ref());
            let (_, out) = run(column.as_ref(), input, &rt)
                .unwrap_or_else(|e| panic!("{} {}: {e}", column.name(), w.name));
            assert!(
                out.len() < input.message_bytes() / 2,
                "{} compresses",
                column.name()
            );
        }
    }
}

#[test]
fn a_wrong_echo_fails_the_check() {
    let messages = crate::input::messages(3, 1024);
    let input = Input::new(TAKEOVER, messages.clone());
    let mut other = messages;
    other[1].replace_range(2..3, "X");
    let wrong = Input::new(TAKEOVER, other);
    // A client's frames are masked: not what a server sends.
    assert!(input.check_echo(&input.wire).is_err());
    let rt = rt();
    let (_, out) = run(&*peers::columns()[0], &wrong, &rt).unwrap();
    assert!(input.check_echo(&out).is_err());
}
