//! The integration tests of the generator and of the generated clients, one module per concern,
//! in one test binary: each binary links both generated clients again, so one binary instead of
//! one per file saves that link and its disk. Only tests that need a process of their own live in
//! another binary (`memory/`: a counting global allocator must see no other test's allocations).
//! Shared helpers that are not part of the `heygen-tests` library are in `support`.

mod support;

mod bad_specs;
mod client;
mod contract;
mod corpus;
mod diff;
mod examples;
mod faults;
mod generated_code;
mod goldens;
mod http_client;
mod logging;
mod mock_stubs;
mod model;
mod openapi31;
mod overhead;
mod properties;
mod runtime;
mod streaming;
mod tidy;
mod v3_assets;
mod v3_batches;
mod v3_conformance;
mod v3_drift;
mod v3_errors;
mod v3_examples;
mod v3_faults;
mod v3_fidelity;
mod v3_idempotency;
mod v3_uploads;
mod v3_webhooks;
mod v3_workflows;
mod webhook_events;
mod wire;
mod wire_targeted;
mod workflows;
