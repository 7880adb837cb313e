//! HeyGen's legacy v1/v2 API (feature `legacy`): `heygen_client::legacy::Client`, generated from
//! `spec/heygen.yaml`, with its helpers (file uploads, webhook events) and the WebSocket
//! [`streaming`] transport (feature `streaming`).
//!
//! HeyGen retired v1/v2 on 2026-11-01: every method with a v3 successor is `#[deprecated]` and
//! names it, and `docs/migrating-to-v3.md` maps every method. The legacy client shares the v3
//! client's configuration, runtime and [`Error`](crate::Error), so a program can move one call
//! at a time:
//!
//! ```no_run
//! # fn run() -> Result<(), heygen_client::BuildError> {
//! let client = heygen_client::Client::from_env()?; // v3
//! let legacy = client.legacy(); // the same key, hosts, timeouts, retries and pool
//! let back = legacy.v3();
//! # let _ = back;
//! # Ok(())
//! # }
//! ```

// Deprecated methods are called by the helpers that serve them.
#![allow(deprecated)]

#[allow(dead_code, clippy::all, missing_docs)]
#[rustfmt::skip] // formatted by prettyplease in `cargo xtask generate`
mod generated;

#[cfg(feature = "streaming")]
#[cfg_attr(docsrs, doc(cfg(feature = "streaming")))]
pub mod streaming;
mod upload;
pub mod webhook;

#[cfg(test)]
pub(crate) use generated::operations::SERVERS;
pub use generated::{Client, params, types};
pub use upload::asset_content_type;

/// The legacy client over `state` and `http`; every legacy client is made here.
pub(crate) fn client_from(state: crate::state::ClientState, http: reqwest::Client) -> Client {
    let api_base = crate::url::base_text(state.base_url(crate::facts::Host::Api)).to_owned();
    Client::new_with_client(&api_base, http, state)
}

impl Client {
    /// The v3 client with this client's configuration: the same credentials, hosts, timeouts,
    /// retry policy and connection pool. Cheap: nothing is built anew but a handle.
    pub fn v3(&self) -> crate::Client {
        use progenitor_client::ClientInfo;
        crate::v3::client_from(self.inner().clone(), self.client().clone())
    }

    /// The text at `url`, a signed link from a HeyGen reply: [`crate::Client::fetch_text`].
    pub async fn fetch_text(&self, url: &str) -> Result<String, crate::Error> {
        self.v3().fetch_text(url).await
    }

    /// The proofread's subtitles as SRT text: [`Client::download_proofread_srt`], then the file
    /// its link points to.
    pub async fn download_proofread_srt_text(&self, proofread_id: &str) -> Result<String, crate::Error> {
        let srt = self.download_proofread_srt(proofread_id).await?.into_inner().data;
        let link = match srt {
            types::ProofreadSrt::String(url) => Some(url),
            types::ProofreadSrt::ProofreadSrtLink(link) => link.srt_url,
        };
        let link = link.ok_or_else(|| crate::Error::InvalidRequest {
            operation: "download_proofread_srt",
            message: "HeyGen's reply holds no link to the SRT file".into(),
        })?;
        self.fetch_text(&link).await
    }
}

impl crate::Client {
    /// The legacy (v1/v2) client with this client's configuration: the same credentials, hosts,
    /// timeouts, retry policy and connection pool. Cheap: nothing is built anew but a handle.
    pub fn legacy(&self) -> Client {
        use progenitor_client::ClientInfo;
        client_from(self.inner().clone(), self.client().clone())
    }
}
