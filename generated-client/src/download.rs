//! Fetching the files HeyGen links to (subtitles, captions): its replies carry signed links,
//! not the files, and callers usually want the text.

use tracing::Instrument;

use crate::envelope::Reported;
use crate::error::ApiError;
use crate::reply::{kept_body, request_id};
use crate::retry::retry_after;
use crate::send::{Call, Failure, send};
use crate::trace::span;
use crate::url::without_query;
use progenitor_client::ClientInfo;

use crate::{Client, Error};

impl Client {
    /// The text at `url`, a signed link from a HeyGen reply (an SRT or caption file). The link
    /// carries its own authorization, so no credentials are sent with it.
    ///
    /// It goes through the same runtime as every operation: retried on transient failures (it
    /// is a GET), one `heygen.request` span, the client's body limit
    /// ([`Error::BodyTooLarge`]), and errors and logs that never show the link's query string,
    /// where its signature is.
    pub async fn fetch_text(&self, url: &str) -> Result<String, Error> {
        const OPERATION: &str = "fetch_text";
        let request = self.client().get(url).build().map_err(|e| Error::InvalidRequest {
            operation: OPERATION,
            message: format!("not a URL that can be fetched: {}", without_query(e)),
        })?;
        let call = Call { operation: OPERATION, idempotent: true, keyed: false, deletes: false };
        let response = match send(self.client(), self.inner(), request, call).instrument(span(OPERATION)).await {
            Ok(response) => response,
            Err(Failure::Transport(error)) => return Err(Error::transport(OPERATION, error)),
            Err(Failure::Verdict(error)) => return Err(error),
        };
        let (status, request_id) = (response.status(), request_id(response.headers()));
        let retry_after = retry_after(response.headers());
        let bytes = response.bytes().await.map_err(|e| Error::transport(OPERATION, e))?;
        if !status.is_success() {
            let body = kept_body(&bytes);
            return Err(Error::Api(ApiError::reported(
                OPERATION,
                status,
                Reported::default(),
                request_id,
                body,
                retry_after,
            )));
        }
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }
}
