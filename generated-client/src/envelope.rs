//! HeyGen's two envelopes can report failure inside a 200 reply (`code` other than 100, or a
//! non-null `error`). The runtime reads them from the raw body of every 2xx reply, before it is
//! decoded, so a failure in either envelope is caught whatever fields the operation's success
//! type declares. The generator still implements [`Envelope`] for every success type; it is kept
//! for callers that inspect a typed reply.

use crate::types::{EnvelopeError, ErrorCode};

/// HeyGen's `code` for success in the older envelope.
pub const SUCCESS_CODE: i64 = 100;

/// Implemented (by generated code) for every success type.
pub trait Envelope: serde::Serialize {
    /// The envelope fields of this reply.
    fn outcome(&self) -> Outcome<'_>;
}

/// The envelope fields of a reply; `None` where the type has no such field.
pub struct Outcome<'a> {
    /// The older envelope's `code` (100 is success).
    pub code: Option<i64>,
    /// The newer envelope's `error`, null on success.
    pub error: Option<&'a EnvelopeError>,
    /// The older envelope's `message`.
    pub message: Option<&'a str>,
}

impl Outcome<'_> {
    /// HeyGen's code and message when the envelope reports a failure.
    pub fn failure(&self) -> Option<(Option<ErrorCode>, Option<String>)> {
        let message = self.message.filter(|m| !m.is_empty()).map(str::to_owned);
        match (self.code, self.error) {
            (_, Some(EnvelopeError::ErrorDetail(detail))) => {
                Some((detail.code.clone(), detail.message.clone().or(message)))
            }
            (_, Some(EnvelopeError::String(text))) if !text.is_empty() => Some((None, Some(text.clone()))),
            (Some(code), _) if code != SUCCESS_CODE => Some((Some(ErrorCode::Int64(code)), message)),
            _ => None,
        }
    }
}

/// What a 2xx body's envelope says, read from the raw bytes, so that the verdict does not depend
/// on which envelope fields the operation's success type happens to declare.
pub(crate) enum RawOutcome {
    /// Not a JSON object, or an object that reports no failure: decode it as usual.
    Success,
    /// The envelope reports a failure, with HeyGen's code and message.
    Failure(Option<ErrorCode>, Option<String>),
}

/// Only the envelope's fields; every other field (`data` included) is skipped without being
/// built, so probing a large reply costs no more than scanning it.
#[derive(serde::Deserialize)]
struct Probe {
    #[serde(default)]
    code: Option<ErrorCode>,
    #[serde(default)]
    message: Option<serde_json::Value>,
    #[serde(default)]
    msg: Option<serde_json::Value>,
    #[serde(default)]
    error: Option<serde_json::Value>,
}

/// Reads the envelope of a 2xx body, whichever of HeyGen's envelopes it is in. A body with no
/// envelope field at all (`{}`) is no failure: HeyGen documents `{}` as the success reply of
/// some operations, so only the operation's type can say whether `data` must be there.
pub(crate) fn raw_outcome(body: &[u8]) -> RawOutcome {
    // Only an object is an envelope (serde would also read a struct from an array).
    if body.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return RawOutcome::Success;
    }
    let Ok(probe) = serde_json::from_slice::<Probe>(body) else { return RawOutcome::Success };
    let text = |value: &Option<serde_json::Value>| match value {
        Some(serde_json::Value::String(text)) if !text.is_empty() => Some(text.clone()),
        _ => None,
    };
    let message = text(&probe.message).or_else(|| text(&probe.msg));
    let error = probe.error.filter(|e| !e.is_null());
    match error.map(serde_json::from_value::<EnvelopeError>) {
        Some(Ok(EnvelopeError::ErrorDetail(detail))) if detail.code.is_some() || detail.message.is_some() => {
            return RawOutcome::Failure(detail.code.or(probe.code), detail.message.or(message));
        }
        Some(Ok(EnvelopeError::String(text))) if !text.is_empty() => {
            return RawOutcome::Failure(probe.code, Some(text));
        }
        // An error value of some other shape still says the call failed.
        Some(Err(_)) => return RawOutcome::Failure(probe.code, message),
        _ => {}
    }
    match probe.code {
        Some(ErrorCode::Int64(SUCCESS_CODE)) | None => RawOutcome::Success,
        Some(code) => RawOutcome::Failure(Some(code), message),
    }
}
