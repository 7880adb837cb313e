//! HeyGen's two envelopes can report failure inside a 200 reply (`code` other than 100, or a
//! non-null `error`). The runtime reads them from the raw body of every 2xx reply, before it is
//! decoded, so a failure in either envelope is caught whatever fields the operation's success
//! type declares.
//!
//! The same reading gives what HeyGen said about a failure ([`Reported`]) in either envelope,
//! whatever the reply's status, and the [`ApiError`] made of it.

use reqwest::StatusCode;
use serde_json::Value;

use crate::error::{ApiError, ErrorCode};

/// HeyGen's `code` for success in the older envelope.
pub const SUCCESS_CODE: i64 = 100;

/// What a 2xx body's envelope says, read from the raw bytes, so that the verdict does not depend
/// on which envelope fields the operation's success type happens to declare.
pub(crate) enum RawOutcome {
    /// Not a JSON object, or an object that reports no failure: decode it as usual.
    Success,
    /// The envelope reports a failure, with what HeyGen said about it.
    Failure(Reported),
}

/// Reads the envelope of a 2xx body, whichever of HeyGen's envelopes it is in. A body with no
/// envelope field at all (`{}`) is no failure: HeyGen documents `{}` as the success reply of
/// some operations, so only the operation's type can say whether `data` must be there.
pub(crate) fn raw_outcome(body: &[u8]) -> RawOutcome {
    let Some(fields) = ErrorFields::parse(body) else { return RawOutcome::Success };
    // A nested `error` of any shape says the call failed; without one, a `code` other than 100.
    let failed = match fields.nested() {
        Nested::Nothing => !matches!(fields.code, Some(ErrorCode::Int64(SUCCESS_CODE)) | None),
        Nested::Detail(_) | Nested::Text(_) | Nested::Other => true,
    };
    // What it said is read by the same rule as a 4xx body's (`ErrorFields::reported`), so the
    // same body gives the same `ApiError` whatever its status.
    if failed { RawOutcome::Failure(fields.reported()) } else { RawOutcome::Success }
}
/// What HeyGen said about a failure, in either envelope: the older `{code, message}` (or `msg`,
/// or an `error` object or string beside them) and v3's `{error: {code, message, param, doc_url}}`.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct Reported {
    pub code: Option<ErrorCode>,
    pub message: Option<String>,
    pub param: Option<String>,
    pub doc_url: Option<String>,
}

/// The envelope fields of a body; every other field (`data` included) is skipped without being
/// built, so probing a large success reply costs no more than scanning it.
#[derive(serde::Deserialize)]
pub(crate) struct ErrorFields {
    #[serde(default)]
    pub code: Option<ErrorCode>,
    #[serde(default)]
    message: Option<Value>,
    #[serde(default)]
    msg: Option<Value>,
    #[serde(default)]
    error: Option<Value>,
}

/// An envelope's `error` field.
pub(crate) enum Nested {
    /// Absent, null or empty.
    Nothing,
    /// An object with at least a code or a message.
    Detail(Reported),
    /// A non-empty string.
    Text(String),
    /// Something else, which still says the call failed.
    Other,
}

impl ErrorFields {
    /// The envelope fields of `bytes`, when they are a JSON object whose known fields have
    /// usable types.
    pub(crate) fn parse(bytes: &[u8]) -> Option<Self> {
        // Only an object is an envelope (serde would also read a struct from an array).
        if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
            return None;
        }
        serde_json::from_slice(bytes).ok()
    }

    /// The top-level `message`, or else `msg`, when it is non-empty text.
    pub(crate) fn message(&self) -> Option<String> {
        text(self.message.as_ref()).or_else(|| text(self.msg.as_ref()))
    }

    pub(crate) fn nested(&self) -> Nested {
        match &self.error {
            None | Some(Value::Null) => Nested::Nothing,
            Some(Value::String(message)) if message.is_empty() => Nested::Nothing,
            Some(Value::String(message)) => Nested::Text(message.clone()),
            Some(Value::Object(detail)) => {
                let code = match detail.get("code") {
                    None | Some(Value::Null) => None,
                    Some(code) => match serde_json::from_value::<ErrorCode>(code.clone()) {
                        Ok(code) => Some(code),
                        Err(_) => return Nested::Other,
                    },
                };
                let message = match detail.get("message") {
                    None | Some(Value::Null) => None,
                    Some(Value::String(message)) => Some(message.clone()),
                    Some(_) => return Nested::Other,
                };
                if code.is_none() && message.is_none() {
                    return Nested::Nothing;
                }
                let param = text(detail.get("param"));
                let doc_url = text(detail.get("doc_url"));
                Nested::Detail(Reported { code, message, param, doc_url })
            }
            Some(_) => Nested::Other,
        }
    }
}

