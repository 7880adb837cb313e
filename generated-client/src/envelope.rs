//! HeyGen's two envelopes can report failure inside a 200 reply (`code` other than 100, or a
//! non-null `error`). The runtime reads them from every 2xx reply's top-level fields, not from
//! the fields the operation's success type declares, so a failure in either envelope is caught
//! whatever the type: during the typed decode where it can (`decode.rs`), from the raw body
//! otherwise ([`raw_outcome`]).
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
    // Nearly every reply is a success: one quick pass says so without serde's full parse of the
    // body (which, for a 1 MB list, cost a third of the time its typed decode does).
    if plainly_succeeded(body) { RawOutcome::Success } else { parsed_outcome(body) }
}

/// [`raw_outcome`] by serde's full parse of the envelope fields.
fn parsed_outcome(body: &[u8]) -> RawOutcome {
    ErrorFields::parse(body).map_or(RawOutcome::Success, ErrorFields::outcome)
}

/// The top-level envelope fields of an object, each as it came (`decode.rs` copies them as the
/// typed decode goes by): in slots rather than a map, so that copying them hashes and allocates
/// nothing beyond the values.
#[derive(Default)]
pub(crate) struct EnvelopeFields {
    code: Option<Value>,
    message: Option<Value>,
    msg: Option<Value>,
    error: Option<Value>,
}

