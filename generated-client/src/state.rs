//! What a built client carries beside its reqwest client ([`ClientState`]): its credentials,
//! the base URL of each host, its retry and body-limit settings. The builder (`config.rs`) makes
//! it; the hooks and helpers read it. It knows nothing of either, so both can depend on it.

use std::fmt;
use std::time::Duration;

use reqwest::header::{HeaderValue, USER_AGENT};

use crate::facts::{Credential, Host};
use crate::retry::{InProgressPolicy, RetryPolicy};

/// What the generated [`Client`](crate::Client) carries besides its reqwest client: the credentials and the
/// base URL of each host. Built by [`ClientBuilder`](crate::ClientBuilder); its `Debug` never shows a secret.
/// Internal: it appears in the generated client's constructors, which callers do not use.
#[doc(hidden)]
#[derive(Clone)]
pub struct ClientState {
    pub(crate) credentials: Credentials,
    /// Base URL of each [`Host`], indexed by it, parsed and normalised once: lower-case host, no
    /// default port, no trailing slash.
    pub(crate) base_urls: Vec<reqwest::Url>,
    pub(crate) retry: RetryPolicy,
    /// How keyed calls wait out `409 request_in_progress`.
    pub(crate) in_progress: InProgressPolicy,
    /// The largest reply body read, in bytes.
    pub(crate) max_body_bytes: usize,
    /// What each request gets when the reqwest client is the caller's, which cannot be
    /// configured after it was built.
    pub(crate) caller_http: Option<CallerHttp>,
    /// The key keyed calls are sent with ([`Client::with_idempotency_key`](crate::Client::with_idempotency_key)), checked; `None`
    /// gives each call a fresh one.
    pub(crate) idempotency_key: Option<String>,
}

impl fmt::Debug for ClientState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientState")
            .field("credentials", &self.credentials)
            .field("base_urls", &self.base_urls.iter().map(reqwest::Url::as_str).collect::<Vec<_>>())
            .field("retry", &self.retry)
            .field("in_progress", &self.in_progress)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("caller_http", &self.caller_http)
            .field("idempotency_key", &self.idempotency_key)
            .finish()
    }
}

/// Per-request settings standing in for those of our own reqwest client, when the caller brought
/// theirs ([`ClientBuilder::http_client`](crate::ClientBuilder::http_client)).
#[derive(Clone, Debug)]
pub(crate) struct CallerHttp {
    /// Ours, unless the caller's client sends its own.
    pub(crate) user_agent: Option<HeaderValue>,
    /// [`ClientBuilder::timeout`](crate::ClientBuilder::timeout), per attempt.
    pub(crate) timeout: Duration,
}

impl CallerHttp {
    pub(crate) fn apply(&self, request: &mut reqwest::Request) {
        if let Some(agent) = &self.user_agent {
            request.headers_mut().entry(USER_AGENT).or_insert_with(|| agent.clone());
        }
        // A request that set its own (a large upload's) keeps it, as it would on our own client.
        request.timeout_mut().get_or_insert(self.timeout);
    }
}

impl ClientState {
    /// The base URL of `host`.
    pub(crate) fn base_url(&self, host: Host) -> &reqwest::Url {
        &self.base_urls[host as usize]
    }

    /// Whether `url` is on one of the client's hosts (scheme, host and port all equal): the only
    /// places its credentials may go.
    pub(crate) fn is_own_origin(&self, url: &reqwest::Url) -> bool {
        // The parts `Url::origin` compares for http(s), the only schemes a base URL has, without
        // the two owned origins per host it would build for every request. (A `blob:` URL,
        // whose origin is its inner URL's, is refused here rather than matched.)
        let same = |base: &reqwest::Url| {
            base.scheme() == url.scheme()
                && base.host() == url.host()
                && base.port_or_known_default() == url.port_or_known_default()
        };
        self.base_urls.iter().any(same)
    }
}

/// How requests are authenticated. Each variant matches a security scheme of the spec.
#[derive(Clone)]
pub(crate) enum Credentials {
    /// `X-Api-Key: <key>`, the spec's `apiKey` scheme: accepted by every operation.
    ApiKey(HeaderValue),
    /// `Authorization: Bearer <token>`, the spec's `sessionToken` scheme: a short-lived token from
    /// `create_streaming_session_token`, accepted by the streaming session calls.
    SessionToken(HeaderValue),
}

impl Credentials {
    /// The kind of credential these are, as the generated operation facts name them.
    pub(crate) fn credential(&self) -> Credential {
        match self {
            Credentials::ApiKey(_) => Credential::ApiKey,
            Credentials::SessionToken(_) => Credential::Bearer,
        }
    }

    /// What these credentials are, in words.
    pub(crate) fn describe(&self) -> &'static str {
        match self {
            Credentials::ApiKey(_) => "API key",
            Credentials::SessionToken(_) => "session token",
        }
    }

    /// The secret itself, for taking it out of logged text.
    pub(crate) fn secret(&self) -> Option<&str> {
        match self {
            Credentials::ApiKey(value) => value.to_str().ok(),
            Credentials::SessionToken(value) => value.to_str().ok()?.strip_prefix("Bearer "),
        }
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}(<redacted>)", self.credential())
    }
}
