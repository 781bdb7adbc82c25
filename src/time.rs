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
pub struct Timestamp(Duration);

impl Timestamp {
    /// The origin.
    pub const ZERO: Timestamp = Timestamp(Duration::ZERO);

    /// The time `since_origin` after the origin.
    #[must_use]
    pub const fn from_duration(since_origin: Duration) -> Self {
        Timestamp(since_origin)
    }

    /// The time `millis` milliseconds after the origin.
    #[must_use]
    pub const fn from_millis(millis: u64) -> Self {
        Timestamp(Duration::from_millis(millis))
    }

    /// The time since the origin.
    #[must_use]
    pub const fn as_duration(self) -> Duration {
        self.0
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
        Timestamp(origin.elapsed())
    }

    /// The time as a `std::time::Instant`, counted from `origin`.
    #[cfg(feature = "std")]
    #[must_use]
    pub fn to_instant(self, origin: std::time::Instant) -> std::time::Instant {
        origin.checked_add(self.0).unwrap_or(origin)
    }

    /// `self + duration`, saturating at the largest timestamp.
    #[must_use]
    pub const fn saturating_add(self, duration: Duration) -> Self {
        Timestamp(self.0.saturating_add(duration))
    }

    /// The time from `earlier` to `self`, or zero if `earlier` is later.
    #[must_use]
    pub const fn saturating_duration_since(self, earlier: Timestamp) -> Duration {
        self.0.saturating_sub(earlier.0)
    }
}

impl core::ops::Add<Duration> for Timestamp {
    type Output = Timestamp;

    /// Saturating: never panics.
    fn add(self, duration: Duration) -> Timestamp {
        self.saturating_add(duration)
    }
}
