//! The v3 rule for `required` in replies. A required reply field makes decoding fail when HeyGen
//! leaves it out, so in the v3 document a reply field is required only with evidence that HeyGen
//! always sends it, written beside the `required` list of its schema:
//!
//! ```yaml
//! required: [data, id]
//! x-required-evidence: {data: bodies, id: heygen}
//! ```
//!
//! - `heygen`: HeyGen's published document (`external-api-2026-04-08.json`) requires it in the
//!   same place of the same operation's reply (the conformance test `tests/tests/it/v3_conformance.rs`
//!   checks the claim whenever that document is at hand; the generator cannot read it in CI);
//! - `bodies`: HeyGen's document does not say, and every body we hold carries it: every reply of
//!   the v3 corpus (`tests/fixtures/real/v3/`, whose test fails on any reply without it), every
//!   example of this spec (the examples rule) and every success example of HeyGen's document
//!   (checked by the same test).
//!
//! A union's tag needs no evidence (the union cannot decode without it). The generator reports a
//! required field without evidence, evidence that is neither word, and evidence for a field that
//! is not required, each at its line; and writes the list of every required reply field with its
//! evidence to `docs/v3-required-fields.md`.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::examples::{is_tag, properties, required, resolve_ref, success_responses};
use crate::load::LoadedSpec;
use crate::source::{Problem, escape_segment};

/// The schema extension that gives each required reply field its evidence.
pub const EVIDENCE: &str = "x-required-evidence";
/// Where the list of required reply fields is written, relative to the workspace root.
pub(crate) const PATH: &str = "docs/v3-required-fields.md";

/// Why a reply field may be required.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Evidence {
    /// HeyGen's published document requires it.
    Heygen,
    /// Every body we hold carries it, and HeyGen's document does not say.
    Bodies,
}

impl Evidence {
    fn parse(word: &str) -> Option<Self> {
        match word {
            "heygen" => Some(Self::Heygen),
            "bodies" => Some(Self::Bodies),
            _ => None,
        }
    }
}

/// One required field of a schema a reply reaches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequiredField {
    /// The schema's pointer in the (downgraded) document.
    pub schema: String,
    pub field: String,
    /// `None` for a union's tag.
    pub evidence: Option<Evidence>,
    /// Where each operation's reply holds it (`data[].id`), by operation id.
    pub places: BTreeMap<String, BTreeSet<String>>,
}

/// Problems with the evidence of required reply fields (the v3 rules only).
pub(crate) fn check(spec: &LoadedSpec) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut report = |pointer: String, message: String| problems.push(spec.lines.problem(pointer, message));
    for (pointer, _) in reachable(&spec.json) {
        let Some(schema) = spec.json.pointer(&pointer) else { continue };
        let fields: BTreeSet<&str> = required(schema).collect();
        let evidence = schema.get(EVIDENCE);
        if let Some(evidence) = evidence.filter(|e| !e.is_object()) {
            report(
                format!("{pointer}/{EVIDENCE}"),
                format!("{EVIDENCE} must map required fields to `heygen` or `bodies`, not {evidence}"),
            );
            continue;
        }
        let given = evidence.and_then(Value::as_object);
        for (index, field) in required(schema).enumerate() {
            if is_tag(schema, field) {
                continue;
            }
            match given.and_then(|g| g.get(field)) {
                None => report(
                    format!("{pointer}/required/{index}"),
                    format!(
                        "`{field}` is required in a reply without evidence: add `{field}: heygen` (HeyGen's document \
                         requires it) or `{field}: bodies` (every body we hold carries it) to {EVIDENCE}, or make it optional"
                    ),
                ),
                Some(word) if word.as_str().and_then(Evidence::parse).is_none() => report(
                    format!("{pointer}/{EVIDENCE}/{}", escape_segment(field)),
                    format!("the evidence for `{field}` must be `heygen` or `bodies`, not {word}"),
                ),
                Some(_) => {}
            }
        }
        for name in given.into_iter().flat_map(|g| g.keys()).filter(|name| !fields.contains(name.as_str())) {
            report(
                format!("{pointer}/{EVIDENCE}/{}", escape_segment(name)),
                format!("`{name}` has evidence but is not required: remove it, or list it in `required`"),
            );
        }
    }
    problems.sort_by(|a, b| (a.line, &a.pointer).cmp(&(b.line, &b.pointer)));
    problems.dedup();
    problems
}

/// Every required field of every schema a success reply reaches, with its evidence and the
/// places that hold it, in schema order.
pub fn fields(root: &Value) -> Vec<RequiredField> {
    let mut out = Vec::new();
    for (pointer, places) in reachable(root) {
        let Some(schema) = root.pointer(&pointer) else { continue };
        let given = schema.get(EVIDENCE).and_then(Value::as_object);
        for field in required(schema) {
            let evidence = if is_tag(schema, field) {
                None
            } else {
                given.and_then(|g| g.get(field)).and_then(Value::as_str).and_then(Evidence::parse)
            };
            let places =
                places.iter().map(|(op, at)| (op.clone(), at.iter().map(|at| join(at, field)).collect())).collect();
            out.push(RequiredField { schema: pointer.clone(), field: field.to_owned(), evidence, places });
        }
    }
    out
}

