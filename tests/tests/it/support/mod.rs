//! Helpers the test modules share that need the test-only dependencies (tokio's server side,
//! hmac, tracing-subscriber), so they are not in the `heygen-tests` library.

pub mod fake;
pub mod signing;

use heygen_tests::capture::Captured;

/// A trace-level subscriber on this thread only (other tests in the binary keep theirs), writing
/// into the returned capture while the guard lives.
pub fn trace_subscriber() -> (Captured, tracing::subscriber::DefaultGuard) {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    (captured, tracing::subscriber::set_default(subscriber))
}
