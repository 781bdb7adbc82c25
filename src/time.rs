//! Time as a parameter: the connection reads no clock; the caller passes
//! [`Timestamp`]s in.

use core::time::Duration;

/// A point in time, as the time since an origin the caller picks.
///
/// The connection reads no clock: it is told what time it is
/// ([`Connection::handle_timeout`](crate::Connection::handle_timeout)) and
/// says when it next wants to be told
/// ([`Connection::poll_timeout`](crate::Connection::poll_timeout)). Any
/// monotonic source works, as long as one connection always gets time from
/// the same origin: `std::time::Instant` through [`Timestamp::since`], a
/// hardware timer's tick count on a microcontroller through
/// [`Timestamp::from_millis`] or [`Timestamp::from_duration`], or a
/// simulated clock in tests. Time that goes backwards is taken as no time
/// passing; arithmetic saturates, so a clock that jumps by years only makes
/// every deadline due.
///
/// # Examples
///
/// ```
/// use core::time::Duration;
/// use rfc6455::Timestamp;
///
/// let boot = Timestamp::from_millis(1_500); // a timer tick count, say
/// assert_eq!(boot + Duration::from_millis(500), Timestamp::from_millis(2_000));
/// assert_eq!(boot.as_duration(), Duration::from_millis(1_500));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Timestamp(
    /// Nanoseconds since the origin: 8 bytes, where a `Duration` takes 16,
    /// and a connection keeps several.
    u64,
);

impl Timestamp {
    /// The origin.
    pub const ZERO: Timestamp = Timestamp(0);

    /// The largest timestamp: 2^64 − 1 nanoseconds (about 584 years) after
    /// the origin. Later times saturate to it.
    pub const MAX: Timestamp = Timestamp(u64::MAX);

    /// The time `since_origin` after the origin, saturating at
    /// [`MAX`](Self::MAX).
    #[must_use]
    pub const fn from_duration(since_origin: Duration) -> Self {
        Timestamp(nanos(since_origin))
    }

    /// The time `millis` milliseconds after the origin, saturating at
    /// [`MAX`](Self::MAX).
    #[must_use]
    pub const fn from_millis(millis: u64) -> Self {
        Timestamp(millis.saturating_mul(1_000_000))
    }

    /// The time since the origin.
    #[must_use]
    pub const fn as_duration(self) -> Duration {
        Duration::from_nanos(self.0)
    }

    /// The time now, counted from `origin` (read from the standard
    /// library's monotonic clock).
    ///
    /// ```
    /// let origin = std::time::Instant::now(); // once, for all connections
    /// let now = rfc6455::Timestamp::since(origin);
    /// assert!(now >= rfc6455::Timestamp::ZERO);
    /// ```
    #[cfg(feature = "std")]
    #[must_use]
    pub fn since(origin: std::time::Instant) -> Self {
        Self::from_duration(origin.elapsed())
    }

    /// The time as a `std::time::Instant`, counted from `origin`.
    #[cfg(feature = "std")]
    #[must_use]
    pub fn to_instant(self, origin: std::time::Instant) -> std::time::Instant {
        origin.checked_add(self.as_duration()).unwrap_or(origin)
    }

    /// `self + duration`, saturating at [`MAX`](Self::MAX).
    #[must_use]
    pub const fn saturating_add(self, duration: Duration) -> Self {
        Timestamp(self.0.saturating_add(nanos(duration)))
    }

    /// The time from `earlier` to `self`, or zero if `earlier` is later.
    #[must_use]
    pub const fn saturating_duration_since(self, earlier: Timestamp) -> Duration {
        Duration::from_nanos(self.0.saturating_sub(earlier.0))
    }
}

/// A duration in whole nanoseconds, saturating at `u64::MAX`.
const fn nanos(duration: Duration) -> u64 {
    // Not `as_nanos`: 128-bit arithmetic is costly on a microcontroller.
    match duration.as_secs().checked_mul(1_000_000_000) {
        Some(n) => n.saturating_add(duration.subsec_nanos() as u64),
        None => u64::MAX,
    }
}

