//! Wakers for two tasks sharing one transport.
//!
//! A tokio transport keeps one waker per direction: when a read half and a
//! write half, in different tasks, both poll it for writing (the reader
//! writes the automatic Pongs it queued), the second poll would replace
//! the first task's waker, and that task would sleep forever. So after a
//! split each half leaves its waker in a slot, and the transport (and the
//! timer) get a waker that wakes both slots.

use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Wake, Waker};

/// Which side polls: the unsplit `WebSocket`, or one half of a split one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Half {
    Whole,
    Read,
    Write,
}

/// The wakers of both halves, for one thing they wait on.
struct Slots(Mutex<[Option<Waker>; 2]>);

impl Slots {
    fn wake_all(&self) {
        let woken = std::mem::take(&mut *self.0.lock().unwrap_or_else(PoisonError::into_inner));
        for waker in woken.into_iter().flatten() {
            waker.wake();
        }
    }
}

impl Wake for Slots {
    fn wake(self: Arc<Self>) {
        self.wake_all();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.wake_all();
    }
}

/// Two slots and the waker that wakes them both.
pub(crate) struct Shared {
    slots: Arc<Slots>,
    waker: Waker,
}

impl Shared {
    fn new() -> Self {
        let slots = Arc::new(Slots(Mutex::new([None, None])));
        let waker = Waker::from(slots.clone());
        Shared { slots, waker }
    }

    /// Leaves `cx`'s waker in `half`'s slot and returns the waker to poll
    /// with.
    pub(crate) fn register<'a>(&'a self, half: Half, cx: &'a Context<'_>) -> &'a Waker {
        let index = match half {
            Half::Whole => return cx.waker(),
            Half::Read => 0,
            Half::Write => 1,
        };
        let mut slots = self.slots.0.lock().unwrap_or_else(PoisonError::into_inner);
        match &mut slots[index] {
            Some(waker) if waker.will_wake(cx.waker()) => {}
            slot => *slot = Some(cx.waker().clone()),
        }
        &self.waker
    }

    /// Wakes both halves.
    pub(crate) fn wake(&self) {
        self.slots.wake_all();
    }
}

/// Everything a half can wait on.
pub(crate) struct Wakers {
    pub(crate) read: Shared,
    pub(crate) write: Shared,
    pub(crate) timer: Shared,
    /// The transport was closed (the write half's `close` waits for it
    /// while the read half drives the connection).
    pub(crate) closed: Shared,
}

impl Wakers {
    pub(crate) fn new() -> Self {
        Wakers {
            read: Shared::new(),
            write: Shared::new(),
            timer: Shared::new(),
            closed: Shared::new(),
        }
    }
}

/// The waker to poll with: `cx`'s own before a split.
pub(crate) fn pick<'a>(
    wakers: &'a Option<Box<Wakers>>,
    which: fn(&Wakers) -> &Shared,
    half: Half,
    cx: &'a Context<'_>,
) -> &'a Waker {
    match wakers {
        Some(wakers) => which(wakers).register(half, cx),
        None => cx.waker(),
    }
}
