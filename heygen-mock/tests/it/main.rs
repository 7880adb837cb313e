//! heygen-mock's integration tests, one module per concern, in one test binary: each binary
//! links heygen-client again, so one binary instead of one per file saves that link and its disk.

mod common;

mod binary;
mod faults;
mod idempotency;
mod jobs;
mod paging;
mod routes;
mod stubs;
mod uploads;
mod user_story;
mod webhooks;
