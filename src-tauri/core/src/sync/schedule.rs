//! When a window syncs on its own: every few minutes while the last sync went
//! through, sooner then less and less often after a failure the network may
//! cure, and not at all after one only a person can cure (a wrong password, a
//! site without the plugin) until they ask. One sync at a time per library.
//! The app runs the timer; these rules decide when it fires.

use std::sync::atomic::{AtomicBool, Ordering};

use crate::error::{Error, Result};

/// Between two syncs that went through.
pub const EVERY_MS: i64 = 5 * 60 * 1000;
/// The first automatic sync after the window opens: soon, but after the
/// window has painted its first view.
pub const AFTER_START_MS: i64 = 10 * 1000;
/// The first retry after a failure; each further one waits twice as long.
pub const FIRST_RETRY_MS: i64 = 30 * 1000;
/// The longest wait between retries.
pub const MAX_RETRY_MS: i64 = 15 * 60 * 1000;

/// When the next automatic sync is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// At this time (unix ms).
    At(i64),
    /// Only when someone asks: the last failure needs a person to act.
    WhenAsked,
}

/// The timer's state: when it fires next, and how many syncs in a row failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    next: Next,
    failures: u32,
}

impl Schedule {
    /// A window opened at `now`.
    pub fn started(now: i64) -> Schedule {
        Schedule {
            next: Next::At(now + AFTER_START_MS),
            failures: 0,
        }
    }

    pub fn next(&self) -> Next {
        self.next
    }

    /// Whether an automatic sync is due at `now`.
    pub fn due(&self, now: i64) -> bool {
        matches!(self.next, Next::At(at) if at <= now)
    }

    /// A sync (automatic or asked for) ended at `now` with `outcome`; says
    /// when the next automatic one is due.
    pub fn finished(&mut self, now: i64, outcome: std::result::Result<(), &Error>) -> Next {
        self.next = match outcome {
            Ok(()) => {
                self.failures = 0;
                Next::At(now + EVERY_MS)
            }
            Err(e) if needs_a_person(e) => {
                self.failures += 1;
                Next::WhenAsked
            }
            Err(_) => {
                self.failures += 1;
                Next::At(now + retry_after(self.failures))
            }
        };
        self.next
    }

    /// The sites changed (one added, a password given again): back to the
    /// ordinary rhythm, whatever failed before.
    pub fn sites_changed(&mut self, now: i64) -> Next {
        self.failures = 0;
        self.next = Next::At(now + EVERY_MS);
        self.next
    }

    /// Syncs in a row that failed.
    pub fn failures(&self) -> u32 {
        self.failures
    }
}

/// How long to wait after the `failures`-th failure in a row (from 1).
pub fn retry_after(failures: u32) -> i64 {
    let doublings = failures.saturating_sub(1).min(20);
    (FIRST_RETRY_MS << doublings).min(MAX_RETRY_MS)
}

/// Failures that trying again cannot cure: a person must give a password, ask
/// for rights, install the plugin or fix the address first.
pub fn needs_a_person(e: &Error) -> bool {
    matches!(
        e,
        Error::BackendCredentials { .. }
            | Error::BackendNotAllowed { .. }
            | Error::NotAValiseSite { .. }
            | Error::NoPassword { .. }
            | Error::BadBackendUrl { .. }
            | Error::BackendNotFound { .. }
    )
}

/// One sync at a time per library: a second one asked for while one runs is
/// refused (`SyncRunning`) instead of racing it for the same outbox.
#[derive(Debug, Default)]
pub struct Gate {
    running: AtomicBool,
}

/// A sync in progress; the gate opens again when it is dropped, however the
/// sync ended.
#[derive(Debug)]
pub struct Running<'g> {
    gate: &'g Gate,
}

impl Gate {
    pub fn enter(&self) -> Result<Running<'_>> {
        if self.running.swap(true, Ordering::AcqRel) {
            return Err(Error::SyncRunning);
        }
        Ok(Running { gate: self })
    }

    pub fn is_running(&self) -> bool {
        self.running.load(Ordering::Acquire)
    }
}

impl Drop for Running<'_> {
    fn drop(&mut self) {
        self.gate.running.store(false, Ordering::Release);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_795_000_000_000;

    fn unreachable() -> Error {
        Error::BackendUnreachable {
            backend: "the site example.org".into(),
            reason: "connection refused".into(),
        }
    }

    #[test]
    fn the_first_sync_is_due_shortly_after_the_window_opens() {
        let s = Schedule::started(NOW);
        assert!(!s.due(NOW));
        assert!(!s.due(NOW + AFTER_START_MS - 1));
        assert!(s.due(NOW + AFTER_START_MS));
    }

    #[test]
    fn after_a_sync_that_went_through_the_next_is_a_few_minutes_later() {
        let mut s = Schedule::started(NOW);
        assert_eq!(s.finished(NOW, Ok(())), Next::At(NOW + EVERY_MS));
        assert!(!s.due(NOW + EVERY_MS - 1));
        assert!(s.due(NOW + EVERY_MS));
    }

    #[test]
    fn retries_after_network_failures_wait_twice_as_long_each_time_up_to_a_limit() {
        let mut s = Schedule::started(NOW);
        let e = unreachable();
        let waits: Vec<i64> = (0..8)
            .map(|_| match s.finished(NOW, Err(&e)) {
                Next::At(at) => at - NOW,
                Next::WhenAsked => panic!("a network failure is retried"),
            })
            .collect();
        assert_eq!(
            waits,
            [30_000, 60_000, 120_000, 240_000, 480_000, 900_000, 900_000, 900_000]
        );
        assert_eq!(s.failures(), 8);
        // One that goes through brings back the ordinary rhythm.
        assert_eq!(s.finished(NOW, Ok(())), Next::At(NOW + EVERY_MS));
        assert_eq!(s.failures(), 0);
    }

    #[test]
    fn a_failure_only_a_person_can_cure_waits_until_asked() {
        let mut s = Schedule::started(NOW);
        let wrong = Error::BackendCredentials {
            backend: "the site example.org".into(),
        };
        assert_eq!(s.finished(NOW, Err(&wrong)), Next::WhenAsked);
        assert!(!s.due(NOW + 10 * MAX_RETRY_MS));
        // The password given again: the timer runs again.
        assert_eq!(s.sites_changed(NOW), Next::At(NOW + EVERY_MS));
        assert!(s.due(NOW + EVERY_MS));
    }

    #[test]
    fn retry_after_never_overflows() {
        assert_eq!(retry_after(u32::MAX), MAX_RETRY_MS);
        assert_eq!(retry_after(0), FIRST_RETRY_MS);
    }

    #[test]
    fn a_second_sync_is_refused_while_one_runs_and_allowed_after() {
        let gate = Gate::default();
        let running = gate.enter().unwrap();
        assert!(gate.is_running());
        assert!(matches!(gate.enter(), Err(Error::SyncRunning)));
        drop(running);
        assert!(!gate.is_running());
        assert!(gate.enter().is_ok());
    }
}
