//! The one door between generated code and the hand-written runtime: everything the generated
//! clients call is here, and the facts they hand over are of these types.
//!
//! Internal: hidden from the docs and not covered by semver; callers use [`crate::Client`] and
//! the crate's public items. It is `pub` only so that generated code compiled outside this crate
//! (the generator's golden outputs) reaches the same runtime.
//!
//! It only re-exports: each item lives in the module whose job it is.

pub use crate::call::CallContext;
pub use crate::decode::decode;
pub use crate::facts::{Credential, Host, IdempotencyKey, Operation};
pub use crate::finish::finish;
pub use crate::pagination::{by_cursor, next_cursor};
pub use crate::prepare::pre;
pub use crate::send::exec;
pub use crate::state::ClientState;
pub use crate::waiter::{JobState, reason, text, wait};
