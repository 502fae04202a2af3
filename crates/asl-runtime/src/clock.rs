//! Time, for everything that waits.
//!
//! Every wait of an execution (Wait states, retry intervals, heartbeat and task deadlines, the
//! execution's own `TimeoutSeconds`) goes through a [`Clock`], and so do the timestamps of the
//! context object. [`TokioClock`] is built on `tokio::time`, so a test that runs on paused time
//! (`#[tokio::test(start_paused = true)]`) waits hours in microseconds, and exactly.

use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

pub use tokio::time::Instant;

/// A future that completes when a sleep ends.
pub type Sleep = Pin<Box<dyn Future<Output = ()> + Send + 'static>>;

/// The source of time of a [`Runtime`](crate::Runtime).
pub trait Clock: Send + Sync + 'static {
    /// Monotonic time, for deadlines.
    fn instant(&self) -> Instant;
    /// Wall-clock time, for the timestamps of the context object and the history.
    fn now(&self) -> SystemTime;
    /// A future that completes at `deadline` (at once when it has passed).
    fn sleep_until(&self, deadline: Instant) -> Sleep;
    /// A future that completes after `duration`.
    fn sleep(&self, duration: Duration) -> Sleep {
        self.sleep_until(self.instant() + duration)
    }
    /// The wall-clock time of an earlier instant. States note when they were entered as an
    /// [`Instant`] (cheaper to read) and turn it into a timestamp only when `$$` is read.
    fn wall_time(&self, at: Instant) -> SystemTime {
        let now = self.now();
        now.checked_sub(self.instant().saturating_duration_since(at))
            .unwrap_or(now)
    }
}

/// The clock of `tokio::time`. Its wall-clock time is the system time when the clock was created
/// plus the tokio time elapsed since, so it advances with paused time in tests too.
#[derive(Debug, Clone, Copy)]
pub struct TokioClock {
    start_instant: Instant,
    start_wall: SystemTime,
}

impl TokioClock {
    /// A clock starting at the current system time.
    pub fn new() -> Self {
        Self::starting_at(SystemTime::now())
    }

    /// A clock whose wall-clock time starts at `wall` (useful for reproducible timestamps).
    pub fn starting_at(wall: SystemTime) -> Self {
        TokioClock {
            start_instant: Instant::now(),
            start_wall: wall,
        }
    }
}

impl Default for TokioClock {
    fn default() -> Self {
        Self::new()
    }
}

impl Clock for TokioClock {
    fn instant(&self) -> Instant {
        Instant::now()
    }

    fn now(&self) -> SystemTime {
        self.start_wall + self.start_instant.elapsed()
    }

    fn sleep_until(&self, deadline: Instant) -> Sleep {
        Box::pin(tokio::time::sleep_until(deadline))
    }

    fn wall_time(&self, at: Instant) -> SystemTime {
        self.start_wall + at.saturating_duration_since(self.start_instant)
    }
}

/// Formats a time as AWS writes context-object timestamps: RFC 3339 in UTC with milliseconds,
/// e.g. `2024-03-14T01:59:00.123Z`.
pub fn format_timestamp(time: SystemTime) -> String {
    let since = time.duration_since(UNIX_EPOCH).unwrap_or(Duration::ZERO);
    let secs = since.as_secs();
    let millis = since.subsec_millis();
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{millis:03}Z",
        rem / 3600,
        (rem / 60) % 60,
        rem % 60
    )
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_epoch_and_a_leap_day() {
        assert_eq!(format_timestamp(UNIX_EPOCH), "1970-01-01T00:00:00.000Z");
        let leap = UNIX_EPOCH + Duration::from_millis(951_782_400_000 + 3_723_456);
        assert_eq!(format_timestamp(leap), "2000-02-29T01:02:03.456Z");
    }

    #[tokio::test(start_paused = true)]
    async fn wall_clock_follows_paused_time() {
        let clock = TokioClock::starting_at(UNIX_EPOCH);
        clock.sleep(Duration::from_secs(3600)).await;
        assert_eq!(format_timestamp(clock.now()), "1970-01-01T01:00:00.000Z");
    }
}
