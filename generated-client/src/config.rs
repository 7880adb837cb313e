//! Configuration: the builder that turns settings (the API key, the two hosts, timeouts,
//! retries), given in code or by the environment, into a client of either API. It sits above
//! both clients: it builds them, and neither client's module reaches back into it.

use std::fmt;
use std::time::Duration;

use reqwest::header::HeaderValue;

use crate::Client;
use crate::facts::Host;
use crate::retry::{InProgressPolicy, RetryPolicy};
use crate::state::{CallerHttp, ClientState, Credentials};
use crate::url::is_loopback;

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
/// The largest reply body read unless the builder sets another: far above HeyGen's largest
/// replies (a list of 7,000 videos is about 1.1 MB), low enough to bound memory.
pub const DEFAULT_MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

/// Why a [`Client`] could not be built. Never contains the API key.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// Neither an API key nor a session token was given.
    #[error("no credentials: set {API_KEY_VAR}, or call ClientBuilder::api_key or ClientBuilder::session_token")]
    MissingCredentials,
    /// The API key or session token holds characters an HTTP header cannot carry.
    #[error("the API key or session token is not a valid HTTP header value (it must be visible ASCII)")]
    InvalidCredentials,
    /// `url` is the URL as given, unless it holds user-info, which is never echoed.
    #[error("invalid base URL `{url}`: {reason}")]
    InvalidBaseUrl {
        /// The URL as given (or a placeholder, see above).
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// reqwest could not build the client's own HTTP client (its TLS backend, for one).
    #[error("cannot build the HTTP client: {0}")]
    Http(#[from] reqwest::Error),
    /// The client given to [`ClientBuilder::http_client`] may follow redirects, and reqwest would
    /// carry the `X-Api-Key` header along to wherever a redirect points.
    #[error(
        "the HTTP client given to ClientBuilder::http_client may follow redirects, which would carry the API key to \
         other hosts; build it with .redirect(reqwest::redirect::Policy::none())"
    )]
    RedirectingHttpClient,
}

