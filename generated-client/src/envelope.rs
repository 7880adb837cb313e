//! HeyGen's two envelopes can report failure inside a 200 reply (`code` other than 100, or a
//! non-null `error`). The generator implements [`Envelope`] for every success type; the runtime
//! asks it before handing a reply to the caller.

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
    pub code: Option<i64>,
    pub error: Option<&'a EnvelopeError>,
    pub message: Option<&'a str>,
}

impl Outcome<'_> {
    /// HeyGen's code and message when the envelope reports a failure.
    pub(crate) fn failure(&self) -> Option<(Option<ErrorCode>, Option<String>)> {
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
