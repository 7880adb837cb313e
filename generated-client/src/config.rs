//! Configuration: the API key, the two hosts and timeouts, read from code or the environment.

use std::fmt;
use std::time::Duration;

use reqwest::header::HeaderValue;

use crate::Client;
use crate::generated::operations::SERVERS;
use crate::retry::RetryPolicy;

/// Environment variable holding the API key.
pub const API_KEY_VAR: &str = "HEYGEN_API_KEY";
/// Environment variable overriding the API host (for example a mock server in tests).
pub const BASE_URL_VAR: &str = "HEYGEN_BASE_URL";
/// Environment variable overriding the upload host.
pub const UPLOAD_BASE_URL_VAR: &str = "HEYGEN_UPLOAD_BASE_URL";

/// Overall timeout of one attempt unless the builder sets another: generous, since uploads
/// can be large.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(300);
/// Timeout for opening a connection unless the builder sets another.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// What the generated [`Client`] carries besides its reqwest client: the credentials and the
/// base URL of each of the spec's servers. Built by [`ClientBuilder`]; its `Debug` never shows
/// a secret.
#[derive(Clone)]
pub struct ClientState {
    pub(crate) credentials: Credentials,
    /// Base URL for each entry of [`SERVERS`], in the same order.
    pub(crate) base_urls: Vec<String>,
    pub(crate) retry: RetryPolicy,
}

impl fmt::Debug for ClientState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientState")
            .field("credentials", &self.credentials)
            .field("base_urls", &self.base_urls)
            .field("retry", &self.retry)
            .finish()
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
    /// The name of the spec's security scheme these credentials satisfy.
    pub(crate) fn scheme(&self) -> &'static str {
        match self {
            Credentials::ApiKey(_) => "apiKey",
            Credentials::SessionToken(_) => "sessionToken",
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
        write!(f, "{}(<redacted>)", self.scheme())
    }
}

/// Why a [`Client`] could not be built. Never contains the API key.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error("no credentials: set {API_KEY_VAR}, or call ClientBuilder::api_key or ClientBuilder::session_token")]
    MissingCredentials,
    #[error("the API key or session token is not a valid HTTP header value (it must be visible ASCII)")]
    InvalidCredentials,
    #[error("invalid base URL `{url}`: {reason}")]
    InvalidBaseUrl { url: String, reason: String },
    #[error("cannot build the HTTP client: {0}")]
    Http(#[from] reqwest::Error),
}

/// Builds a [`Client`]: `Client::builder().api_key(key).build()?`.
#[derive(Clone)]
pub struct ClientBuilder {
    credentials: Option<Secret>,
    base_urls: Vec<String>,
    timeout: Duration,
    connect_timeout: Duration,
    retry: RetryPolicy,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("credentials", &self.credentials.as_ref().map(|_| "<redacted>"))
            .field("base_urls", &self.base_urls)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("retry", &self.retry)
            .finish()
    }
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self {
            credentials: None,
            base_urls: SERVERS.iter().map(|s| s.to_string()).collect(),
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            retry: RetryPolicy::default(),
        }
    }
}

impl ClientBuilder {
    /// The API key from the HeyGen app's settings, sent as `X-Api-Key`.
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.credentials = Some(Secret::ApiKey(key.into()));
        self
    }

    /// A streaming session token (from `create_streaming_session_token`), sent as
    /// `Authorization: Bearer`. Such a client can drive streaming sessions without the API key;
    /// other operations refuse to run before sending anything. Replaces any API key.
    pub fn session_token(mut self, token: impl Into<String>) -> Self {
        self.credentials = Some(Secret::SessionToken(token.into()));
        self
    }

    /// Base URL of the API host (default `https://api.heygen.com`).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_urls[0] = url.into();
        self
    }

    /// Base URL of the upload host (default `https://upload.heygen.com`).
    pub fn upload_base_url(mut self, url: impl Into<String>) -> Self {
        self.base_urls[1] = url.into();
        self
    }

    /// Overall timeout of each attempt, from connecting to the last byte of the reply (default
    /// [`DEFAULT_TIMEOUT`]). A timed-out call fails with [`Error::Timeout`](crate::Error::Timeout).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Timeout for opening a connection (default [`DEFAULT_CONNECT_TIMEOUT`]).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How many times a failed request is retried (default 2; 0 turns retries off).
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.retry.max_retries = retries;
        self
    }

    /// The whole retry policy: count and backoff (see [`RetryPolicy`]).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Applies `HEYGEN_API_KEY`, `HEYGEN_BASE_URL` and `HEYGEN_UPLOAD_BASE_URL` where set.
    pub fn from_env(mut self) -> Self {
        let var = |name| std::env::var(name).ok().filter(|v: &String| !v.trim().is_empty());
        if let Some(key) = var(API_KEY_VAR) {
            self = self.api_key(key);
        }
        if let Some(url) = var(BASE_URL_VAR) {
            self = self.base_url(url);
        }
        if let Some(url) = var(UPLOAD_BASE_URL_VAR) {
            self = self.upload_base_url(url);
        }
        self
    }

    pub fn build(self) -> Result<Client, BuildError> {
        let credentials = match self.credentials.ok_or(BuildError::MissingCredentials)? {
            Secret::ApiKey(key) => Credentials::ApiKey(sensitive_header(&key)?),
            Secret::SessionToken(token) => {
                Credentials::SessionToken(sensitive_header(&format!("Bearer {}", token.trim()))?)
            }
        };
        let base_urls = self.base_urls.into_iter().map(normalize_base_url).collect::<Result<Vec<_>, _>>()?;
        let http = reqwest::Client::builder()
            .timeout(self.timeout)
            .connect_timeout(self.connect_timeout)
            .user_agent(concat!("heygen-rs/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Client::new_with_client(
            &base_urls[0].clone(),
            http,
            ClientState { credentials, base_urls, retry: self.retry },
        ))
    }
}

/// A credential as given to the builder, before it is checked.
#[derive(Clone)]
enum Secret {
    ApiKey(String),
    SessionToken(String),
}

fn sensitive_header(value: &str) -> Result<HeaderValue, BuildError> {
    let mut header = HeaderValue::from_str(value.trim()).map_err(|_| BuildError::InvalidCredentials)?;
    header.set_sensitive(true);
    Ok(header)
}

/// Checks that `url` is absolute http(s) and drops a trailing slash (paths in the spec start with one).
fn normalize_base_url(url: String) -> Result<String, BuildError> {
    let invalid = |reason: &str| BuildError::InvalidBaseUrl { url: url.clone(), reason: reason.to_owned() };
    let parsed = reqwest::Url::parse(&url).map_err(|e| invalid(&e.to_string()))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(invalid("the scheme must be http or https"));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(invalid("a base URL cannot have a query or fragment"));
    }
    Ok(url.trim_end_matches('/').to_owned())
}

impl Client {
    /// Starts a [`ClientBuilder`] with HeyGen's hosts and default timeouts.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client configured from `HEYGEN_API_KEY`, and `HEYGEN_BASE_URL` /
    /// `HEYGEN_UPLOAD_BASE_URL` where set.
    pub fn from_env() -> Result<Client, BuildError> {
        ClientBuilder::default().from_env().build()
    }
}
