//! What one call of an operation method knows beyond its request, for the error it may end in:
//! the idempotency key it was sent with, and a typed refusal the `pre` hook reached (whose own
//! channel back, progenitor's `Error::InvalidRequest`, carries only text).
//!
//! [`crate::finish::finish`] runs the whole call inside a task-local scope that `pre` writes
//! into, so the key reaches every error of the call (a timeout, a 409, a reply that does not
//! decode) whichever way the key was given: today an argument of the method, the client's own
//! otherwise; tomorrow a builder step would write the same scope.

use std::cell::RefCell;
use std::future::Future;

use crate::Error;

/// What `pre` learnt about the call.
#[derive(Default)]
pub(crate) struct CallContext {
    /// The idempotency key sent with every attempt of the call.
    pub key: Option<String>,
    /// Why `pre` refused to send it, when it was a typed reason.
    pub refusal: Option<Error>,
}

tokio::task_local! {
    static CALL: RefCell<CallContext>;
}

/// Runs `call` in a fresh context; returns its output and what was recorded.
pub(crate) async fn scoped<F: Future>(call: F) -> (F::Output, CallContext) {
    CALL.scope(RefCell::new(CallContext::default()), async {
        let output = call.await;
        (output, CALL.with(RefCell::take))
    })
    .await
}

/// Records the key the call is sent with. Outside a scope (a request sent by hand through the
/// hooks), nothing is recorded.
pub(crate) fn record_key(key: &str) {
    let _ = CALL.try_with(|call| call.borrow_mut().key = Some(key.to_owned()));
}

/// Records why `pre` refuses to send the call.
pub(crate) fn refuse(error: Error) {
    let _ = CALL.try_with(|call| call.borrow_mut().refusal = Some(error));
}