/// Builds a [`Client`]: `Client::builder().api_key(key).build()?`.
#[derive(Clone)]
pub struct ClientBuilder {
    credentials: Option<Secret>,
    base_urls: Vec<String>,
    timeout: Duration,
    connect_timeout: Duration,
    retry: RetryPolicy,
    in_progress: InProgressPolicy,
    max_body_bytes: usize,
    allow_insecure_http: bool,
    http_client: Option<reqwest::Client>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("credentials", &self.credentials.as_ref().map(|_| "<redacted>"))
            .field("base_urls", &self.base_urls)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("retry", &self.retry)
            .field("in_progress", &self.in_progress)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("allow_insecure_http", &self.allow_insecure_http)
            // Not its Debug output: that shows the caller's default headers, secrets included.
            .field("http_client", &self.http_client.as_ref().map(|_| "<the caller's>"))
            .finish()
    }
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self {
            credentials: None,
            base_urls: Host::ALL.iter().map(|host| default_url(*host).to_owned()).collect(),
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            retry: RetryPolicy::default(),
            in_progress: InProgressPolicy::default(),
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            allow_insecure_http: false,
            http_client: None,
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
        self.base_urls[Host::Api as usize] = url.into();
        self
    }

    /// Base URL of the upload host (default `https://upload.heygen.com`).
    pub fn upload_base_url(mut self, url: impl Into<String>) -> Self {
        self.base_urls[Host::Upload as usize] = url.into();
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

    /// How a call sent with an idempotency key (a v3 create, `upload_asset`, ...) waits while
    /// HeyGen answers `409 request_in_progress` (see [`InProgressPolicy`]; default: up to 2
    /// minutes in all, from 1 s between attempts). These waits do not count against
    /// [`max_retries`](Self::max_retries); any other 409 is final.
    pub fn in_progress_policy(mut self, policy: InProgressPolicy) -> Self {
        self.in_progress = policy;
        self
    }

    /// The largest reply body the client reads, in bytes (default [`DEFAULT_MAX_BODY_BYTES`]).
    /// The limit holds while reading, for every reply (including [`Client::fetch_text`]): past
    /// it the call fails with [`Error::BodyTooLarge`](crate::Error::BodyTooLarge) and no more is
    /// read, so a reply never takes more memory than this.
    pub fn max_body_bytes(mut self, limit: usize) -> Self {
        self.max_body_bytes = limit;
        self
    }

    /// Accepts `http://` base URLs for hosts other than this machine (default: refused, since
    /// the API key would cross the network in clear). Loopback hosts (`localhost`, `127.0.0.1`,
    /// `[::1]`), as used by test servers, are always accepted.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// Sends every request through `client`, as it was built: its proxies, root certificates,
    /// connection pool and default headers apply. Credentials, routing, retries, the body limit
    /// and logging are added on top, as with the client's own.
    ///
    /// - `client` must not follow redirects (`.redirect(reqwest::redirect::Policy::none())`):
    ///   reqwest would carry `X-Api-Key` along to another host before the reply reaches this
    ///   crate. `build` refuses any other with [`BuildError::RedirectingHttpClient`]. Signed
    ///   links ([`Client::fetch_text`]) are then not followed through redirects either.
    /// - `User-Agent` is `heygen-rs/<version>` unless `client` has a default one.
    /// - [`timeout`](Self::timeout) (default [`DEFAULT_TIMEOUT`]) is set on each attempt and
    ///   replaces `client`'s own overall timeout; [`connect_timeout`](Self::connect_timeout) does
    ///   not apply (a connect timeout belongs to the built client: set it there).
    /// - The `streaming` feature's WebSocket does not go through `client`.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
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

    /// Checks the settings and builds the (v3) [`Client`]. Nothing is sent yet.
    pub fn build(self) -> Result<Client, BuildError> {
        let (state, http) = self.parts()?;
        Ok(crate::v3::client_from(state, http))
    }

    /// Checks the settings and builds the legacy (v1/v2) client. Nothing is sent yet.
    #[cfg(feature = "legacy")]
    #[cfg_attr(docsrs, doc(cfg(feature = "legacy")))]
    pub fn build_legacy(self) -> Result<crate::legacy::Client, BuildError> {
        let (state, http) = self.parts()?;
        Ok(crate::legacy::client_from(state, http))
    }

    /// What either client is made of: the checked settings and the HTTP client.
    fn parts(self) -> Result<(ClientState, reqwest::Client), BuildError> {
        let credentials = match self.credentials.ok_or(BuildError::MissingCredentials)? {
            Secret::ApiKey(key) => Credentials::ApiKey(sensitive_header(&key)?),
            Secret::SessionToken(token) => {
                Credentials::SessionToken(sensitive_header(&format!("Bearer {}", token.trim()))?)
            }
        };
        let insecure = self.allow_insecure_http;
        let base_urls =
            self.base_urls.iter().map(|url| normalize_base_url(url, insecure)).collect::<Result<Vec<_>, _>>()?;
        let (http, caller_http) = match self.http_client {
            Some(http) => {
                let seen = inspect(&http);
                if seen.may_redirect {
                    return Err(BuildError::RedirectingHttpClient);
                }
                let user_agent = (!seen.has_user_agent).then(|| HeaderValue::from_static(OUR_USER_AGENT));
                (http, Some(CallerHttp { user_agent, timeout: self.timeout }))
            }
            None => {
                let http = reqwest::Client::builder()
                    .timeout(self.timeout)
                    .connect_timeout(self.connect_timeout)
                    .user_agent(OUR_USER_AGENT)
                    .redirect(redirect_policy(base_urls.clone()))
                    .build()?;
                (http, None)
            }
        };
        let (retry, in_progress, max_body_bytes) = (self.retry, self.in_progress, self.max_body_bytes);
        let state = ClientState {
            credentials,
            base_urls,
            retry,
            in_progress,
            max_body_bytes,
            caller_http,
            idempotency_key: None,
        };
        Ok((state, http))
    }
}

/// HeyGen's upload host, which only the legacy document names (v3 uploads go to presigned URLs
/// or the API host); the test `the_upload_host_is_the_legacy_documents` holds it to the spec.
const UPLOAD_URL: &str = "https://upload.heygen.com";

/// The spec's URL for `host`: the v3 document's servers, and the upload host beside them, so that
/// a build without the legacy document configures the same hosts.
fn default_url(host: Host) -> &'static str {
    match crate::v3::SERVERS.iter().find(|(h, _)| *h == host) {
        Some((_, url)) => url,
        None if host == Host::Upload => UPLOAD_URL,
        None => "",
    }
}

const OUR_USER_AGENT: &str = concat!("heygen-rs/", env!("CARGO_PKG_VERSION"));

/// What a caller's reqwest client was built with, as far as it matters here.
struct Inspected {
    /// Anything but `Policy::none()`: a custom policy cannot be looked into.
    may_redirect: bool,
    has_user_agent: bool,
}

