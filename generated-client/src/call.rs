//! What one call of an operation method knows beyond its request, for the error it may end in:
//! the idempotency key it was sent with, and a typed refusal the `pre` hook reached (whose own
//! channel back, progenitor's `Error::InvalidRequest`, carries only text).
//!
//! Each generated method makes one [`CallContext`] and lends it to its raw method, whose `pre`
//! writes into it, and to [`crate::finish::finish`], which reads it once the call has ended; so
//! the key reaches every error of the call (a timeout, a 409, a reply that does not decode)
//! whichever way the key was given: today an argument of the method, the client's own otherwise.
//! (A task-local scope did this before; tokio moved it in and out of its slot at every poll.)

use std::sync::Mutex;

use crate::Error;

/// What `pre` learnt about one call. Internal: made by generated methods.
#[doc(hidden)]
#[derive(Default)]
pub struct CallContext {
    /// A mutex rather than a cell so that a call's future stays `Send`; nothing contends for it.
    recorded: Mutex<Recorded>,
}

#[derive(Default)]
struct Recorded {
    /// The idempotency key sent with every attempt of the call.
    key: Option<String>,
    /// Why `pre` refused to send it, when it was a typed reason.
    refusal: Option<Error>,
}

impl CallContext {
    /// Records the key the call is sent with.
    pub(crate) fn record_key(&self, key: &str) {
        if let Ok(mut recorded) = self.recorded.lock() {
            recorded.key = Some(key.to_owned());
        }
    }

    /// Records why `pre` refuses to send the call.
    pub(crate) fn refuse(&self, error: Error) {
        if let Ok(mut recorded) = self.recorded.lock() {
            recorded.refusal = Some(error);
        }
    }

    /// What was recorded: the key and the refusal, taken out.
    pub(crate) fn take(&self) -> (Option<String>, Option<Error>) {
        match self.recorded.lock() {
            Ok(mut recorded) => (recorded.key.take(), recorded.refusal.take()),
            Err(_) => (None, None),
        }
    }
}
