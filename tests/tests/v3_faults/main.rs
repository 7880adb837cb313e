//! v3 under faults: one test binary, one module per area.

mod batches;
mod uploads;
mod webhooks;

#[path = "../support/fake.rs"]
mod fake;
#[path = "../support/signing.rs"]
mod signing;
