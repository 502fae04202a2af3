//! Retry and Catch: which retrier or catcher applies to an error, and how long to wait.
//!
//! Retriers are scanned in order and the first whose `ErrorEquals` matches decides: it retries
//! while its own attempt counter is below `MaxAttempts` (so `0` never retries), otherwise retrying
//! stops and the catchers are consulted; later retriers are not tried. The wait before the n-th
//! retry of a retrier is `IntervalSeconds × BackoffRate^(n−1)`, capped by `MaxDelaySeconds`, then,
//! with `JitterStrategy: FULL`, drawn uniformly from `[0, that]`.

use std::time::Duration;

use crate::error::{StatesError, error_equals_matches};
use crate::spec::{Catcher, Jitter, Retrier};

/// What kind of failure an error came from, beyond its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FailureKind {
    /// Anything else.
    #[default]
    Other,
    /// A missed `HeartbeatSeconds` deadline (error name `States.Timeout`).
    Heartbeat,
}

/// Whether an `ErrorEquals` list matches `error`: AWS's rules, plus `States.HeartbeatTimeout`
/// matching a missed heartbeat.
pub fn matches(error_equals: &[&str], error: &StatesError, kind: FailureKind) -> bool {
    error_equals_matches(error_equals, error, kind == FailureKind::Heartbeat)
}

/// The attempt counters of one visit of a state, one per retrier.
#[derive(Debug, Clone, Default)]
pub struct RetryCounters {
    attempts: Vec<u32>,
    total: u32,
}

impl RetryCounters {
    /// Counters for a state with `retriers` retriers, all at zero.
    pub fn new(retriers: usize) -> Self {
        RetryCounters {
            attempts: vec![0; retriers],
            total: 0,
        }
    }

    /// Retries so far in this visit (what `$$.State.RetryCount` shows).
    pub fn total(&self) -> u32 {
        self.total
    }

    /// If a retrier applies to `error` and has attempts left, counts the attempt and returns the
    /// wait before it. `random` gives a uniform number in `[0, 1)` for `FULL` jitter.
    pub fn next_retry(
        &mut self,
        retriers: &[Retrier],
        error: &StatesError,
        kind: FailureKind,
        random: impl FnOnce() -> f64,
    ) -> Option<Duration> {
        let index = retriers
            .iter()
            .position(|r| matches(r.error_equals, error, kind))?;
        let retrier = retriers.get(index)?;
        if self.attempts.len() < retriers.len() {
            self.attempts.resize(retriers.len(), 0);
        }
        let done = self.attempts.get_mut(index)?;
        if u64::from(*done) >= retrier.max_attempts {
            return None;
        }
        *done += 1;
        self.total += 1;
        Some(retrier.delay(*done, random))
    }
}

impl Retrier {
    /// The wait before this retrier's `attempt`-th retry (1-based).
    pub fn delay(&self, attempt: u32, random: impl FnOnce() -> f64) -> Duration {
        let exponent = i32::try_from(attempt.saturating_sub(1)).unwrap_or(i32::MAX);
        let mut seconds = self.interval_seconds as f64 * self.backoff_rate.powi(exponent);
        if let Some(cap) = self.max_delay_seconds {
            seconds = seconds.min(cap as f64);
        }
        if self.jitter == Jitter::Full {
            seconds *= random().clamp(0.0, 1.0);
        }
        // Beyond any execution's lifetime; keeps Duration from overflowing (and from a NaN that
        // a hand-written spec with a NaN backoff rate would produce).
        if seconds.is_nan() {
            return Duration::ZERO;
        }
        Duration::from_secs_f64(seconds.clamp(0.0, 1.0e9))
    }
}

/// The first catcher whose `ErrorEquals` matches `error`.
pub fn find_catcher(catchers: &[Catcher], error: &StatesError, kind: FailureKind) -> Option<usize> {
    catchers
        .iter()
        .position(|c| matches(c.error_equals, error, kind))
}

/// A uniform number in `[0, 1)` from the OS random source (jitter needs no reproducibility).
pub(crate) fn random_unit() -> f64 {
    match getrandom::u64() {
        Ok(bits) => (bits >> 11) as f64 / (1u64 << 53) as f64,
        Err(_) => 1.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn retrier(error_equals: &'static [&'static str], max_attempts: u64) -> Retrier {
        Retrier {
            error_equals,
            interval_seconds: 1,
            max_attempts,
            backoff_rate: 2.0,
            max_delay_seconds: None,
            jitter: Jitter::None,
        }
    }

    fn err(name: &str) -> StatesError {
        StatesError {
            error: Some(name.to_owned()),
            cause: None,
        }
    }

    #[test]
    fn delays_grow_by_the_backoff_rate() {
        let r = Retrier {
            interval_seconds: 3,
            backoff_rate: 1.5,
            ..retrier(&["States.ALL"], 5)
        };
        let waits: Vec<f64> = (1..=4).map(|n| r.delay(n, || 0.5).as_secs_f64()).collect();
        assert_eq!(waits, vec![3.0, 4.5, 6.75, 10.125]);
    }

    #[test]
    fn max_delay_caps_each_wait() {
        let r = Retrier {
            max_delay_seconds: Some(5),
            ..retrier(&["States.ALL"], 10)
        };
        assert_eq!(r.delay(4, || 0.0), Duration::from_secs(5));
    }

    #[test]
    fn full_jitter_scales_the_wait() {
        let r = Retrier {
            interval_seconds: 10,
            jitter: Jitter::Full,
            ..retrier(&["States.ALL"], 3)
        };
        assert_eq!(r.delay(1, || 0.25), Duration::from_millis(2500));
    }

    #[test]
    fn absurd_retrier_numbers_do_not_panic() {
        let r = Retrier {
            backoff_rate: f64::NAN,
            ..retrier(&["States.ALL"], 3)
        };
        assert_eq!(r.delay(2, || 0.5), Duration::ZERO);
        let huge = Retrier {
            interval_seconds: u64::MAX,
            backoff_rate: 1e300,
            ..retrier(&["States.ALL"], 3)
        };
        assert_eq!(
            huge.delay(u32::MAX, || 0.5),
            Duration::from_secs(1_000_000_000)
        );
    }

    #[test]
    fn zero_max_attempts_never_retries() {
        let retriers = [retrier(&["Boom"], 0), retrier(&["States.ALL"], 3)];
        let mut counters = RetryCounters::new(2);
        assert_eq!(
            counters.next_retry(&retriers, &err("Boom"), FailureKind::Other, || 0.0),
            None
        );
    }

    #[test]
    fn each_retrier_counts_its_own_attempts() {
        let retriers = [retrier(&["A"], 1), retrier(&["B"], 1)];
        let mut counters = RetryCounters::new(2);
        let mut next =
            |name| counters.next_retry(&retriers, &err(name), FailureKind::Other, || 0.0);
        assert!(next("A").is_some());
        assert!(next("B").is_some());
        assert!(next("A").is_none());
        assert!(next("B").is_none());
    }

    #[test]
    fn heartbeat_timeout_matches_only_missed_heartbeats() {
        let timeout = err("States.Timeout");
        assert!(matches(
            &["States.HeartbeatTimeout"],
            &timeout,
            FailureKind::Heartbeat
        ));
        assert!(!matches(
            &["States.HeartbeatTimeout"],
            &timeout,
            FailureKind::Other
        ));
        assert!(matches(
            &["States.Timeout"],
            &timeout,
            FailureKind::Heartbeat
        ));
    }
}
