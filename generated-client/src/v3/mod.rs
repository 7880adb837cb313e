//! HeyGen's v3 API, generated from `spec/heygen-v3.yaml`, and its hand-written helpers; the
//! crate root exports it (see the crate's docs).

#[allow(dead_code, missing_docs, clippy::all)]
#[rustfmt::skip] // formatted by prettyplease in `cargo xtask generate`
mod generated;

mod assets;
mod batch;
mod keyed;
mod shapes;
mod upload;

pub use assets::MAX_INLINE_BYTES;
pub use batch::{BatchOutcome, MAX_BATCH_ITEMS};
pub(crate) use generated::operations::SERVERS;
pub use generated::{ByteStream, Client, ResponseValue, params, types};
pub use upload::{
    DirectUploadOptions, MAX_UPLOAD_ASSET_BYTES, PUT_OPERATION, UploadProgress, UploadProgressFn, UploadedAsset,
};

pub mod webhook;

/// The v3 client over `state` and `http`; every v3 client is made here.
pub(crate) fn client_from(state: crate::state::ClientState, http: reqwest::Client) -> Client {
    let api_base = crate::url::base_text(state.base_url(crate::facts::Host::Api)).to_owned();
    Client::new_with_client(&api_base, http, state)
}

/// A reply field a workflow cannot go on without, which HeyGen does not promise (see
/// `docs/v3-required-fields.md`): its absence is an [`Error::Decode`](crate::Error::Decode)
/// naming the field and carrying the reply, so whatever the call created stays visible.
pub(crate) fn needed<T>(
    value: Option<T>,
    operation: &'static str,
    field: &str,
    reply: &impl serde::Serialize,
) -> Result<T, crate::Error> {
    value.ok_or_else(|| {
        // Redacted as logs are: a slot's presigned link must not leak through an error.
        let body = serde_json::to_value(reply)
            .map(|mut value| {
                crate::redact::redact_value(&mut value);
                value.to_string()
            })
            .unwrap_or_default();
        let reason = format!("the reply has no `{field}`, which the next step needs");
        crate::Error::Decode(crate::error::DecodeError::new(operation, reqwest::StatusCode::OK, reason, body))
    })
}
