//! What every generated operation method does with progenitor's result: map its error to
//! [`Error`], taking out the verdict the `exec` hook reached (envelope failures, redirects,
//! bodies over the limit), which travels inside a transport error.

use progenitor_client::ResponseValue;
use reqwest::StatusCode;

use crate::ClientState;
use crate::error::{ApiError, DecodeError, Error, Reported, kept_body, parse_error_body, request_id};
use crate::hooks::take_verdict;
use crate::redact::redact_secret;
use crate::retry::retry_after;

/// Called by each generated method with its operation id, its declared success status and
/// progenitor's result.
pub async fn finish<T>(
    state: &ClientState,
    operation: &'static str,
    success_status: u16,
    result: Result<ResponseValue<T>, progenitor_client::Error>,
) -> Result<ResponseValue<T>, Error> {
    // The envelope was checked on the raw body by the `exec` hook, for every success type alike.
    match result {
        Ok(value) => Ok(value),
        Err(error) => Err(scrubbed(convert(operation, success_status, error).await, state)),
    }
}

/// Takes the client's own credentials out of the text an error carries, should a server echo them.
fn scrubbed(mut error: Error, state: &ClientState) -> Error {
    let scrub = |text: &mut String| *text = redact_secret(text, state);
    match &mut error {
        Error::Api(e) => {
            scrub(&mut e.body);
            e.message.iter_mut().chain(&mut e.param).chain(&mut e.doc_url).for_each(scrub);
        }
        Error::Decode(e) => scrub(&mut e.body),
        _ => {}
    }
    error
}

async fn convert(operation: &'static str, success_status: u16, error: progenitor_client::Error) -> Error {
    use progenitor_client::Error as P;
    let transport = |source| Error::transport(operation, source);
    let status = StatusCode::from_u16(success_status).unwrap_or(StatusCode::OK);
    match error {
        P::InvalidRequest(message) | P::Custom(message) => Error::InvalidRequest { operation, message },
        P::CommunicationError(e) | P::ResponseBodyError(e) | P::InvalidUpgrade(e) => match take_verdict(&e) {
            Some(verdict) => verdict,
            None => transport(e),
        },
        // A declared success whose JSON did not decode: a failure envelope with a null `data`,
        // or a body that is not what the spec says.
        P::InvalidResponsePayload(bytes, e) => match parse_error_body(&bytes) {
            Some(reported) if is_failure(&reported.code) => {
                Error::Api(ApiError::reported(operation, status, reported, None, kept_body(&bytes), None))
            }
            _ => Error::Decode(DecodeError { operation, status, reason: e.to_string(), body: kept_body(&bytes) }),
        },
        // Every status the spec does not declare as success. The `exec` hook has read its body
        // already (at most what an error keeps), so it is at hand.
        P::UnexpectedResponse(response) => {
            let status = response.status();
            let request_id = request_id(response.headers());
            let retry_after = retry_after(response.headers());
            let bytes = match read_capped(response).await {
                Ok(bytes) => bytes,
                Err(e) => return transport(e),
            };
            if status.is_success() {
                let reason = format!("status {status} where the spec declares {success_status}");
                return Error::Decode(DecodeError { operation, status, reason, body: kept_body(&bytes) });
            }
            let reported = parse_error_body(&bytes).unwrap_or_default();
            Error::Api(ApiError::reported(operation, status, reported, request_id, kept_body(&bytes), retry_after))
        }
        P::ErrorResponse(response) => Error::Api(ApiError::reported(
            operation,
            response.status(),
            Reported::default(),
            request_id(response.headers()),
            String::new(),
            retry_after(response.headers()),
        )),
    }
}

/// A 200 error body's code is a failure unless it is HeyGen's success code.
fn is_failure(code: &Option<crate::types::ErrorCode>) -> bool {
    !matches!(code, Some(crate::types::ErrorCode::Int64(crate::envelope::SUCCESS_CODE)))
}

/// Reads at most what an error keeps (the `exec` hook has already bounded it).
async fn read_capped(mut response: reqwest::Response) -> Result<Vec<u8>, reqwest::Error> {
    let mut bytes = Vec::new();
    while bytes.len() < crate::error::MAX_KEPT_BODY {
        match response.chunk().await? {
            Some(chunk) => bytes.extend_from_slice(&chunk),
            None => break,
        }
    }
    Ok(bytes)
}
