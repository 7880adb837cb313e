//! Waiting for HeyGen's background jobs; the generated `wait_for_<job>` methods call [`wait`]
//! with a closure that polls the job's status once.

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use serde_json::Value;

use crate::Error;

/// How long and how often to poll.
#[derive(Clone)]
pub struct WaitOptions {
    /// Give up after this long with [`Error::WaitTimeout`] (default 30 minutes).
    pub timeout: Duration,
    /// Wait before the second poll; it grows by half with each poll (default 5 s). Never less
    /// than [`MIN_POLL_INTERVAL`]; a 429's `Retry-After` replaces it for the poll that follows.
    pub interval: Duration,
    /// The longest wait between polls (default 30 s).
    pub max_interval: Duration,
    /// Called after every poll with the job's state.
    pub progress: Option<ProgressFn>,
}

/// A progress callback, shared by clones of [`WaitOptions`].
pub type ProgressFn = Arc<dyn Fn(&Progress<'_>) + Send + Sync>;

impl Default for WaitOptions {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(30 * 60),
            interval: Duration::from_secs(5),
            max_interval: Duration::from_secs(30),
            progress: None,
        }
    }
}

impl WaitOptions {
    /// These options, with `progress` called after every poll.
    pub fn on_progress(mut self, progress: impl Fn(&Progress<'_>) + Send + Sync + 'static) -> Self {
        self.progress = Some(Arc::new(progress));
        self
    }
}

impl fmt::Debug for WaitOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WaitOptions")
            .field("timeout", &self.timeout)
            .field("interval", &self.interval)
            .field("max_interval", &self.max_interval)
            .field("progress", &self.progress.as_ref().map(|_| "Fn"))
            .finish()
    }
}

/// A job's state after one poll, for progress callbacks.
#[derive(Debug)]
pub struct Progress<'a> {
    /// The status operation polled (`get_video_status`, ...).
    pub operation: &'static str,
    /// The state as HeyGen names it (`processing`, `pending`, ...).
    pub status: &'a str,
    /// Polls so far, this one included.
    pub polls: u32,
    /// Time since the wait began.
    pub elapsed: Duration,
}

/// The shortest wait between polls, whatever `WaitOptions::interval` says: `0` would poll in a
/// tight loop.
pub const MIN_POLL_INTERVAL: Duration = Duration::from_millis(100);

/// Polls in a row whose reply has no status before a wait ends with [`Error::MissingStatus`]:
/// a job whose state cannot be read is not waited on to the deadline.
pub const MAX_POLLS_WITHOUT_STATUS: u32 = 5;

/// What one poll found.
pub enum JobState {
    /// Not done yet: poll again.
    Running,
    /// Done: the wait returns the result.
    Succeeded,
    /// With HeyGen's reason, when it gave one.
    Failed(Option<String>),
    /// Waiting for the caller to act; it will not end by itself.
    NeedsAction,
}

