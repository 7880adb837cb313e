//! v3 under faults (issue 23), one test binary: each module stages one kind of bad day against
//! fakes on 127.0.0.1 and checks the promise `docs/reliability.md` makes about it.

#[path = "../support/fake.rs"]
mod fake;
#[path = "../support/signing.rs"]
mod signing;

mod common;

mod batches;
mod keys;
mod replies;
mod secrets;
mod uploads;
mod waiters;
mod webhooks;
