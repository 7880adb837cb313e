//! Secrets out of anything logged or shown: the client's own credentials wherever they appear,
//! the values of JSON fields whose names mean a secret, the query strings of URLs (a signed link
//! carries its credential there) and the paths of WebSocket URLs (a session's socket URL is its
//! credential).

use serde_json::Value;

use crate::ClientState;

const REDACTED: &str = "<redacted>";

/// Words that make a field a secret wherever they appear in its name (`access_token`,
/// `livekit_agent_token`, `client_secret`, ICE `credential`, `password_hash`...).
const SECRET_WORDS: [&str; 11] = [
    "token",
    "tokens",
    "secret",
    "secrets",
    "credential",
    "credentials",
    "password",
    "passwd",
    "signature",
    "authorization",
    "cookie",
];
/// Words that, before `key`, make it a secret (`api_key`, `private_key`); other keys
/// (`image_key`, an asset's storage key) are names, not secrets.
const SECRET_KEY_QUALIFIERS: [&str; 8] = ["api", "apikey", "access", "private", "secret", "signing", "session", "auth"];

/// Whether a field named `name` holds a secret, judged by the words of its name (split at `_`,
/// `-`, `.`, spaces and lower-to-upper case changes).
pub(crate) fn is_secret_name(name: &str) -> bool {
    let words = words(name);
    if words.iter().any(|w| SECRET_WORDS.contains(&w.as_str()) || w == "apikey") {
        return true;
    }
    words.iter().enumerate().any(|(i, w)| {
        w == "key" && (words.len() == 1 || i > 0 && SECRET_KEY_QUALIFIERS.contains(&words[i - 1].as_str()))
    })
}

fn words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut previous_lower = false;
    for c in name.chars() {
        if !c.is_alphanumeric() {
            previous_lower = false;
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            continue;
        }
        if c.is_uppercase() && previous_lower && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        previous_lower = c.is_lowercase() || c.is_ascii_digit();
        current.extend(c.to_lowercase());
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// `body` as text fit to log, or `None` when it is not text (binary uploads are never logged).
pub(crate) fn redact(body: &[u8], state: &ClientState) -> Option<String> {
    let text = match serde_json::from_slice::<Value>(body) {
        Ok(mut json) => {
            redact_value(&mut json);
            json.to_string()
        }
        Err(_) => redact_urls(std::str::from_utf8(body).ok()?),
    };
    Some(redact_secret(&text, state))
}

/// `text` with the client's own secret replaced.
pub(crate) fn redact_secret(text: &str, state: &ClientState) -> String {
    match state.credentials.secret() {
        Some(secret) if !secret.is_empty() => text.replace(secret, REDACTED),
        _ => text.to_owned(),
    }
}

/// Redacts, in place, every value of a secret-named field and every URL's query string.
pub(crate) fn redact_value(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, value) in map.iter_mut() {
                if is_secret_name(key) && !value.is_null() {
                    *value = Value::String(REDACTED.to_owned());
                } else {
                    redact_value(value);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact_value),
        Value::String(text) if text.contains("://") => *text = redact_urls(text),
        _ => {}
    }
}

/// `text` with every URL in it cut down: query string and fragment replaced, and for `ws://` and
/// `wss://` URLs the path too.
pub(crate) fn redact_urls(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(found) = rest.find("://") {
        // The scheme: the letters right before `://`.
        let scheme_start = rest[..found]
            .char_indices()
            .rev()
            .take_while(|(_, c)| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
            .last()
            .map_or(found, |(i, _)| i);
        let end = rest[found..]
            .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '<' | '>' | '`'))
            .map_or(rest.len(), |i| found + i);
        out.push_str(&rest[..scheme_start]);
        out.push_str(&redact_url(&rest[scheme_start..found], &rest[found + 3..end]));
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

fn redact_url(scheme: &str, rest: &str) -> String {
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = rest[..authority_end].rsplit('@').next().unwrap_or_default();
    let after = &rest[authority_end..];
    let socket = scheme.eq_ignore_ascii_case("ws") || scheme.eq_ignore_ascii_case("wss");
    let path_end = after.find(['?', '#']).unwrap_or(after.len());
    let path =
        if socket && !after[..path_end].trim_matches('/').is_empty() { "/<redacted>" } else { &after[..path_end] };
    let query = if path_end < after.len() { "?<redacted>" } else { "" };
    format!("{scheme}://{authority}{path}{query}")
}
