//! The memory tests, in a test binary of their own: a counting global allocator records the
//! peak of the process's live heap bytes, so no other test may allocate while one measures. The
//! tests here take turns ([`alone`]); the other integration tests are in `it/`.

mod counting_alloc;
// Shared with `it/`, whose `support` module it belongs to.
#[path = "../it/support/fake.rs"]
mod fake;

mod faults_memory;
mod request_memory;
mod v3_upload_memory;

use std::future::Future;
use std::sync::{Mutex, PoisonError};

/// Runs `test` on a runtime of its own while no other test of this binary runs: the lock is
/// taken before the runtime is built, so a waiting test has allocated nothing yet.
fn alone<F: Future>(test: F) -> F::Output {
    static TURN: Mutex<()> = Mutex::new(());
    // A test that failed while holding the turn leaves nothing behind that matters here.
    let _turn = TURN.lock().unwrap_or_else(PoisonError::into_inner);
    tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime").block_on(test)
}
