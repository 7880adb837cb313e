//! Emit: code written from the model and the bound progenitor items, beside progenitor's own.
//!
//! - [`facts`]: the per-operation facts the hand-written runtime acts on (host, credentials,
//!   idempotency), and the hooks that hand it every request;
//! - [`workflows`]: `wait_for_*` and `*_stream` methods from `x-waiter` and `x-pagination`;
//! - [`params`]: parameter structs for operations with many optional arguments, and
//!   constructors for request bodies with required fields;
//! - [`calls`]: the test drivers' dispatch table from `operationId` to a typed call;
//! - [`stubs`]: `heygen-mock`'s typed stubs, one per operation;
//! - [`surface`]: the API listing reviewers see;
//! - [`migration`]: the v1/v2-to-v3 migration guide, from `x-replaced-by`.

pub mod calls;
pub mod facts;
pub mod migration;
pub mod params;
pub mod stubs;
pub mod surface;
pub mod workflows;
