//! Secrets out of anything logged: the client's own credentials wherever they appear, and the
//! values of JSON fields that hold secrets (session tokens, webhook signing secrets).

use serde_json::Value;

use crate::ClientState;

/// JSON keys whose values are secrets in HeyGen's API.
const SECRET_KEYS: [&str; 6] = ["token", "access_token", "session_token", "api_key", "secret", "password"];
const REDACTED: &str = "<redacted>";

/// `body` as text fit to log.
pub(crate) fn redact(body: &[u8], state: &ClientState) -> String {
    let text = match serde_json::from_slice::<Value>(body) {
        Ok(mut json) => {
            redact_json(&mut json);
            json.to_string()
        }
        Err(_) => String::from_utf8_lossy(body).into_owned(),
    };
    redact_secret(&text, state)
}

/// `text` with the client's own secret replaced.
pub(crate) fn redact_secret(text: &str, state: &ClientState) -> String {
    match state.credentials.secret() {
        Some(secret) if !secret.is_empty() => text.replace(secret, REDACTED),
        _ => text.to_owned(),
    }
}

fn redact_json(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, value) in map.iter_mut() {
                if SECRET_KEYS.contains(&key.to_ascii_lowercase().as_str()) && !value.is_null() {
                    *value = Value::String(REDACTED.to_owned());
                } else {
                    redact_json(value);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact_json),
        _ => {}
    }
}