/// A field's value when it is non-empty text.
fn text(value: Option<&Value>) -> Option<String> {
    match value {
        Some(Value::String(text)) if !text.is_empty() => Some(text.clone()),
        _ => None,
    }
}

/// HeyGen's code, message and (v3) parameter and documentation link from an error body in
/// either envelope, when it is one.
pub(crate) fn parse_error_body(bytes: &[u8]) -> Option<Reported> {
    let reported = ErrorFields::parse(bytes)?.reported();
    (reported.code.is_some() || reported.message.is_some()).then_some(reported)
}

impl ErrorFields {
    /// What HeyGen said about a failure, by the one rule every reply goes through, whatever its
    /// status (a 4xx, or a 2xx whose envelope reports a failure): the top-level `code` and
    /// `message` first, then the nested `error`'s; `param` and `doc_url` only exist nested. Beside
    /// the old envelope's success code (100), the top level names no error (its message is the
    /// success message), so the nested `error` speaks.
    pub(crate) fn reported(&self) -> Reported {
        let success = self.code == Some(ErrorCode::Int64(crate::envelope::SUCCESS_CODE));
        let (code, message) = if success { (None, None) } else { (self.code.clone(), self.message()) };
        match self.nested() {
            Nested::Detail(nested) => Reported {
                code: code.or(nested.code).or_else(|| self.code.clone()),
                message: message.or(nested.message),
                param: nested.param,
                doc_url: nested.doc_url,
            },
            Nested::Text(nested) => {
                Reported { code: self.code.clone(), message: message.or(Some(nested)), ..Reported::default() }
            }
            Nested::Nothing | Nested::Other => Reported { code: self.code.clone(), message, ..Reported::default() },
        }
    }
}

impl ApiError {
    /// An error from what HeyGen reported and the reply's other facts.
    pub(crate) fn reported(
        operation: &'static str,
        status: StatusCode,
        reported: Reported,
        request_id: Option<String>,
        body: String,
        retry_after: Option<std::time::Duration>,
    ) -> Self {
        let Reported { code, message, param, doc_url } = reported;
        let idempotency_key = None;
        ApiError { operation, status, code, message, param, doc_url, request_id, body, retry_after, idempotency_key }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One rule: a body that reports a failure gives the same code and message inside a 2xx
    /// (`raw_outcome`) as it does as a 4xx (`parse_error_body`), whichever fields it carries.
    #[test]
    fn the_same_body_reads_the_same_as_a_200_and_as_a_4xx() {
        let bodies = [
            r#"{"code":40001,"message":"a","error":{"code":"x","message":"b"}}"#,
            r#"{"code":100,"error":{"code":"x","message":"b","param":"p","doc_url":"u"}}"#,
            r#"{"code":40001,"message":"a","error":"text"}"#,
            r#"{"error":"text"}"#,
            r#"{"code":40001,"msg":"a"}"#,
            r#"{"error":{"code":"invalid_parameter","message":"m","param":"title"}}"#,
            r#"{"code":40001,"message":"a","error":[1]}"#,
        ];
        for body in bodies {
            let RawOutcome::Failure(inside_200) = raw_outcome(body.as_bytes()) else {
                panic!("{body} reports a failure")
            };
            assert_eq!(Some(inside_200), parse_error_body(body.as_bytes()), "{body}");
        }
        // Beside the success code the top level names no error: the nested one is reported.
        let body = br#"{"code":100,"message":"Success","error":{"code":"x","message":"b"}}"#;
        let RawOutcome::Failure(reported) = raw_outcome(body) else { panic!() };
        assert_eq!((reported.code, reported.message), (Some(ErrorCode::String("x".into())), Some("b".into())));
    }
}