/// reqwest has no accessor for a built client's redirect policy or default headers, but its
/// `Debug` output shows both: the policy when it is not the default (which follows up to ten),
/// and the headers as a map of quoted names. Quotes inside header values are escaped there, so
/// a value cannot pass for either. Should a reqwest release word it differently, the client
/// counts as redirecting (refused) and as having no `User-Agent` (ours is sent): safe both ways.
/// The text shows the caller's header values, so it goes no further than this function.
fn inspect(http: &reqwest::Client) -> Inspected {
    let shown = format!("{http:?}");
    Inspected {
        may_redirect: !shown.contains(r#"redirect_policy: "Policy(None)""#),
        has_user_agent: shown.contains(r#""user-agent": "#),
    }
}

/// API calls never follow a redirect: their credentials would go wherever it points (reqwest
/// drops only `Authorization` and `Cookie` on another host, not `X-Api-Key`). The runtime turns
/// the redirect into [`Error::Redirected`](crate::Error::Redirected). Signed links fetched
/// without credentials ([`Client::fetch_text`]) may be redirected, though never to plain HTTP
/// from HTTPS, nor more than a few times.
fn redirect_policy(api_origins: Vec<reqwest::Url>) -> reqwest::redirect::Policy {
    const MAX_REDIRECTS: usize = 5;
    reqwest::redirect::Policy::custom(move |attempt| {
        let touches_api = |url: &reqwest::Url| api_origins.iter().any(|api| api.origin() == url.origin());
        let downgrade =
            attempt.url().scheme() == "http" && attempt.previous().iter().any(|previous| previous.scheme() == "https");
        let too_many = attempt.previous().len() > MAX_REDIRECTS;
        if attempt.previous().iter().any(touches_api) || touches_api(attempt.url()) || downgrade || too_many {
            attempt.stop()
        } else {
            attempt.follow()
        }
    })
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

/// Parses a base URL once, so that every later comparison and rewrite works on one spelling:
/// trimmed (an env file leaves a newline), host in lower case and default port dropped (by the
/// URL parser), and no trailing slash (paths in the spec start with one). Refuses user-info
/// (credentials that would be sent with every call and echoed in errors), and plain HTTP to any
/// host but this machine unless `insecure` allows it.
fn normalize_base_url(url: &str, insecure: bool) -> Result<reqwest::Url, BuildError> {
    let url = url.trim();
    let has_user_info = url
        .split_once("://")
        .is_some_and(|(_, rest)| rest.split(['/', '?', '#']).next().is_some_and(|authority| authority.contains('@')));
    let shown = if has_user_info { "<a URL with user-info, not shown>".to_owned() } else { url.to_owned() };
    let invalid = |reason: &str| BuildError::InvalidBaseUrl { url: shown.clone(), reason: reason.to_owned() };
    if has_user_info {
        return Err(invalid("a base URL cannot carry a user name or password"));
    }
    let mut parsed = reqwest::Url::parse(url).map_err(|e| invalid(&e.to_string()))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(invalid("the scheme must be http or https"));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(invalid("a base URL cannot carry a user name or password"));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(invalid("a base URL cannot have a query or fragment"));
    }
    if parsed.scheme() == "http" && !insecure && !is_loopback(&parsed) {
        return Err(invalid(
            "plain http:// would send the API key in clear; use https://, or ClientBuilder::allow_insecure_http(true)",
        ));
    }
    let path = parsed.path().trim_end_matches('/').to_owned();
    parsed.set_path(&path);
    Ok(parsed)
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

#[cfg(feature = "legacy")]
impl crate::legacy::Client {
    /// A legacy client configured from the environment, as [`crate::Client::from_env`].
    pub fn from_env() -> Result<crate::legacy::Client, BuildError> {
        ClientBuilder::default().from_env().build_legacy()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::url::base_text;

    #[test]
    fn base_urls_are_normalised_once() {
        let url = normalize_base_url(" HTTPS://API.HeyGen.com:443/ \n", false).unwrap();
        assert_eq!(url.as_str(), "https://api.heygen.com/");
        assert_eq!(base_text(&url), "https://api.heygen.com");
        let prefixed = normalize_base_url("https://proxy.example.com/heygen/", false).unwrap();
        assert_eq!(base_text(&prefixed), "https://proxy.example.com/heygen");
    }

    #[test]
    fn plain_http_is_for_loopback_unless_allowed() {
        assert!(normalize_base_url("http://127.0.0.1:8080", false).is_ok());
        assert!(normalize_base_url("http://[::1]:8080", false).is_ok());
        assert!(normalize_base_url("http://localhost:8080", false).is_ok());
        assert!(normalize_base_url("http://api.heygen.com", false).is_err());
        assert!(normalize_base_url("http://api.heygen.com", true).is_ok());
    }

    #[cfg(feature = "legacy")]
    #[test]
    fn the_upload_host_is_the_legacy_documents() {
        let legacy = crate::legacy::SERVERS.iter().find(|(h, _)| *h == Host::Upload);
        assert_eq!(legacy.map(|(_, url)| *url), Some(UPLOAD_URL));
        assert_eq!(default_url(Host::Api), "https://api.heygen.com");
    }

    #[test]
    fn user_info_is_refused_without_being_echoed() {
        let err = normalize_base_url("https://user:hunter2@api.heygen.com", false).unwrap_err();
        assert!(!err.to_string().contains("hunter2"), "{err}");
    }
}
