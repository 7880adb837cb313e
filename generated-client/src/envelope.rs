//! HeyGen's two envelopes can report failure inside a 200 reply (`code` other than 100, or a
//! non-null `error`). The runtime reads them from the raw body of every 2xx reply, before it is
//! decoded, so a failure in either envelope is caught whatever fields the operation's success
//! type declares.

use crate::error::ErrorCode;
use crate::error::{ErrorFields, Nested, Reported};

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
    let message = fields.message();
    match fields.nested() {
        Nested::Detail(detail) => {
            return RawOutcome::Failure(Reported {
                code: detail.code.or(fields.code),
                message: detail.message.or(message),
                ..detail
            });
        }
        Nested::Text(text) => {
            return RawOutcome::Failure(Reported { code: fields.code, message: Some(text), ..Reported::default() });
        }
        // An error value of some other shape still says the call failed.
        Nested::Other => {
            return RawOutcome::Failure(Reported { code: fields.code, message, ..Reported::default() });
        }
        Nested::Nothing => {}
    }
    match fields.code {
        Some(ErrorCode::Int64(SUCCESS_CODE)) | None => RawOutcome::Success,
        code => RawOutcome::Failure(Reported { code, message, ..Reported::default() }),
    }
}
