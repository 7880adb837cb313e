//! Secrets out of anything logged or shown: the client's own credentials wherever they appear,
//! the values of JSON fields whose names mean a secret (also in JSON too broken to parse), values
//! that are secrets by their form (a webhook secret, `whsec_...`), the query strings of URLs (a
//! signed link carries its credential there) and the paths of WebSocket URLs (a session's socket
//! URL is its credential). Logs, `Debug` output and the text errors keep all use this one rule.

use serde_json::Value;

use crate::state::ClientState;

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

/// Prefixes of values that are secrets whatever field holds them.
const SECRET_PREFIXES: [&str; 1] = ["whsec_"];

/// `body` as text fit to log, or `None` when it is not text (binary uploads are never logged).
pub(crate) fn redact(body: &[u8], state: &ClientState) -> Option<String> {
    Some(redact_secret(&redact_text(std::str::from_utf8(body).ok()?), state))
}

/// `text` (a reply body, whole or cut) with every secret the rule knows taken out: JSON is
/// redacted field by field (and left as it was when nothing in it is secret); text that does not
/// parse, by its quoted secret fields, URLs and secret-looking values; an XML error document (a
/// storage host's) is cut down to its code, message and request id, since the rest of it echoes
/// the signed request.
pub(crate) fn redact_text(text: &str) -> String {
    if let Ok(mut json) = serde_json::from_str::<Value>(text) {
        return if redact_value(&mut json) { json.to_string() } else { text.to_owned() };
    }
    if let Some(summary) = xml_error_summary(text) {
        return summary;
    }
    redact_secret_values(&redact_urls(&redact_quoted_fields(text)))
}

/// An XML error document (`<Error><Code>...`, as S3 and its kind send) as its code, message and
/// request id only.
fn xml_error_summary(text: &str) -> Option<String> {
    let trimmed = text.trim_start();
    if !trimmed.starts_with('<') || !trimmed.contains("<Error") {
        return None;
    }
    let element = |name: &str| {
        let open = format!("<{name}>");
        let start = text.find(&open)? + open.len();
        let end = text[start..].find('<').map_or(text.len(), |i| start + i);
        Some(format!("{name}: {}", redact_secret_values(&redact_urls(text[start..end].trim()))))
    };
    let kept: Vec<String> = ["Code", "Message", "RequestId"].iter().filter_map(|n| element(n)).collect();
    Some(if kept.is_empty() { "<an XML error document, not kept>".to_owned() } else { kept.join("; ") })
}

/// `text` with the value of every `"name": "value"` pair whose name means a secret replaced:
/// for JSON cut short or otherwise broken, which cannot be redacted by parsing.
fn redact_quoted_fields(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some((name, after)) = next_quoted(rest) {
        let tail = &rest[after..];
        let colon = tail.trim_start();
        let value = colon.strip_prefix(':').map(str::trim_start).filter(|v| v.starts_with('"'));
        match value {
            Some(value) if is_secret_name(name) => {
                let value_start = rest.len() - value.len();
                out.push_str(&rest[..value_start]);
                out.push('"');
                out.push_str(REDACTED);
                out.push('"');
                // The value's closing quote, or the end of the cut text.
                rest = next_quoted(&rest[value_start..]).map_or("", |(_, end)| &rest[value_start + end..]);
            }
            _ => {
                out.push_str(&rest[..after]);
                rest = tail;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The first quoted string of `text` (escapes skipped over) and the index just past it.
fn next_quoted(text: &str) -> Option<(&str, usize)> {
    let start = text.find('"')? + 1;
    let mut escaped = false;
    for (i, c) in text[start..].char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => return Some((&text[start..start + i], start + i + 1)),
            _ => {}
        }
    }
    None
}

/// `text` with every value that is a secret by its form (a `whsec_` webhook secret) replaced.
pub(crate) fn redact_secret_values(text: &str) -> String {
    let mut out = text.to_owned();
    for prefix in SECRET_PREFIXES {
        let mut from = 0;
        while let Some(found) = out[from..].find(prefix).map(|i| from + i) {
            let end = out[found..]
                .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '+' | '/' | '=')))
                .map_or(out.len(), |i| found + i);
            out.replace_range(found..end, REDACTED);
            from = found + REDACTED.len();
        }
    }
    out
}

/// `text` with the client's own secret replaced.
pub(crate) fn redact_secret(text: &str, state: &ClientState) -> String {
    match state.credentials.secret() {
        Some(secret) if !secret.is_empty() => text.replace(secret, REDACTED),
        _ => text.to_owned(),
    }
}

/// Redacts, in place, every value of a secret-named field, every URL's query string and every
/// secret-looking value; whether anything changed.
pub(crate) fn redact_value(value: &mut Value) -> bool {
    match value {
        Value::Object(map) => {
            let mut changed = false;
            for (key, value) in map.iter_mut() {
                if is_secret_name(key) && !value.is_null() {
                    *value = Value::String(REDACTED.to_owned());
                    changed = true;
                } else {
                    changed |= redact_value(value);
                }
            }
            changed
        }
        Value::Array(items) => items.iter_mut().fold(false, |changed, item| redact_value(item) | changed),
        Value::String(text) => {
            let redacted = redact_secret_values(&if text.contains("://") { redact_urls(text) } else { text.clone() });
            let changed = redacted != *text;
            *text = redacted;
            changed
        }
        _ => false,
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
