//! Every path of heygen-client this crate uses, in one place: when the client's public surface
//! moves (the v3 client becoming the crate's root `Client`), only this module changes.

pub use heygen_client::webhook;
pub use heygen_client::webhook::{EVENT_ID_HEADER, SIGNATURE_HEADERS, TIMESTAMP_HEADER, sign};
pub use heygen_client::{Client, DirectUploadOptions, Error, MAX_UPLOAD_ASSET_BYTES, WaitOptions, params, types};

/// A client of the v3 API at `base_url` (a [`FakeHeyGen`](crate::FakeHeyGen)'s
/// [`url`](crate::FakeHeyGen::url)) with `api_key`, and the client's defaults otherwise.
pub fn client(base_url: &str, api_key: &str) -> Client {
    let builder = Client::builder().api_key(api_key).base_url(base_url).upload_base_url(base_url);
    // A loopback http:// base URL is accepted without `allow_insecure_http`; nothing else here fails.
    builder.build().expect("a client for the fake's loopback URL")
}

/// The header a signed delivery carries its signature in (`Heygen-Signature`).
pub(crate) fn signature_header() -> &'static str {
    SIGNATURE_HEADERS.iter().copied().find(|h| h.starts_with("heygen")).unwrap_or(SIGNATURE_HEADERS[0])
}
