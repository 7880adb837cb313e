//! The typed decode of a 2xx reply, which reads HeyGen's envelope fields in the same pass.
//!
//! HeyGen's two envelopes can report a failure inside a 2xx reply (`envelope.rs`). Checking that
//! on the raw body before decoding it meant reading every byte twice, which for a 1 MB list cost
//! the client a sixth of its time. Here the success type decodes through an adapter that watches
//! the top level of the object go by: it hands every field to the type untouched and keeps a copy
//! of the envelope's own (`code`, `message`, `msg`, `error`), which are small. The verdict on those
//! copies is the one `envelope::raw_outcome` gives on the whole body (the same rule), and where
//! the adapter cannot vouch for what it saw (the type read the top level some other way, a key
//! did not come as text, an envelope field came twice) or the decode failed, `raw_outcome` reads
//! the body as before.

use progenitor_client::ResponseValue;
use reqwest::Response;
use serde::de::{self, DeserializeOwned, DeserializeSeed, Deserializer, MapAccess, Visitor};
use serde_json::Value;

use crate::envelope::{EnvelopeFields, RawOutcome, Reported, fields_outcome, raw_outcome};
use crate::error::{ApiError, Error};
use crate::reply::{kept_body, request_id};
use crate::verdict::carry;

/// What a 2xx body gave.
pub(crate) enum Checked<T> {
    /// The success type, from a body whose envelope reports no failure.
    Decoded(T),
    /// The envelope reports a failure (whether or not the body also decodes).
    Failure(Reported),
    /// No failure reported, and the body is not the success type.
    Invalid(serde_json::Error),
}

/// Decodes a 2xx `body` as `T` and reads its envelope, in one pass over the bytes where it can.
pub(crate) fn decode_checked<T: DeserializeOwned>(body: &[u8]) -> Checked<T> {
    one_pass(body).0
}

/// [`decode_checked`], and whether the body had to be read a second time (for the tests).
fn one_pass<T: DeserializeOwned>(body: &[u8]) -> (Checked<T>, bool) {
    let mut seen = Seen::default();
    let mut json = serde_json::Deserializer::from_slice(body);
    let decoded = T::deserialize(Top { json: &mut json, seen: &mut seen }).and_then(|value| json.end().map(|()| value));
    let vouched = seen.object && !seen.unsure;
    let (outcome, again) = match &decoded {
        Ok(_) if vouched => (fields_outcome(seen.fields), false),
        // The full reading decides; it reads past anything the typed decode choked on.
        _ => (raw_outcome(body), true),
    };
    let checked = match (outcome, decoded) {
        (RawOutcome::Failure(reported), _) => Checked::Failure(reported),
        (RawOutcome::Success, Ok(value)) => Checked::Decoded(value),
        (RawOutcome::Success, Err(error)) => Checked::Invalid(error),
    };
    (checked, again)
}

/// What generated methods call for a declared success status in place of progenitor's
/// `ResponseValue::from_response`: the same decode, with the envelope read along the way. A
/// failure the envelope reports travels as a verdict (`verdict.rs`) to [`crate::finish::finish`].
pub async fn decode<T: DeserializeOwned>(
    mut response: Response,
    operation: &'static str,
) -> Result<ResponseValue<T>, progenitor_client::Error> {
    let status = response.status();
    // The headers move out rather than being copied: reading the body needs none of them.
    let headers = std::mem::take(response.headers_mut());
    let body = response.bytes().await.map_err(progenitor_client::Error::ResponseBodyError)?;
    match decode_checked::<T>(&body) {
        Checked::Decoded(value) => Ok(ResponseValue::new(value, status, headers)),
        Checked::Invalid(error) => Err(progenitor_client::Error::InvalidResponsePayload(body, error)),
        Checked::Failure(reported) => {
            let (request_id, body) = (request_id(&headers), kept_body(&body));
            let error = ApiError::reported(operation, status, reported, request_id, body, None);
            Err(progenitor_client::Error::ResponseBodyError(carry(Error::Api(error)).await))
        }
    }
}

/// The envelope fields as they went by, and whether they can be trusted to be all there is.
#[derive(Default)]
struct Seen {
    /// The top level was read here as an object.
    object: bool,
    /// Something was not seen plainly: a key that did not come as text, or an envelope field
    /// that came twice (serde's full parse, the judge, refuses a repeated field).
    unsure: bool,
    /// The envelope's own fields, copied.
    fields: EnvelopeFields,
}