impl EnvelopeFields {
    /// The fields' names.
    pub(crate) const NAMES: [&'static str; 4] = ["code", "message", "msg", "error"];

    /// The slot of the field `name` (one of [`Self::NAMES`]).
    pub(crate) fn slot(&mut self, name: &str) -> &mut Option<Value> {
        match name {
            "code" => &mut self.code,
            "message" => &mut self.message,
            "msg" => &mut self.msg,
            _ => &mut self.error,
        }
    }
}

/// [`raw_outcome`] of an object whose top-level envelope fields, each at most once, are
/// `fields`.
pub(crate) fn fields_outcome(fields: EnvelopeFields) -> RawOutcome {
    let EnvelopeFields { code, message, msg, error } = fields;
    // The usual success, decided without building anything: no `error`, and `code` absent or 100.
    let plain_code = code.as_ref().is_none_or(|code| code.as_i64() == Some(SUCCESS_CODE));
    if plain_code && matches!(error, None | Some(Value::Null)) {
        return RawOutcome::Success;
    }
    // Otherwise by the full parse's rule (`ErrorFields`' derive): `null` is absent, and a `code`
    // that is no `ErrorCode` makes the parse fail, which is no failure.
    let present = |value: Option<Value>| value.filter(|value| !value.is_null());
    let code = match present(code).map(serde_json::from_value::<ErrorCode>) {
        None => None,
        Some(Ok(code)) => Some(code),
        Some(Err(_)) => return RawOutcome::Success,
    };
    ErrorFields { code, message: present(message), msg: present(msg), error: present(error) }.outcome()
}

impl ErrorFields {
    /// What the envelope fields say.
    fn outcome(self) -> RawOutcome {
        let fields = self;
        // A nested `error` of any shape says the call failed; without one, a `code` other than 100.
        let failed = match fields.nested() {
            Nested::Nothing => !matches!(fields.code, Some(ErrorCode::Int64(SUCCESS_CODE)) | None),
            Nested::Detail(_) | Nested::Text(_) | Nested::Other => true,
        };
        // What it said is read by the same rule as a 4xx body's (`ErrorFields::reported`), so the
        // same body gives the same `ApiError` whatever its status.
        if failed { RawOutcome::Failure(fields.reported()) } else { RawOutcome::Success }
    }
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

/// Whether `body` reports no failure, found by walking the top level of the JSON object without
/// building or checking anything below it: `true` only when the `code` is absent or exactly
/// `100` and the `error` absent, `null` or `""`, each at most once, with no escaped key (which
/// could spell either name); `false` means "not sure", and the full parse decides.
///
/// `true` agrees with the full parse: on well-formed JSON this walk sees the same top-level
/// fields serde does, and on malformed JSON serde's parse fails, which is no failure either (the
/// typed decode then reports the body). Not an object: no envelope, as in `ErrorFields::parse`.
fn plainly_succeeded(body: &[u8]) -> bool {
    let mut at = skip_space(body, 0);
    if body.get(at) != Some(&b'{') {
        return true;
    }
    let (mut code, mut error) = (false, false);
    loop {
        at = skip_space(body, at + 1);
        match body.get(at) {
            Some(b'}') => return true,
            Some(b'"') => {}
            _ => return false,
        }
        let Some(key_end) = string_end(body, at) else { return false };
        let key = &body[at + 1..key_end - 1];
        at = skip_space(body, key_end);
        if body.get(at) != Some(&b':') || key.contains(&b'\\') {
            return false;
        }
        let start = skip_space(body, at + 1);
        let Some(end) = value_end(body, start) else { return false };
        let value = &body[start..end];
        // A second `code` or `error` is left to serde too.
        match key {
            b"code" if value == b"100" && !code => code = true,
            b"error" if matches!(value, b"null" | b"\"\"") && !error => error = true,
            b"code" | b"error" => return false,
            _ => {}
        }
        at = skip_space(body, end);
        match body.get(at) {
            Some(b',') => {}
            Some(b'}') => return true,
            _ => return false,
        }
    }
}

fn skip_space(body: &[u8], mut at: usize) -> usize {
    while body.get(at).is_some_and(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r')) {
        at += 1;
    }
    at
}

/// The index just past the string that opens at `start` (a `"`).
#[inline(always)] // called for every string of the body: a call would cost as much as its work
fn string_end(body: &[u8], start: usize) -> Option<usize> {
    let mut at = start + 1;
    loop {
        at = quote_or_escape(body, at)?;
        if body[at] == b'"' {
            return Some(at + 1);
        }
        // An escape: its next byte is part of it (`\"` included).
        at += 2;
    }
}

/// The index of the first `"` or `\` at or after `at`. Most strings in a reply are short: their
/// first 32 bytes are tested eight at a time (a call of `memchr2` costs more than such a string).
#[inline(always)]
fn quote_or_escape(body: &[u8], mut at: usize) -> Option<usize> {
    const ONES: u64 = u64::from_le_bytes([1; 8]);
    // The high bit of each byte of `word` that equals `byte`; exact up to the lowest one found.
    let equal = |word: u64, byte: u8| {
        let x = word ^ (ONES * u64::from(byte));
        x.wrapping_sub(ONES) & !x & (ONES << 7)
    };
    for _ in 0..4 {
        let Some(bytes) = body.get(at..at + 8) else { break };
        let word = u64::from_le_bytes(bytes.try_into().ok()?);
        let found = equal(word, b'"') | equal(word, b'\\');
        if found != 0 {
            return Some(at + found.trailing_zeros() as usize / 8);
        }
        at += 8;
    }
    Some(at + memchr::memchr2(b'"', b'\\', body.get(at..)?)?)
}

/// Bytes that end a run of uninteresting bytes inside an array or object.
static STRUCTURAL: [bool; 256] = {
    let mut table = [false; 256];
    table[b'"' as usize] = true;
    table[b'{' as usize] = true;
    table[b'}' as usize] = true;
    table[b'[' as usize] = true;
    table[b']' as usize] = true;
    table
};

/// The index just past the value that starts at `start`.
fn value_end(body: &[u8], start: usize) -> Option<usize> {
    match body.get(start)? {
        b'"' => string_end(body, start),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut at = start;
            loop {
                while !STRUCTURAL[usize::from(*body.get(at)?)] {
                    at += 1;
                }
                match body[at] {
                    b'"' => {
                        at = string_end(body, at)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    _ => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(at + 1);
                        }
                    }
                }
                at += 1;
            }
        }
        _ => {
            let length =
                body[start..].iter().position(|b| matches!(b, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r'));
            let end = start + length.unwrap_or(body.len() - start);
            (end > start).then_some(end)
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// `count` bodies made from `seeds` cut and altered at random, seeded so that a failure
    /// repeats: each a seed with up to three bytes changed, inserted or cut off at.
    pub(crate) fn mutations(seeds: &[&[u8]], count: usize) -> impl Iterator<Item = Vec<u8>> {
        let mut rng = fastrand::Rng::with_seed(27);
        let alphabet = br#"{}[]":,\ 0149-.eEtrufalsnoc"#;
        (0..count).map(move |_| {
            let mut body = seeds[rng.usize(..seeds.len())].to_vec();
            for _ in 0..rng.usize(0..4) {
                let at = rng.usize(..=body.len());
                match rng.u8(0..3) {
                    0 if at < body.len() => body[at] = alphabet[rng.usize(..alphabet.len())],
                    1 => body.insert(at, alphabet[rng.usize(..alphabet.len())]),
                    _ => body.truncate(at),
                }
            }
            body
        })
    }

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

    /// The quick pass says "success" only where the full parse does, and does say it for the
    /// replies HeyGen sends.
    #[test]
    fn the_quick_pass_agrees_with_the_full_parse() {
        let plain: &[&str] = &[
            r#"{"code":100,"data":{"videos":[{"code":400,"error":"x"}]},"message":"Success"}"#,
            r#"{"data":{"id":"v"},"error":null}"#,
            r#" { "code" : 100 , "error" : "" , "message" : "a \"code\": 400 }" } "#,
            r#"{"data":[["{",{"}":"]"}],"\\"],"msg":{"code":1}}"#,
            r#"{}"#,
            r#"[{"code":400}]"#,
            r#""code""#,
        ];
        let unsure: &[&str] = &[
            r#"{"code":400,"message":"bad"}"#,
            r#"{"data":{},"error":{"code":"x","message":"m"}}"#,
            r#"{"error":"text"}"#,
            r#"{"error":{}}"#,
            r#"{"code":100.0}"#,
            r#"{"code":"100"}"#,
            r#"{"\u0063ode":400}"#,
            r#"{"code":100,"code":400}"#,
            r#"{"error":null,"error":{"code":"x"}}"#,
            r#"{"data":[1,2"#,
            r#"{"code""#,
        ];
        for body in plain {
            assert!(plainly_succeeded(body.as_bytes()), "{body}");
            assert!(matches!(parsed_outcome(body.as_bytes()), RawOutcome::Success), "{body}");
        }
        for body in unsure {
            assert!(!plainly_succeeded(body.as_bytes()), "{body}");
        }
    }

    /// On bodies cut and altered at random (seeded, so a failure repeats), a quick "success" is
    /// always the full parse's verdict too.
    #[test]
    fn the_quick_pass_never_hides_a_failure() {
        let seeds: &[&[u8]] = &[
            br#"{"code":100,"data":{"list":[{"id":"a\"b","n":1.5e3},null,true]},"message":"Success","error":null}"#,
            br#"{"code":40001,"message":"bad","data":null}"#,
            br#"{"error":{"code":"invalid_parameter","message":"m","param":"title"},"data":{}}"#,
            br#"{"data":{"code":400,"error":"inside"},"msg":"ok","error":""}"#,
        ];
        let (mut quick, mut failures) = (0, 0);
        for body in mutations(seeds, 20_000) {
            let failed = matches!(parsed_outcome(&body), RawOutcome::Failure(_));
            failures += usize::from(failed);
            if plainly_succeeded(&body) {
                quick += 1;
                assert!(!failed, "the quick pass missed the failure in {}", String::from_utf8_lossy(&body));
            }
        }
        // Both verdicts came up often, so the check above was exercised.
        assert!(quick > 2_000 && failures > 2_000, "quick successes {quick}, failures {failures}");
    }
}
