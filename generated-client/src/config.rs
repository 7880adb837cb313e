//! Configuration: the API key, the two hosts and timeouts, read from code or the environment.

use std::fmt;
use std::time::Duration;

use reqwest::header::{HeaderValue, USER_AGENT};

use crate::Client;
use crate::retry::{InProgressPolicy, RetryPolicy};
use crate::rt::{Credential, Host};

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

/// What the generated [`Client`] carries besides its reqwest client: the credentials and the
/// base URL of each host. Built by [`ClientBuilder`]; its `Debug` never shows a secret.
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
    /// The key keyed calls are sent with ([`Client::with_idempotency_key`]), checked; `None`
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
/// theirs ([`ClientBuilder::http_client`]).
#[derive(Clone, Debug)]
pub(crate) struct CallerHttp {
    /// Ours, unless the caller's client sends its own.
    user_agent: Option<HeaderValue>,
    /// [`ClientBuilder::timeout`], per attempt.
    timeout: Duration,
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
        Ok(client_from(state, http))
    }

    /// Checks the settings and builds the legacy (v1/v2) client. Nothing is sent yet.
    #[cfg(feature = "legacy")]
    #[cfg_attr(docsrs, doc(cfg(feature = "legacy")))]
    pub fn build_legacy(self) -> Result<crate::legacy::Client, BuildError> {
        let (state, http) = self.parts()?;
        Ok(legacy_client_from(state, http))
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

/// The v3 client over `state` and `http`; every v3 client is made here.
pub(crate) fn client_from(state: ClientState, http: reqwest::Client) -> Client {
    let api_base = base_text(state.base_url(Host::Api)).to_owned();
    Client::new_with_client(&api_base, http, state)
}

/// The legacy client over `state` and `http`; every legacy client is made here.
#[cfg(feature = "legacy")]
pub(crate) fn legacy_client_from(state: ClientState, http: reqwest::Client) -> crate::legacy::Client {
    let api_base = base_text(state.base_url(Host::Api)).to_owned();
    crate::legacy::Client::new_with_client(&api_base, http, state)
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

pub(crate) fn is_loopback(url: &reqwest::Url) -> bool {
    let host = url.host_str().unwrap_or_default();
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    match bare.parse::<std::net::IpAddr>() {
        Ok(ip) => ip.is_loopback(),
        Err(_) => host == "localhost" || host.ends_with(".localhost"),
    }
}

/// A base URL as the generated code joins paths to it: no trailing slash, even for a bare host.
pub(crate) fn base_text(url: &reqwest::Url) -> &str {
    url.as_str().trim_end_matches('/')
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

    /// This client with `key` as the idempotency key of its keyed calls (the creates HeyGen
    /// de-duplicates), in place of a fresh key per call: the step that resumes a create whose
    /// outcome is unknown, with the key its error carried
    /// ([`Error::idempotency_key`](crate::Error::idempotency_key)):
    ///
    /// ```no_run
    /// # async fn run(client: heygen_client::Client, body: heygen_client::types::CreateVideoRequest) -> Result<(), heygen_client::Error> {
    /// match client.create_video(&body).await {
    ///     Ok(created) => println!("{:?}", created.into_inner().data.video_id),
    ///     Err(err) => match err.idempotency_key() {
    ///         // HeyGen replays the first reply to the same key for 24 hours: no second video.
    ///         Some(key) => {
    ///             let created = client.with_idempotency_key(key)?.create_video(&body).await?;
    ///             println!("{:?}", created.into_inner().data.video_id);
    ///         }
    ///         None => return Err(err),
    ///     },
    /// }
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// Cheap (the connection pool is shared). HeyGen scopes a key to its endpoint, so one key
    /// serves one create per endpoint: use a new handle for each job. A key that breaks HeyGen's
    /// rule (1 to 255 characters of `A-Z a-z 0-9 _ : . -`) is
    /// [`Error::InvalidIdempotencyKey`](crate::Error::InvalidIdempotencyKey) here, before
    /// anything is sent.
    pub fn with_idempotency_key(&self, key: impl Into<String>) -> Result<Client, crate::Error> {
        let key = key.into();
        crate::hooks::check_idempotency_key(&key)
            .map_err(|reason| crate::Error::InvalidIdempotencyKey { operation: "with_idempotency_key", reason })?;
        Ok(self.keyed(key))
    }

    /// This client with `key` (already checked, or made by [`Client::key_for_call`]) for its keyed calls.
    pub(crate) fn keyed(&self, key: String) -> Client {
        use progenitor_client::ClientInfo;
        let mut state = self.inner().clone();
        state.idempotency_key = Some(key);
        client_from(state, self.client().clone())
    }

    /// The key a helper of several steps sends its create with: the handle's, else a fresh one.
    /// Helpers make it before the create, so that a reply they cannot go on from still hands
    /// the caller the key that replays the create.
    pub(crate) fn key_for_call(&self, operation: &'static str) -> Result<String, crate::Error> {
        use progenitor_client::ClientInfo;
        match &self.inner().idempotency_key {
            Some(key) => Ok(key.clone()),
            None => crate::hooks::new_idempotency_key()
                .map_err(|message| crate::Error::InvalidRequest { operation, message }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
