//! Helpers the test modules share that need the test-only dependencies (tokio's server side,
//! hmac), so they are not in the `heygen-tests` library.

pub mod fake;
pub mod signing;
