//! The `pre` hook of every generated client: before anything is sent, check that the operation
//! takes the client's credentials, route the request to the operation's host, check that its
//! path is still the operation's, give a keyed call its idempotency key and attach the
//! credentials. A request it refuses is never sent.

use reqwest::Request;
use reqwest::header::{AUTHORIZATION, HeaderName};

use crate::call::CallContext;
use crate::error::Error;
use crate::facts::{Host, IdempotencyKey, Operation};
use crate::idempotency::{KeyProblem, add_body_key, header_key};
use crate::state::{ClientState, Credentials};
use crate::url::{base_text, origin_of};

/// HeyGen's API key header.
static API_KEY_HEADER: HeaderName = HeaderName::from_static("x-api-key");

/// The `pre` hook of every generated client: checks that `operation` accepts the client's
/// credentials, routes the request to the operation's host, checks that the path is the
/// operation's (no `.`/`..` argument moved it), and attaches the credentials. `operation` is
/// `None` for an id the generated facts do not know, which cannot happen for generated methods;
/// `call` records the idempotency key and a typed refusal for the method's errors (`None` for a
/// request sent by hand through the client's hooks).
pub fn pre(
    state: &ClientState,
    request: &mut Request,
    operation: Option<&'static Operation>,
    call: Option<&CallContext>,
) -> Result<(), String> {
    let operation = operation.ok_or("the client has no facts for this operation")?;
    if !operation.credentials.contains(&state.credentials.credential()) {
        return Err(format!(
            "this operation does not accept a {}; build the client with an API key",
            state.credentials.describe()
        ));
    }
    let host = state.base_url(operation.host);
    if operation.host != Host::Api {
        *request.url_mut() = reroute(request.url(), state.base_url(Host::Api), host)?;
    }
    if !follows_template(request.url().path(), host.path(), operation.path) {
        return Err(format!(
            "a path argument of {} is `.`, `..` or empty, which would send the request to another endpoint",
            operation.id
        ));
    }
    // The key goes only to the client's own hosts, whatever built the URL.
    if !state.is_own_origin(request.url()) {
        return Err(format!(
            "refusing to send credentials to {}, which is not one of the client's hosts",
            origin_of(request.url())
        ));
    }
    let key = match operation.idempotency_key {
        Some(IdempotencyKey::Header) => Some(header_key(request, state.idempotency_key.as_deref())),
        Some(IdempotencyKey::Body(field)) => add_body_key(request, field, state.idempotency_key.as_deref()).transpose(),
        None => None,
    };
    match key {
        Some(Ok(key)) => {
            if let Some(call) = call {
                call.record_key(&key);
            }
        }
        Some(Err(KeyProblem::Invalid(reason))) => {
            let message = format!("invalid idempotency key: {reason}");
            if let Some(call) = call {
                call.refuse(Error::InvalidIdempotencyKey { operation: operation.id, reason });
            }
            return Err(message);
        }
        Some(Err(KeyProblem::Other(message))) => return Err(message),
        None => {}
    }
    let headers = request.headers_mut();
    match &state.credentials {
        Credentials::ApiKey(key) => headers.insert(API_KEY_HEADER.clone(), key.clone()),
        Credentials::SessionToken(bearer) => headers.insert(AUTHORIZATION, bearer.clone()),
    };
    Ok(())
}

/// Whether `path` (a request's, on a host whose base path is `base`) has the segments of
/// `template`: its literal segments, and one non-empty segment per parameter. reqwest resolves
/// `.` and `..` segments when it parses the URL, so a path argument of `..` shows here as a
/// missing segment.
fn follows_template(path: &str, base: &str, template: &str) -> bool {
    let Some(rest) = path.strip_prefix(base.trim_end_matches('/')) else { return false };
    // A template without parameters is its own path (most GETs: no segment walk needed).
    if !template.contains('{') {
        return rest == template;
    }
    let (mut actual, mut expected) = (rest.as_bytes(), template.as_bytes());
    loop {
        let (got, got_rest) = first_segment(actual);
        let (want, want_rest) = first_segment(expected);
        let fits = if want.contains(&b'{') { !matches!(got, b"" | b"." | b"..") } else { got == want };
        match (fits, got_rest, want_rest) {
            (false, _, _) => return false,
            (true, None, None) => return true,
            (true, Some(got_rest), Some(want_rest)) => (actual, expected) = (got_rest, want_rest),
            _ => return false,
        }
    }
}

/// The first `/`-separated segment of `path`, and what follows its `/` (`None` at the end).
fn first_segment(path: &[u8]) -> (&[u8], Option<&[u8]>) {
    match path.iter().position(|&b| b == b'/') {
        Some(at) => (&path[..at], Some(&path[at + 1..])),
        None => (path, None),
    }
}

/// `url` (built on `from`) moved onto `to`, by parsed parts: the operation's path relative to
/// `from`'s path, appended to `to`'s path; the query kept.
fn reroute(url: &reqwest::Url, from: &reqwest::Url, to: &reqwest::Url) -> Result<reqwest::Url, String> {
    let prefix = base_text(from).len();
    let relative = url.as_str().get(prefix..).filter(|_| url.as_str().starts_with(base_text(from)));
    let relative = relative.ok_or_else(|| "the request URL is not on the API host".to_owned())?;
    reqwest::Url::parse(&format!("{}{relative}", base_text(to))).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::follows_template;

    #[test]
    fn a_path_follows_its_template_segment_by_segment() {
        let template = "/v1/asset/{asset_id}/delete";
        assert!(follows_template("/v1/asset/a1/delete", "/", template));
        assert!(follows_template("/prefix/v1/asset/a%2Fb/delete", "/prefix", template));
        // What reqwest makes of `..`, `.` and an empty argument.
        assert!(!follows_template("/v1/delete", "/", template));
        assert!(!follows_template("/v1/asset/delete", "/", template));
        assert!(!follows_template("/v1/asset//delete", "/", template));
        assert!(!follows_template("/v2/asset/a1/delete", "/", template));
        assert!(!follows_template("/elsewhere/v1/asset/a1/delete", "/prefix", template));
    }
}
