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
    // A nested `error` of any shape says the call failed; without one, a `code` other than 100.
    let failed = match fields.nested() {
        Nested::Nothing => !matches!(fields.code, Some(ErrorCode::Int64(SUCCESS_CODE)) | None),
        Nested::Detail(_) | Nested::Text(_) | Nested::Other => true,
    };
    // What it said is read by the same rule as a 4xx body's (`ErrorFields::reported`), so the
    // same body gives the same `ApiError` whatever its status.
    if failed { RawOutcome::Failure(fields.reported()) } else { RawOutcome::Success }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::parse_error_body;

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
