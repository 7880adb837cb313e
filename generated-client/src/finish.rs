//! What every generated operation method does with progenitor's result: map its error to
//! [`Error`], taking out the verdict the runtime reached (an envelope failure found by
//! `rt::decode`; a redirect or a body over the limit found by the `exec` hook), which travels
//! inside a transport error.

use std::future::Future;

use progenitor_client::ResponseValue;
use reqwest::StatusCode;
use serde::de::DeserializeOwned;

use crate::call::CallContext;
use crate::decode::{Checked, decode_checked};
use crate::envelope::{Reported, parse_error_body};
use crate::error::{ApiError, DecodeError, Error};
use crate::redact::{redact_secret, redact_text};
use crate::reply::{kept_body, request_id};
use crate::retry::retry_after;
use crate::state::ClientState;
use crate::verdict::take_verdict;

/// Called by each generated method with its operation id, its declared success status, the
/// call's context and the call itself (progenitor's method, not yet run, which records its
/// idempotency key in `context`: `call.rs`), so that every error of a keyed call carries the key.
///
/// The call is boxed before anything else, so that the future returned here is small whatever
/// the operation: a caller's future that holds many calls must not grow by each one's size.
pub fn finish<'a, T, F>(
    state: &'a ClientState,
    operation: &'static str,
    success_status: u16,
    context: &'a CallContext,
    call: F,
) -> impl Future<Output = Result<ResponseValue<T>, Error>> + 'a
where
    T: DeserializeOwned + 'a,
    F: Future<Output = Result<ResponseValue<T>, progenitor_client::Error>> + 'a,
{
    let call = Box::pin(call);
    async move {
        let result = call.await;
        let (key, refusal) = context.take();
        if let Some(refusal) = refusal {
            return Err(refusal);
        }
        // The envelope was read with the body by `rt::decode`, for every success type alike.
        match result {
            Ok(value) => Ok(value),
            Err(error) => match convert::<T>(operation, success_status, error).await {
                Ok(value) => Ok(value),
                Err(error) => Err(scrubbed(error, state).with_idempotency_key(key.as_deref())),
            },
        }
    }
}

/// Takes secrets out of the text an error carries, by the logs' rule (`kept_body` has done so for
/// bodies), and the client's own credentials, should a server echo them.
fn scrubbed(mut error: Error, state: &ClientState) -> Error {
    let scrub = |text: &mut String| *text = redact_secret(&redact_text(text), state);
    match &mut error {
        Error::Api(e) => {
            scrub(&mut e.body);
            e.message.iter_mut().for_each(scrub);
            // HeyGen's own fields: its parameter name and its documentation link (whose
            // fragment names the code) hold no reply data, only perhaps an echoed credential.
            e.param.iter_mut().chain(&mut e.doc_url).for_each(|text| *text = redact_secret(text, state));
        }
        Error::Decode(e) => {
            scrub(&mut e.body);
            scrub(&mut e.reason);
        }
        _ => {}
    }
    error
}

/// progenitor's error as the crate's; a 2xx other than the declared one whose body decodes as
/// the success type is a success after all (the declared status is the spec's guess, and
/// HeyGen has acted: an error there would make a caller pay twice for a retried create).
async fn convert<T: DeserializeOwned>(
    operation: &'static str,
    success_status: u16,
    error: progenitor_client::Error,
) -> Result<ResponseValue<T>, Error> {
    use progenitor_client::Error as P;
    let transport = |source| Error::transport(operation, source);
    let status = StatusCode::from_u16(success_status).unwrap_or(StatusCode::OK);
    Err(match error {
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
            _ => Error::Decode(DecodeError::new(operation, status, e.to_string(), kept_body(&bytes))),
        },
        // Every status the spec does not declare as success. The `exec` hook has read its body
        // already (at most what an error keeps), so it is at hand.
        P::UnexpectedResponse(response) => {
            let status = response.status();
            let headers = response.headers().clone();
            let request_id = request_id(&headers);
            let retry_after = retry_after(&headers);
            if status.is_success() {
                // The `exec` hook read the whole body (up to the client's limit); its envelope and
                // then the success type decide.
                let bytes = match response.bytes().await {
                    Ok(bytes) => bytes,
                    Err(e) => return Err(transport(e)),
                };
                return match decode_checked::<T>(&bytes) {
                    Checked::Decoded(value) => Ok(ResponseValue::new(value, status, headers)),
                    Checked::Failure(reported) => Err(Error::Api(ApiError::reported(
                        operation,
                        status,
                        reported,
                        request_id,
                        kept_body(&bytes),
                        None,
                    ))),
                    Checked::Invalid(e) => {
                        let reason = format!("status {status} (the spec declares {success_status}): {e}");
                        Err(Error::Decode(DecodeError::new(operation, status, reason, kept_body(&bytes))))
                    }
                };
            }
            let bytes = match read_capped(response).await {
                Ok(bytes) => bytes,
                Err(e) => return Err(transport(e)),
            };
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
    })
}

/// A 200 error body's code is a failure unless it is HeyGen's success code.
fn is_failure(code: &Option<crate::error::ErrorCode>) -> bool {
    !matches!(code, Some(crate::error::ErrorCode::Int64(crate::envelope::SUCCESS_CODE)))
}

/// Reads at most what an error keeps (the `exec` hook has already bounded it).
async fn read_capped(mut response: reqwest::Response) -> Result<Vec<u8>, reqwest::Error> {
    let mut bytes = Vec::new();
    while bytes.len() < crate::reply::MAX_KEPT_BODY {
        match response.chunk().await? {
            Some(chunk) => bytes.extend_from_slice(&chunk),
            None => break,
        }
    }
    Ok(bytes)
}