/// The envelope's field names.
fn envelope_field(key: &str) -> Option<&'static str> {
    EnvelopeFields::NAMES.into_iter().find(|name| *name == key)
}

/// serde_json's deserializer at the top of the body, handing the type's visitor an object whose
/// fields are watched.
struct Top<'a, 'de> {
    json: &'a mut serde_json::Deserializer<serde_json::de::SliceRead<'de>>,
    seen: &'a mut Seen,
}

/// The type's visitor, given the top level: only an object is watched.
struct TopVisitor<'a, V> {
    inner: V,
    seen: &'a mut Seen,
}

/// The top-level object's fields, each handed on, the envelope's copied.
struct Fields<'a, A> {
    map: A,
    seen: &'a mut Seen,
    /// The envelope field whose value comes next.
    pending: Option<&'static str>,
}

/// A key's seed, which notes the key's name as it goes by.
struct KeySeed<'a, K> {
    seed: K,
    name: &'a mut KeyName,
}

/// What a key turned out to be.
#[derive(Clone, Copy)]
enum KeyName {
    /// Not seen as text.
    Unseen,
    /// Not an envelope field.
    Other,
    /// One of the envelope's fields.
    Envelope(&'static str),
}

/// A key's deserializer, whose visitor notes the key's name.
struct KeyDeserializer<'a, D> {
    inner: D,
    name: &'a mut KeyName,
}

/// The key's visitor: notes the name of a key that comes as text, and hands it on.
struct KeyVisitor<'a, V> {
    inner: V,
    name: &'a mut KeyName,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Fields<'_, A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, A::Error> {
        let mut name = KeyName::Unseen;
        let key = self.map.next_key_seed(KeySeed { seed, name: &mut name })?;
        if key.is_some() {
            match name {
                KeyName::Unseen => self.seen.unsure = true,
                KeyName::Other => {}
                KeyName::Envelope(field) => self.pending = Some(field),
            }
        }
        Ok(key)
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, A::Error> {
        let Some(field) = self.pending.take() else { return self.map.next_value_seed(seed) };
        // An envelope field is small: it is read once into a value, kept, and handed on.
        let value: Value = self.map.next_value()?;
        let handed = seed.deserialize(value.clone()).map_err(de::Error::custom)?;
        if self.seen.fields.slot(field).replace(value).is_some() {
            self.seen.unsure = true;
        }
        Ok(handed)
    }

    fn size_hint(&self) -> Option<usize> {
        self.map.size_hint()
    }
}

impl<'de, K: DeserializeSeed<'de>> DeserializeSeed<'de> for KeySeed<'_, K> {
    type Value = K::Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<K::Value, D::Error> {
        self.seed.deserialize(KeyDeserializer { inner: deserializer, name: self.name })
    }
}

impl KeyName {
    fn of(key: &str) -> Self {
        envelope_field(key).map_or(KeyName::Other, KeyName::Envelope)
    }

    fn of_bytes(key: &[u8]) -> Self {
        std::str::from_utf8(key).map_or(KeyName::Unseen, KeyName::of)
    }
}

/// Every `deserialize_*` method of a wrapping deserializer: the wrapped one's (`self.$inner`),
/// given the visitor wrapped in `$visitor`, which shares the deserializer's `$shared` field.
macro_rules! forward_deserialize {
    ($inner:ident, $visitor:ident, $shared:ident; $($method:ident($($arg:ident: $ty:ty),*);)*) => {$(
        fn $method<V: Visitor<'de>>(self, $($arg: $ty,)* visitor: V) -> Result<V::Value, Self::Error> {
            self.$inner.$method($($arg,)* $visitor { inner: visitor, $shared: self.$shared })
        }
    )*};
}

