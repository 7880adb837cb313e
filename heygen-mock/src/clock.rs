//! The fake's clock: time a test moves by hand, optionally running on its own at a multiple of
//! wall time. Jobs, idempotency windows and timestamps all read it; nothing in the fake sleeps
//! on it.

use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// How the fake's clock moves on its own, besides [`FakeHeyGen::advance`](crate::FakeHeyGen::advance).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Pace {
    /// Only when the test advances it: a job stays `pending` until the test says otherwise.
    Manual,
    /// With wall time, `factor` fake seconds per real second (1.0 is real time; 60.0 turns a
    /// minute's render into a second). The test can still advance it further.
    Wall(f64),
}

pub(crate) struct Clock {
    /// The Unix time (seconds) the fake's clock started at: timestamps look like today's.
    epoch_unix: i64,
    started: Instant,
    pace: Pace,
    advanced: Mutex<Duration>,
}

impl Clock {
    pub(crate) fn new(pace: Pace) -> Self {
        let epoch_unix = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64);
        Self { epoch_unix, started: Instant::now(), pace, advanced: Mutex::new(Duration::ZERO) }
    }

    /// Fake time since the fake started.
    pub(crate) fn now(&self) -> Duration {
        let advanced = *self.advanced.lock().unwrap_or_else(|p| p.into_inner());
        match self.pace {
            Pace::Manual => advanced,
            Pace::Wall(factor) => {
                let factor = if factor.is_finite() && factor > 0.0 { factor } else { 1.0 };
                // `mul_f64` panics on overflow; a huge pace saturates instead.
                let run = Duration::try_from_secs_f64(self.started.elapsed().as_secs_f64() * factor);
                advanced.saturating_add(run.unwrap_or(Duration::MAX))
            }
        }
    }

    pub(crate) fn advance(&self, by: Duration) {
        let mut advanced = self.advanced.lock().unwrap_or_else(|p| p.into_inner());
        *advanced = advanced.saturating_add(by);
    }

    /// The Unix time (seconds) of fake time `at`.
    pub(crate) fn unix(&self, at: Duration) -> i64 {
        self.epoch_unix.saturating_add(at.as_secs().min(i64::MAX as u64) as i64)
    }

    /// Fake time `at` as an RFC 3339 UTC time, as HeyGen writes `created_at` of endpoints and events.
    pub(crate) fn rfc3339(&self, at: Duration) -> String {
        // Clamped to the last second RFC 3339 can write (9999-12-31T23:59:59Z), so a clock
        // advanced by centuries still gives a valid time.
        let unix = u64::try_from(self.unix(at)).unwrap_or(0).min(253_402_300_799);
        humantime::format_rfc3339_seconds(UNIX_EPOCH + Duration::from_secs(unix)).to_string()
    }
}