/// An optional duration in 8 bytes (an `Option<Duration>` takes 16): what a
/// connection keeps of [`Config`](crate::Config)'s timeouts. Durations of
/// 2^64 − 2 nanoseconds (about 584 years) or more are 2^64 − 1 nanoseconds
/// long: added to any time, they reach the end of time, [`Timestamp::MAX`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Span(u64);

impl Span {
    // One copy, not six inlined into `Settings::new`: 64-bit arithmetic is
    // long on a 32-bit microcontroller.
    #[inline(never)]
    pub(crate) const fn new(duration: Option<Duration>) -> Self {
        match duration {
            Some(d) => {
                let n = nanos(d);
                Span(if n == u64::MAX { u64::MAX - 1 } else { n })
            }
            None => Span(u64::MAX),
        }
    }

    /// Whether a duration is set.
    pub(crate) const fn is_some(self) -> bool {
        self.0 != u64::MAX
    }

    /// `start` plus the duration, if one is set: in whole nanoseconds, so
    /// the deadlines cost neither 128-bit arithmetic nor a division (they
    /// do on a 32-bit microcontroller).
    pub(crate) const fn after(self, start: Timestamp) -> Option<Timestamp> {
        match self.0 {
            u64::MAX => None,
            n if n == u64::MAX - 1 => Some(Timestamp::MAX),
            n => Some(Timestamp(start.0.saturating_add(n))),
        }
    }

    pub(crate) const fn get(self) -> Option<Duration> {
        match self.0 {
            u64::MAX => None,
            n if n == u64::MAX - 1 => Some(Duration::from_nanos(u64::MAX)),
            n => Some(Duration::from_nanos(n)),
        }
    }
}

impl core::ops::Add<Duration> for Timestamp {
    type Output = Timestamp;

    /// Saturating: never panics.
    fn add(self, duration: Duration) -> Timestamp {
        self.saturating_add(duration)
    }
}

#[cfg(test)]
mod tests {
    use super::{Span, Timestamp};
    use core::time::Duration;

    #[test]
    fn timestamps_saturate_at_the_end_of_time() {
        assert_eq!(Timestamp::from_duration(Duration::MAX), Timestamp::MAX);
        assert_eq!(Timestamp::from_millis(u64::MAX), Timestamp::MAX);
        assert_eq!(Timestamp::MAX + Duration::from_nanos(1), Timestamp::MAX);
        let t = Timestamp::from_duration(Duration::new(3, 500));
        assert_eq!(t.as_duration(), Duration::new(3, 500));
        assert_eq!(
            t + Duration::from_nanos(1),
            Timestamp::from_duration(Duration::new(3, 501))
        );
        assert_eq!(t.saturating_duration_since(Timestamp::MAX), Duration::ZERO);
        assert_eq!(
            Timestamp::MAX.saturating_duration_since(Timestamp::ZERO),
            Duration::from_nanos(u64::MAX)
        );
    }

    #[test]
    fn spans_keep_every_duration_up_to_584_years() {
        for d in [
            None,
            Some(Duration::ZERO),
            Some(Duration::new(1, 1)),
            Some(Duration::from_nanos(u64::MAX - 2)),
        ] {
            assert_eq!(Span::new(d).get(), d);
        }
        let end = Some(Duration::from_nanos(u64::MAX));
        for d in [
            Duration::from_nanos(u64::MAX - 1),
            Duration::from_nanos(u64::MAX),
            Duration::MAX,
        ] {
            assert_eq!(Span::new(Some(d)).get(), end);
        }
        assert_eq!(
            Timestamp::from_millis(1) + Span::new(Some(Duration::MAX)).get().unwrap_or_default(),
            Timestamp::MAX
        );
    }
}
