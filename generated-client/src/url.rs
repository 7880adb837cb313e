//! URLs as the runtime shows and compares them: a base URL's text, whether a host is this
//! machine, an origin for messages, and a reqwest error without its URL's query string (a
//! signed link carries its credential there). A leaf: it imports nothing from the crate.

/// `error` without the query string and fragment of the URL it names.
pub(crate) fn without_query(mut error: reqwest::Error) -> reqwest::Error {
    if let Some(url) = error.url_mut() {
        url.set_query(None);
        url.set_fragment(None);
    }
    error
}

/// `url` as scheme, host and port only, for messages: its path or query may be a credential.
pub(crate) fn origin_of(url: &reqwest::Url) -> String {
    url.origin().ascii_serialization()
}

/// Whether `url`'s host is this machine (`localhost`, a loopback address), where plain HTTP
/// carries nothing across the network.
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