/// The list of `deserialize_*` methods, with the arguments each takes before the visitor.
macro_rules! every_deserialize {
    ($inner:ident, $visitor:ident, $shared:ident) => {
        forward_deserialize! {$inner, $visitor, $shared;
            deserialize_any(); deserialize_bool(); deserialize_i8(); deserialize_i16(); deserialize_i32();
            deserialize_i64(); deserialize_i128(); deserialize_u8(); deserialize_u16(); deserialize_u32();
            deserialize_u64(); deserialize_u128(); deserialize_f32(); deserialize_f64(); deserialize_char();
            deserialize_str(); deserialize_string(); deserialize_bytes(); deserialize_byte_buf();
            deserialize_option(); deserialize_unit(); deserialize_unit_struct(name: &'static str);
            deserialize_newtype_struct(name: &'static str); deserialize_seq(); deserialize_tuple(len: usize);
            deserialize_tuple_struct(name: &'static str, len: usize); deserialize_map();
            deserialize_struct(name: &'static str, fields: &'static [&'static str]);
            deserialize_enum(name: &'static str, variants: &'static [&'static str]);
            deserialize_identifier(); deserialize_ignored_any();
        }
    };
}

impl<'de, 'a> Deserializer<'de> for Top<'a, 'de> {
    type Error = serde_json::Error;

    every_deserialize!(json, TopVisitor, seen);
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for KeyDeserializer<'_, D> {
    type Error = D::Error;

    every_deserialize!(inner, KeyVisitor, name);

    fn is_human_readable(&self) -> bool {
        self.inner.is_human_readable()
    }
}

/// The visitor methods a wrapping visitor hands on unchanged, each with its one argument.
macro_rules! forward_visit {
    ($($method:ident($ty:ty);)*) => {$(
        fn $method<E: de::Error>(self, v: $ty) -> Result<Self::Value, E> {
            self.inner.$method(v)
        }
    )*};
}

/// What both wrapping visitors hand on unchanged.
macro_rules! forward_common_visits {
    () => {
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            self.inner.expecting(f)
        }

        forward_visit! {
            visit_bool(bool); visit_i8(i8); visit_i16(i16); visit_i32(i32); visit_i64(i64); visit_i128(i128);
            visit_u8(u8); visit_u16(u16); visit_u32(u32); visit_u64(u64); visit_u128(u128); visit_f32(f32);
            visit_f64(f64); visit_char(char);
        }

        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            self.inner.visit_none()
        }

        fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
            self.inner.visit_some(deserializer)
        }

        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            self.inner.visit_unit()
        }

        fn visit_newtype_struct<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
            self.inner.visit_newtype_struct(deserializer)
        }

        fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
            self.inner.visit_seq(seq)
        }

        fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<Self::Value, A::Error> {
            self.inner.visit_enum(data)
        }
    };
}

impl<'de, V: Visitor<'de>> Visitor<'de> for TopVisitor<'_, V> {
    type Value = V::Value;

    forward_common_visits!();