/// Polls until the job succeeds (its result), fails ([`Error::JobFailed`]) or `options.timeout`
/// passes ([`Error::WaitTimeout`]).
///
/// The deadline bounds everything: each poll is raced against it (a hanging poll is abandoned
/// when it passes) and the sleeps between polls end at it. A poll that fails in a way that may
/// pass (a timeout, a lost connection, a 429 or a 5xx from HeyGen or a proxy in front of it) is
/// logged and tried again at the next interval; any other error (4xx, a reply that does not
/// decode, a job HeyGen reports failed) ends the wait. A 429's `Retry-After` is honoured: the
/// next poll waits that long, or the wait ends at once with the 429 when the pause would pass
/// the deadline. Polls are at least [`MIN_POLL_INTERVAL`] apart, and a reply without a status
/// [`MAX_POLLS_WITHOUT_STATUS`] times in a row ends the wait with [`Error::MissingStatus`]. Any
/// `WaitOptions` is accepted: the arithmetic saturates rather than overflowing.
pub async fn wait<T, F, Fut>(operation: &'static str, options: &WaitOptions, mut poll: F) -> Result<T, Error>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<(String, JobState, T), Error>>,
{
    let started = tokio::time::Instant::now();
    // A timeout too large to add means no deadline in practice: about a century.
    let deadline = started.checked_add(options.timeout).unwrap_or_else(|| far_future(started));
    let floor = MIN_POLL_INTERVAL;
    let mut interval = options.interval.max(floor);
    let mut status = String::new();
    let mut without_status = 0;
    let timed_out =
        |status: &str| Error::WaitTimeout { operation, status: status.to_owned(), waited: started.elapsed() };
    for polls in 1u32.. {
        // When HeyGen asked for a pause (a 429's `Retry-After`), the next poll waits for it.
        let mut asked = None;
        match tokio::time::timeout_at(deadline, poll()).await {
            Err(_) => return Err(timed_out(&status)),
            Ok(Err(error)) if is_transient(&error) => {
                asked = retry_after(&error);
                if let Some(wait) = asked
                    && tokio::time::Instant::now().checked_add(wait).is_none_or(|at| at > deadline)
                {
                    // The server's pause outlasts the wait: its error says when to come back.
                    return Err(error);
                }
                tracing::warn!(%error, polls, "a poll failed; trying again at the next interval");
            }
            Ok(Err(error)) => return Err(error),
            Ok(Ok((now, state, result))) => {
                status = now;
                if let Some(progress) = &options.progress {
                    progress(&Progress { operation, status: &status, polls, elapsed: started.elapsed() });
                }
                match state {
                    JobState::Succeeded => return Ok(result),
                    JobState::Failed(reason) => return Err(Error::JobFailed { operation, status, reason }),
                    JobState::NeedsAction => return Err(Error::JobNeedsAction { operation, status }),
                    JobState::Running => {}
                }
                without_status = if status.is_empty() { without_status + 1 } else { 0 };
                if without_status >= MAX_POLLS_WITHOUT_STATUS {
                    return Err(Error::MissingStatus { operation, polls: without_status });
                }
            }
        }
        let now = tokio::time::Instant::now();
        if now >= deadline {
            return Err(timed_out(&status));
        }
        let pause = asked.map_or(interval, |wait| wait.max(floor));
        let wake = now.checked_add(pause).map_or(deadline, |at| at.min(deadline));
        tokio::time::sleep_until(wake).await;
        interval = interval.saturating_add(interval / 2).min(options.max_interval.max(floor)).max(floor);
    }
    Err(timed_out(&status))
}

/// The pause HeyGen asked for in a rate-limit reply.
fn retry_after(error: &Error) -> Option<Duration> {
    match error {
        Error::Api(e) => e.retry_after,
        _ => None,
    }
}

fn far_future(from: tokio::time::Instant) -> tokio::time::Instant {
    from + Duration::from_secs(100 * 365 * 24 * 60 * 60)
}

/// Failures that a later poll may not meet.
fn is_transient(error: &Error) -> bool {
    match error {
        Error::Timeout { .. } | Error::Connection { .. } => true,
        Error::Api(e) => e.status.is_server_error() || e.status == reqwest::StatusCode::TOO_MANY_REQUESTS,
        _ => false,
    }
}

/// A status field as text, whatever its type (an enum, an optional enum, a string).
pub fn text(status: &impl Serialize) -> String {
    match serde_json::to_value(status) {
        Ok(Value::String(text)) => text,
        Ok(Value::Null) | Err(_) => String::new(),
        Ok(other) => other.to_string(),
    }
}

/// A failure reason as text: a string as it is, an object by its message and code.
pub fn reason(field: &impl Serialize) -> Option<String> {
    match serde_json::to_value(field).ok()? {
        Value::Null => None,
        Value::String(text) if text.is_empty() => None,
        Value::String(text) => Some(text),
        Value::Object(map) => {
            let text = |key: &str| {
                map.get(key).filter(|v| !v.is_null()).map(|v| v.as_str().map_or(v.to_string(), str::to_owned))
            };
            let message = text("message").or_else(|| text("detail")).or_else(|| text("msg"));
            match (text("code"), message) {
                (Some(code), Some(message)) => Some(format!("{message} (code {code})")),
                (code, message) => message.or(code),
            }
        }
        other => Some(other.to_string()),
    }
}
