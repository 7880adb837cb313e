//! The corpora of real bodies: `tests/fixtures/real/` for the legacy API and
//! `tests/fixtures/real/v3/` for v3. Bodies HeyGen's pages, HeyGen's published document and
//! HeyGen's own code show, and bodies public client code sees from the real API, each listed in
//! its directory's `index.json` with its source.

use std::path::PathBuf;

use serde::Deserialize;
use serde_json::Value;

use crate::Document;

/// One body of the corpus, as `index.json` describes it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// The body's file, beside `index.json`.
    pub file: String,
    /// The operation the body belongs to, or `webhook` for a delivery.
    pub operation: String,
    pub kind: Kind,
    /// The HTTP status the body came with; none for requests and webhook deliveries.
    pub status: Option<u16>,
    /// The job state or case the body shows (`pending`, `failed`, `not-found`...).
    pub state: String,
    pub origin: Origin,
    /// Where the body was seen: a page's address, or which public code shows it.
    pub source: String,
    /// How the body differs from what the source shows, if at all.
    #[serde(default)]
    pub note: Option<String>,
    /// `rejected` for a body the spec deliberately refuses, with `reason`.
    #[serde(default)]
    pub expect: Option<Expect>,
    #[serde(default)]
    pub reason: Option<String>,
    /// The spec change a body still waits for (`required-rule`: a reply field required where
    /// HeyGen's document leaves it optional, being fixed on another branch). The corpus test
    /// runs such a body and expects it to fail still, so the mark cannot outlive its reason.
    #[serde(default)]
    pub awaits: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Request,
    Reply,
    Error,
    Webhook,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Origin {
    HeygenPage,
    ThirdPartyCode,
    /// An example of HeyGen's published OpenAPI document (`external-api-2026-04-08.json`); the
    /// source is its JSON pointer there.
    HeygenDocument,
    /// HeyGen's own public code: the `heygen-com/heygen-cli` and `heygen-com/skills`
    /// repositories (test mocks, command examples, verified replies in skill references).
    HeygenCode,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Expect {
    Rejected,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Index {
    bodies: Vec<Entry>,
}

/// The corpus directory of `doc`'s API.
pub fn directory(doc: Document) -> PathBuf {
    match doc {
        Document::Legacy => crate::fixture("real"),
        Document::V3 => crate::fixture("real/v3"),
    }
}

/// Every entry of `doc`'s `index.json`, in file order.
pub fn entries(doc: Document) -> Vec<Entry> {
    let path = directory(doc).join("index.json");
    let index = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let index: Index = serde_json::from_str(&index).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    index.bodies
}

/// The body of `entry` of `doc`'s corpus, parsed.
pub fn body(doc: Document, entry: &Entry) -> Value {
    let path = directory(doc).join(&entry.file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every leaf of `original` that `copy` lacks or holds a different value for, as JSON pointers.
/// Numbers compare by value (`48` equals `48.0`). With `empty_is_absent`, a null, `[]` or `{}`
/// leaf is also satisfied by a missing member: typed replies read null and absent alike as
/// `None`, and an absent list as an empty one, and leave both out when serialized.
pub fn missing_leaves(original: &Value, copy: &Value, empty_is_absent: bool) -> Vec<String> {
    let mut missing = Vec::new();
    walk(original, Some(copy), String::new(), empty_is_absent, &mut missing);
    missing
}

fn walk(original: &Value, copy: Option<&Value>, pointer: String, empty_is_absent: bool, missing: &mut Vec<String>) {
    match original {
        Value::Object(members) if !members.is_empty() => {
            for (key, value) in members {
                let child = copy.and_then(|c| c.get(key));
                let escaped = key.replace('~', "~0").replace('/', "~1");
                walk(value, child, format!("{pointer}/{escaped}"), empty_is_absent, missing);
            }
        }
        Value::Array(items) if !items.is_empty() => {
            for (i, value) in items.iter().enumerate() {
                let child = copy.and_then(|c| c.get(i));
                walk(value, child, format!("{pointer}/{i}"), empty_is_absent, missing);
            }
        }
        Value::Null | Value::Array(_) | Value::Object(_) if empty_is_absent && copy.is_none_or(Value::is_null) => {}
        leaf => {
            let equal = match (leaf, copy) {
                (Value::Number(a), Some(Value::Number(b))) => a.as_f64() == b.as_f64(),
                (a, Some(b)) => a == b,
                (_, None) => false,
            };
            if !equal {
                let got = copy.map_or("nothing".to_owned(), Value::to_string);
                missing.push(format!("{pointer}: {leaf} became {got}"));
            }
        }
    }
}