fn join(at: &str, field: &str) -> String {
    if at.is_empty() { field.to_owned() } else { format!("{at}.{field}") }
}

/// The list of required reply fields, as Markdown.
pub(crate) fn markdown(root: &Value) -> String {
    let mut out = format!(
        "<!-- @generated by `cargo xtask generate` from spec/heygen-v3.yaml ({EVIDENCE}). Do not edit by hand. -->\n\n\
         # Required fields in v3 replies\n\n\
         A field listed in a reply schema's `required` makes the reply fail to decode when HeyGen leaves\n\
         it out, so in `spec/heygen-v3.yaml` a reply field is required only with evidence that HeyGen\n\
         always sends it (`{EVIDENCE}` beside the `required` list; the generator refuses a required\n\
         reply field without it). Every other reply field is optional (`Option<T>`, or an empty list).\n\n\
         - **heygen**: HeyGen's published document (`external-api-2026-04-08.json`) requires it in the\n  \
           same place of the same operation's reply. `tests/tests/it/v3_conformance.rs` checks each such claim\n  \
           against that document whenever it is at hand (`../shared/heygen-api/v3/`).\n\
         - **bodies**: HeyGen's document does not require it, and every body we hold carries it: the\n  \
           replies of the v3 corpus `tests/fixtures/real/v3/` (whose test fails on a reply without it),\n  \
           every example in our spec (the generator's examples rule) and every success example of\n  \
           HeyGen's document (the conformance test; the 2026-04-08 edition has none). In practice this\n  \
           is `data`, which HeyGen's document never lists as required and every v3 body carries.\n\
         - **tag**: a union's tag, without which the union cannot decode.\n\n\
         Where a body HeyGen shows leaves out a field its document requires (`first_name` of\n\
         `get_current_user`, `avatar_type` of a created look), the body wins and the field is optional.\n\
         Paging: `has_more` is optional on every paged reply; a reply without it ends the stream only\n\
         when it has no `next_token` either.\n\n\
         | operation | field | evidence | schema |\n|---|---|---|---|\n"
    );
    let mut rows = BTreeSet::new();
    for field in fields(root) {
        let evidence = match field.evidence {
            Some(Evidence::Heygen) => "heygen",
            Some(Evidence::Bodies) => "bodies",
            None => "tag",
        };
        let schema = field.schema.trim_start_matches("/components/schemas/").to_owned();
        for (op, places) in &field.places {
            for place in places {
                rows.insert((op.clone(), place.clone(), evidence, schema.clone()));
            }
        }
    }
    for (op, place, evidence, schema) in rows {
        out.push_str(&format!("| `{op}` | `{place}` | {evidence} | `{schema}` |\n"));
    }
    out
}

/// Deep enough for any real schema; stops a `$ref` cycle in a broken document.
const MAX_DEPTH: usize = 32;

/// Every object schema a success reply reaches (through `$ref`, `allOf`, `oneOf`, `anyOf`,
/// properties, items and additional properties), with where each operation's reply holds it.
fn reachable(root: &Value) -> BTreeMap<String, BTreeMap<String, BTreeSet<String>>> {
    let mut found: BTreeMap<String, BTreeMap<String, BTreeSet<String>>> = BTreeMap::new();
    for (id, pointer, schema, _) in success_responses(root) {
        reach(root, schema, &pointer, &id, String::new(), &mut found, 0);
    }
    found
}

fn reach(
    root: &Value,
    schema: &Value,
    pointer: &str,
    op: &str,
    place: String,
    found: &mut BTreeMap<String, BTreeMap<String, BTreeSet<String>>>,
    depth: usize,
) {
    if depth > MAX_DEPTH {
        return;
    }
    let (pointer, schema) = resolve_ref(root, schema).unwrap_or_else(|| (pointer.to_owned(), schema));
    if !schema.is_object()
        || !found.entry(pointer.clone()).or_default().entry(op.to_owned()).or_default().insert(place.clone())
    {
        return;
    }
    for keyword in ["allOf", "oneOf", "anyOf"] {
        for (i, part) in schema.get(keyword).and_then(Value::as_array).into_iter().flatten().enumerate() {
            reach(root, part, &format!("{pointer}/{keyword}/{i}"), op, place.clone(), found, depth + 1);
        }
    }
    for (name, property) in properties(schema) {
        let at = format!("{pointer}/properties/{}", escape_segment(name));
        reach(root, property, &at, op, join(&place, name), found, depth + 1);
    }
    if let Some(items) = schema.get("items").filter(|s| s.is_object()) {
        reach(root, items, &format!("{pointer}/items"), op, format!("{place}[]"), found, depth + 1);
    }
    if let Some(extra) = schema.get("additionalProperties").filter(|s| s.is_object()) {
        reach(root, extra, &format!("{pointer}/additionalProperties"), op, format!("{place}{{}}"), found, depth + 1);
    }
}