    forward_visit! {
        visit_str(&str); visit_borrowed_str(&'de str); visit_string(String); visit_bytes(&[u8]);
        visit_borrowed_bytes(&'de [u8]); visit_byte_buf(Vec<u8>);
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        self.seen.object = true;
        self.inner.visit_map(Fields { map, seen: self.seen, pending: None })
    }
}

impl<'de, V: Visitor<'de>> Visitor<'de> for KeyVisitor<'_, V> {
    type Value = V::Value;

    forward_common_visits!();

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        *self.name = KeyName::of(v);
        self.inner.visit_str(v)
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        *self.name = KeyName::of(v);
        self.inner.visit_borrowed_str(v)
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        *self.name = KeyName::of(&v);
        self.inner.visit_string(v)
    }

    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Self::Value, E> {
        *self.name = KeyName::of_bytes(v);
        self.inner.visit_bytes(v)
    }

    fn visit_borrowed_bytes<E: de::Error>(self, v: &'de [u8]) -> Result<Self::Value, E> {
        *self.name = KeyName::of_bytes(v);
        self.inner.visit_borrowed_bytes(v)
    }

    fn visit_byte_buf<E: de::Error>(self, v: Vec<u8>) -> Result<Self::Value, E> {
        *self.name = KeyName::of_bytes(&v);
        self.inner.visit_byte_buf(v)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        self.inner.visit_map(map)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde::Deserialize;

    use super::*;

    /// v3's shape: the envelope fields are not the type's.
    #[derive(Deserialize, Debug, PartialEq)]
    struct Plain {
        data: Option<Value>,
    }

    /// The older envelope, declared.
    #[derive(Deserialize, Debug, PartialEq)]
    struct Legacy {
        code: Option<i64>,
        data: Option<Value>,
        message: Option<String>,
    }

    /// A type that buffers the object before reading it (serde's `flatten`).
    #[derive(Deserialize, Debug, PartialEq)]
    struct Flattened {
        data: Option<Value>,
        #[serde(flatten)]
        rest: BTreeMap<String, Value>,
    }

    /// `data` required.
    #[derive(Deserialize, Debug, PartialEq)]
    struct Strict {
        data: Value,
    }

    /// What `decode_checked` must give: the raw body's envelope verdict, then serde's decode.
    fn reference<T: DeserializeOwned>(body: &[u8]) -> Checked<T> {
        match (raw_outcome(body), serde_json::from_slice::<T>(body)) {
            (RawOutcome::Failure(reported), _) => Checked::Failure(reported),
            (RawOutcome::Success, Ok(value)) => Checked::Decoded(value),
            (RawOutcome::Success, Err(error)) => Checked::Invalid(error),
        }
    }

    /// Whether the one-pass decode and the reference agree on `body` read as `T`; counts the
    /// verdicts in `tally` (decoded, failure, invalid, read twice).
    fn agrees<T: DeserializeOwned + PartialEq + std::fmt::Debug>(body: &[u8], tally: &mut [usize; 4]) {
        let ((ours, again), theirs) = (one_pass::<T>(body), reference::<T>(body));
        let text = String::from_utf8_lossy(body);
        tally[3] += usize::from(again);
        match (ours, theirs) {
            (Checked::Decoded(a), Checked::Decoded(b)) => {
                assert_eq!(a, b, "{text}");
                tally[0] += 1;
            }
            (Checked::Failure(a), Checked::Failure(b)) => {
                assert_eq!(a, b, "{text}");
                tally[1] += 1;
            }
            (Checked::Invalid(_), Checked::Invalid(_)) => tally[2] += 1,
            (ours, theirs) => panic!("{text}: one pass {:?}, reference {:?}", kind(&ours), kind(&theirs)),
        }
    }

    fn kind<T>(checked: &Checked<T>) -> &'static str {
        match checked {
            Checked::Decoded(_) => "decoded",
            Checked::Failure(_) => "failure",
            Checked::Invalid(_) => "invalid",
        }
    }

    /// On bodies cut and altered at random (seeded, so a failure repeats), read as each kind of
    /// type, the one pass gives what checking the raw body and then decoding it gives.
    #[test]
    fn the_one_pass_agrees_with_the_raw_check_then_the_decode() {
        let seeds: &[&[u8]] = &[
            br#"{"code":100,"data":{"list":[{"id":"a\"b","n":1.5e3},null,true]},"message":"Success","error":null}"#,
            br#"{"code":40001,"message":"bad","data":null}"#,
            br#"{"error":{"code":"invalid_parameter","message":"m","param":"title"},"data":{}}"#,
            br#"{"data":{"code":400,"error":"inside"},"msg":"ok","error":""}"#,
            br#"{"data":[1,2],"has_more":false,"next_token":null}"#,
            br#"{"\u0063ode":400,"data":1}"#,
        ];
        let mut tally = [0; 4];
        for body in crate::envelope::tests::mutations(seeds, 20_000) {
            agrees::<Plain>(&body, &mut tally);
            agrees::<Legacy>(&body, &mut tally);
            agrees::<Flattened>(&body, &mut tally);
            agrees::<Strict>(&body, &mut tally);
            agrees::<Value>(&body, &mut tally);
            agrees::<Option<Plain>>(&body, &mut tally);
        }
        // Every verdict came up often, so each comparison above was exercised.
        let [decoded, failures, invalid, _] = tally;
        assert!(decoded > 10_000 && failures > 10_000 && invalid > 10_000, "{tally:?}");
    }

    /// The replies HeyGen sends are read once: the envelope comes from the typed decode, whether
    /// the type declares the envelope's fields, buffers the object, or is any JSON value.
    #[test]
    fn a_plain_reply_is_read_once() {
        let bodies: &[&[u8]] = &[
            br#"{"code":100,"data":{"video_id":"v"},"message":"Success"}"#,
            br#"{"data":{"id":"v","error":{"code":"x"}},"error":null}"#,
            br#"{"data":[{"id":"a"}],"has_more":true,"next_token":"t"}"#,
            br#"{"code":40001,"message":"bad","data":null}"#,
            br#"{"data":{},"error":{"code":"invalid_parameter","message":"m"}}"#,
        ];
        for body in bodies {
            let text = String::from_utf8_lossy(body);
            assert!(!one_pass::<Plain>(body).1, "{text} as Plain");
            assert!(!one_pass::<Legacy>(body).1, "{text} as Legacy");
            assert!(!one_pass::<Flattened>(body).1, "{text} as Flattened");
            assert!(!one_pass::<Value>(body).1, "{text} as Value");
        }
        // What the adapter cannot vouch for is read again: a repeated envelope field.
        assert!(one_pass::<Plain>(br#"{"code":100,"code":400}"#).1);
    }
}
