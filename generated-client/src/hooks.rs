//! The hooks progenitor runs around every generated method: authenticate and route the request
//! (`pre`), then send it with retries inside one tracing span (`exec`).

use std::time::Instant;

use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};
use reqwest::header::{AUTHORIZATION, HeaderName};
use reqwest::{Request, Response};
use tracing::{Instrument, Level, field};

use crate::config::Credentials;
use crate::generated::operations::{operation_idempotent, operation_security, operation_server};
use crate::retry::{next_copy, retry_delay};
use crate::{Client, ClientState};

/// HeyGen's API key header.
static API_KEY_HEADER: HeaderName = HeaderName::from_static("x-api-key");
/// progenitor adds `api-version: <info.version>` to every request; HeyGen has no use for it.
static API_VERSION_HEADER: HeaderName = HeaderName::from_static("api-version");

impl ClientHooks<ClientState> for Client {
    async fn pre<E>(&self, request: &mut Request, info: &OperationInfo) -> Result<(), progenitor_client::Error<E>> {
        let state = self.inner();
        if !operation_security(info.operation_id).contains(&state.credentials.scheme()) {
            return Err(progenitor_client::Error::InvalidRequest(format!(
                "this operation does not accept a {}; build the client with an API key",
                state.credentials.describe()
            )));
        }
        let server = operation_server(info.operation_id);
        if server != 0 {
            let rerouted = request.url().as_str().replacen(self.baseurl(), &state.base_urls[server], 1);
            *request.url_mut() =
                reqwest::Url::parse(&rerouted).map_err(|e| progenitor_client::Error::InvalidRequest(e.to_string()))?;
        }
        let headers = request.headers_mut();
        headers.remove(&API_VERSION_HEADER);
        match &state.credentials {
            Credentials::ApiKey(key) => headers.insert(API_KEY_HEADER.clone(), key.clone()),
            Credentials::SessionToken(bearer) => headers.insert(AUTHORIZATION, bearer.clone()),
        };
        Ok(())
    }

    async fn exec(&self, request: Request, info: &OperationInfo) -> reqwest::Result<Response> {
        let span = tracing::info_span!(
            "heygen.request",
            operation = info.operation_id,
            method = %request.method(),
            path = request.url().path(),
            attempt = field::Empty,
            status = field::Empty,
            duration_ms = field::Empty,
        );
        send(self, request, info.operation_id).instrument(span).await
    }
}

/// Sends `request`, and again while the retry policy allows and it is safe.
async fn send(client: &Client, mut request: Request, operation: &'static str) -> reqwest::Result<Response> {
    let state = client.inner();
    let idempotent = operation_idempotent(operation);
    let started = Instant::now();
    let span = tracing::Span::current();
    let mut attempt = 1;
    loop {
        span.record("attempt", attempt);
        trace_body("request body", request.body().and_then(|b| b.as_bytes()), state);
        let copy = next_copy(&state.retry, &request, attempt);
        let result = client.client().execute(request).await;
        let delay = copy.as_ref().and_then(|_| retry_delay(&state.retry, &result, idempotent, attempt));
        match (copy, delay) {
            (Some(copy), Some(delay)) => {
                match &result {
                    Ok(response) => tracing::warn!(status = response.status().as_u16(), ?delay, "retrying"),
                    Err(error) => tracing::warn!(%error, ?delay, "retrying"),
                }
                tokio::time::sleep(delay).await;
                request = copy;
                attempt += 1;
            }
            _ => {
                span.record("duration_ms", started.elapsed().as_millis() as u64);
                let response = result.inspect_err(|error| tracing::debug!(%error, "request failed"))?;
                span.record("status", response.status().as_u16());
                tracing::debug!("response received");
                return trace_response(response, state).await;
            }
        }
    }
}

/// At trace level only, logs a body with secrets taken out.
fn trace_body(what: &str, body: Option<&[u8]>, state: &ClientState) {
    if let Some(body) = body.filter(|_| tracing::enabled!(Level::TRACE)) {
        tracing::trace!(body = %crate::redact::redact(body, state), "{what}");
    }
}

/// At trace level, reads the response to log its body, then hands on an identical response.
async fn trace_response(response: Response, state: &ClientState) -> reqwest::Result<Response> {
    if !tracing::enabled!(Level::TRACE) {
        return Ok(response);
    }
    let mut rebuilt = http::Response::builder().status(response.status()).version(response.version());
    if let Some(headers) = rebuilt.headers_mut() {
        headers.extend(response.headers().clone());
    }
    let bytes = response.bytes().await?;
    trace_body("response body", Some(&bytes), state);
    Ok(Response::from(rebuilt.body(bytes).expect("status, version and headers come from a valid response")))
}
