//! Idempotency keys: HeyGen's rule for them, a fresh unguessable one per call, and putting the
//! call's key into its header or JSON body (the `pre` hook's part for keyed calls). A retry sends
//! a copy of the same request, so every attempt of a call carries the same key.

use reqwest::Request;
use reqwest::header::{CONTENT_LENGTH, HeaderName, HeaderValue};

/// HeyGen's idempotency key header (v3).
static IDEMPOTENCY_KEY_HEADER: HeaderName = HeaderName::from_static("idempotency-key");

/// Why a call's idempotency key cannot be sent.
pub(crate) enum KeyProblem {
    /// The caller's key breaks HeyGen's rule.
    Invalid(String),
    /// The request could not be given one.
    Other(String),
}

/// The key in the `Idempotency-Key` header: one already there (checked), else the handle's
/// (`named`, checked when it was named), else a fresh one; added.
pub(crate) fn header_key(request: &mut Request, named: Option<&str>) -> Result<String, KeyProblem> {
    if let Some(given) = request.headers().get(&IDEMPOTENCY_KEY_HEADER) {
        let given = given.to_str().map_err(|_| KeyProblem::Invalid("it is not visible ASCII".into()))?;
        check_idempotency_key(given).map_err(KeyProblem::Invalid)?;
        return Ok(given.to_owned());
    }
    let key = fresh_unless(named)?;
    let value = HeaderValue::from_str(&key).map_err(|e| KeyProblem::Other(e.to_string()))?;
    request.headers_mut().insert(IDEMPOTENCY_KEY_HEADER.clone(), value);
    Ok(key)
}

/// The longest idempotency key HeyGen takes.
const MAX_KEY_LEN: usize = 255;

/// HeyGen's rule for idempotency keys: 1 to 255 characters of `A-Z a-z 0-9 _ : . -`. Checked
/// before sending, so that a key HeyGen would refuse (or, worse, take in a form the caller does
/// not expect to resume with) fails here with nothing sent.
pub(crate) fn check_idempotency_key(key: &str) -> Result<(), String> {
    if key.is_empty() {
        return Err("it is empty".into());
    }
    if key.len() > MAX_KEY_LEN {
        return Err(format!("it is {} characters long; HeyGen takes at most {MAX_KEY_LEN}", key.len()));
    }
    match key.chars().find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '_' | ':' | '.' | '-'))) {
        Some(c) => Err(format!("it holds {c:?}; HeyGen takes only letters, digits and `_ : . -`")),
        None => Ok(()),
    }
}

/// A fresh idempotency key: a random (version 4) UUID from the operating system's CSPRNG, so
/// that no one can guess another caller's key (HeyGen would replay that caller's reply). It is
/// made once per call, in `pre`; the retry loop sends copies of the same request, so every
/// retry carries the same key.
pub(crate) fn new_idempotency_key() -> Result<String, String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| format!("no random bytes for an idempotency key: {e}"))?;
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex = hex::encode(bytes);
    Ok([&hex[..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..]].join("-"))
}

/// The handle's key (`named`) if it has one, else a fresh one.
fn fresh_unless(named: Option<&str>) -> Result<String, KeyProblem> {
    match named {
        Some(key) => Ok(key.to_owned()),
        None => new_idempotency_key().map_err(KeyProblem::Other),
    }
}

/// Puts the handle's key (`named`) or a fresh one into `field` of the JSON body, unless the
/// caller set one in the body (which is checked); the key the body carries.
pub(crate) fn add_body_key(
    request: &mut Request,
    field: &str,
    named: Option<&str>,
) -> Result<Option<String>, KeyProblem> {
    let Some(bytes) = request.body().and_then(|b| b.as_bytes()) else { return Ok(None) };
    let Ok(serde_json::Value::Object(mut body)) = serde_json::from_slice::<serde_json::Value>(bytes) else {
        return Ok(None);
    };
    match body.get(field) {
        Some(serde_json::Value::String(given)) => {
            check_idempotency_key(given).map_err(KeyProblem::Invalid)?;
            return Ok(Some(given.clone()));
        }
        Some(serde_json::Value::Null) | None => {}
        Some(_) => return Err(KeyProblem::Invalid(format!("`{field}` is not a string"))),
    }
    let key = fresh_unless(named)?;
    body.insert(field.to_owned(), key.clone().into());
    let bytes = serde_json::to_vec(&body).map_err(|e| KeyProblem::Other(e.to_string()))?;
    request.headers_mut().insert(CONTENT_LENGTH, bytes.len().into());
    *request.body_mut() = Some(bytes.into());
    Ok(Some(key))
}
