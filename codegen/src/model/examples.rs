//! Rules that tie response schemas to the spec's own examples, so that guesses do not harden into
//! the types: a `required` property makes decoding fail when HeyGen leaves it out, so a response
//! property is required only when every example that shows its object carries it (an object no
//! example shows gives no evidence and is not judged); and an enum
//! HeyGen only illustrates ("such as ...") must say that values it does not list still decode.
//!
//! The rules read the document as JSON: the examples of every success response are walked
//! alongside their schema (through `$ref`, `allOf` and the `oneOf` variant that fits), and every
//! schema a success response can reach is checked against what the walk saw.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::load::LoadedSpec;
use crate::source::{Problem, escape_segment};

/// Words in an enum's description that mark its values as examples rather than the full set.
const ILLUSTRATIVE: &[&str] = &["such as", "for example", "e.g.", "examples"];

/// What an illustrative enum's description must mention: that other values decode.
const OPEN_MARKER: &str = "unknown";

pub fn check(spec: &LoadedSpec) -> Vec<Problem> {
    let mut walk = Walk { root: &spec.json, seen: BTreeMap::new(), reachable: BTreeSet::new() };
    for (_, schema_pointer, schema, examples) in success_responses(&spec.json) {
        walk.reach(schema, &schema_pointer);
        for (example_pointer, example) in examples {
            walk.example(schema, &schema_pointer, example, &example_pointer, 0);
        }
    }
    let mut problems = Vec::new();
    let mut report = |pointer: String, message: String| problems.push(spec.lines.problem(pointer, message));
    for pointer in &walk.reachable {
        let Some(schema) = spec.json.pointer(pointer) else { continue };
        for (index, property) in required(schema).enumerate() {
            if is_tag(schema, property) {
                continue;
            }
            let at = format!("{pointer}/required/{index}");
            // A schema no example shows gives no evidence either way; it is not reported.
            if let Some(Sighting { missing_at: Some(example) }) = walk.seen.get(&(pointer.clone(), property.to_owned()))
            {
                report(
                    at,
                    format!(
                        "`{property}` is required in a response, but the example at {example} leaves it out: \
                         make it optional, or add it to the example"
                    ),
                );
            }
        }
        if let Some(description) = illustrative_enum(schema)
            && !description.to_lowercase().contains(OPEN_MARKER)
        {
            report(
                format!("{pointer}/description"),
                "this response enum lists its values as examples (\"such as\"): say in its description that \
                     unknown values still decode (as `Unknown`)"
                    .to_owned(),
            );
        }
    }
    problems.sort_by(|a, b| (a.line, &a.pointer).cmp(&(b.line, &b.pointer)));
    problems.dedup();
    problems
}

/// A success response's schema: its operation's id (`path` without one), its pointer, the schema
/// and its examples (pointer, value).
pub(super) type SuccessSchema<'a> = (String, String, &'a Value, Vec<(String, &'a Value)>);

/// The schema of every success response, with its operation, pointer and examples.
pub(super) fn success_responses(root: &Value) -> Vec<SuccessSchema<'_>> {
    let mut found = Vec::new();
    let Some(paths) = root["paths"].as_object() else { return found };
    for (path, item) in paths {
        let Some(methods) = item.as_object() else { continue };
        for (method, operation) in methods {
            let Some(responses) = operation.get("responses").and_then(Value::as_object) else { continue };
            let id = operation.get("operationId").and_then(Value::as_str).unwrap_or(path).to_owned();
            for (status, response) in responses.iter().filter(|(status, _)| status.starts_with('2')) {
                let mut pointer = format!("/paths/{}/{method}/responses/{status}", escape_segment(path));
                let mut response = response;
                if let Some((target, resolved)) = resolve_ref(root, response) {
                    pointer = target;
                    response = resolved;
                }
                let Some(content) = response.get("content").and_then(Value::as_object) else { continue };
                for (media_type, media) in content {
                    let media_pointer = format!("{pointer}/content/{}", escape_segment(media_type));
                    let Some(schema) = media.get("schema") else { continue };
                    let mut examples = Vec::new();
                    if let Some(example) = media.get("example") {
                        examples.push((format!("{media_pointer}/example"), example));
                    }
                    for (name, example) in media.get("examples").and_then(Value::as_object).into_iter().flatten() {
                        if let Some(value) = example.get("value") {
                            examples.push((format!("{media_pointer}/examples/{}/value", escape_segment(name)), value));
                        }
                    }
                    found.push((id.clone(), format!("{media_pointer}/schema"), schema, examples));
                }
            }
        }
    }
    found
}

/// What the examples showed of one required property of one schema.
#[derive(Default)]
struct Sighting {
    /// An example that leaves the property out, if any.
    missing_at: Option<String>,
}

struct Walk<'a> {
    root: &'a Value,
    /// (schema pointer, property) -> what the examples showed.
    seen: BTreeMap<(String, String), Sighting>,
    /// Every schema a success response can reach, by pointer.
    reachable: BTreeSet<String>,
}

/// Deep enough for any real schema; stops a `$ref` cycle in a broken document.
const MAX_DEPTH: usize = 64;

impl<'a> Walk<'a> {
    /// Marks `schema` and everything under it as reachable from a response.
    fn reach(&mut self, schema: &'a Value, pointer: &str) {
        let (pointer, schema) = match resolve_ref(self.root, schema) {
            Some((target, resolved)) => (target, resolved),
            None => (pointer.to_owned(), schema),
        };
        if !schema.is_object() || !self.reachable.insert(pointer.clone()) {
            return;
        }
        for keyword in ["allOf", "oneOf", "anyOf"] {
            for (i, part) in schema.get(keyword).and_then(Value::as_array).into_iter().flatten().enumerate() {
                self.reach(part, &format!("{pointer}/{keyword}/{i}"));
            }
        }
        for (name, property) in properties(schema) {
            self.reach(property, &format!("{pointer}/properties/{}", escape_segment(name)));
        }
        for keyword in ["items", "additionalProperties"] {
            if let Some(inner) = schema.get(keyword).filter(|s| s.is_object()) {
                self.reach(inner, &format!("{pointer}/{keyword}"));
            }
        }
    }

    /// Walks `value` (at `at` in the document) alongside `schema`, noting which required
    /// properties each object it shows carries.
    fn example(&mut self, schema: &'a Value, pointer: &str, value: &Value, at: &str, depth: usize) {
        if depth > MAX_DEPTH || value.is_null() {
            return;
        }
        let (pointer, schema) = match resolve_ref(self.root, schema) {
            Some((target, resolved)) => (target, resolved),
            None => (pointer.to_owned(), schema),
        };
        for (i, part) in schema.get("allOf").and_then(Value::as_array).into_iter().flatten().enumerate() {
            self.example(part, &format!("{pointer}/allOf/{i}"), value, at, depth + 1);
        }
        for keyword in ["oneOf", "anyOf"] {
            let variants = schema.get(keyword).and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
            if let Some(i) = self.fitting_variant(variants, value) {
                self.example(&variants[i], &format!("{pointer}/{keyword}/{i}"), value, at, depth + 1);
            }
        }
        match value {
            Value::Object(members) => {
                for property in required(schema) {
                    let sighting = self.seen.entry((pointer.clone(), property.to_owned())).or_default();
                    if !members.contains_key(property) && sighting.missing_at.is_none() {
                        sighting.missing_at = Some(at.to_owned());
                    }
                }
                let declared = schema.get("properties").and_then(Value::as_object);
                for (name, member) in members {
                    let member_at = format!("{at}/{}", escape_segment(name));
                    if let Some(property) = declared.and_then(|d| d.get(name)) {
                        let property_pointer = format!("{pointer}/properties/{}", escape_segment(name));
                        self.example(property, &property_pointer, member, &member_at, depth + 1);
                    } else if let Some(extra) = schema.get("additionalProperties").filter(|s| s.is_object()) {
                        self.example(extra, &format!("{pointer}/additionalProperties"), member, &member_at, depth + 1);
                    }
                }
            }
            Value::Array(items) => {
                if let Some(item_schema) = schema.get("items") {
                    for (i, item) in items.iter().enumerate() {
                        self.example(item_schema, &format!("{pointer}/items"), item, &format!("{at}/{i}"), depth + 1);
                    }
                }
            }
            _ => {}
        }
    }

    /// The variant of a union that `value` is an instance of: the one whose one-value `type`
    /// enum names the value's `type`, else the first whose JSON type and required properties fit.
    fn fitting_variant(&self, variants: &'a [Value], value: &Value) -> Option<usize> {
        let resolved: Vec<&Value> = variants.iter().map(|v| resolve_ref(self.root, v).map_or(v, |(_, r)| r)).collect();
        if let Some(tag) = value.get("type").and_then(Value::as_str) {
            let tagged = resolved.iter().position(|variant| {
                variant
                    .pointer("/properties/type/enum")
                    .and_then(Value::as_array)
                    .is_some_and(|e| e == &[Value::from(tag)])
            });
            if tagged.is_some() {
                return tagged;
            }
        }
        resolved.iter().position(|variant| {
            let type_fits = match variant.get("type").and_then(Value::as_str) {
                Some("object") => value.is_object(),
                Some("array") => value.is_array(),
                Some("string") => value.is_string(),
                Some("integer") => value.is_i64() || value.is_u64(),
                Some("number") => value.is_number(),
                Some("boolean") => value.is_boolean(),
                // Untyped: an object variant when it lists properties, else anything.
                _ => !variant.get("properties").is_some_and(Value::is_object) || value.is_object(),
            };
            type_fits && value.as_object().is_none_or(|members| required(variant).all(|p| members.contains_key(p)))
        })
    }
}

/// Follows a local `$ref` (repeatedly); `None` when `schema` is not a reference.
pub(super) fn resolve_ref<'a>(root: &'a Value, schema: &'a Value) -> Option<(String, &'a Value)> {
    let mut current = schema;
    let mut target = None;
    for _ in 0..MAX_DEPTH {
        let Some(reference) = current.get("$ref").and_then(Value::as_str) else { break };
        let pointer = reference.strip_prefix('#')?;
        current = root.pointer(pointer)?;
        target = Some(pointer.to_owned());
    }
    target.map(|pointer| (pointer, current))
}

/// A one-value enum property is a union variant's tag: the union cannot decode without it, so it
/// is required by construction, whatever the examples show.
pub(super) fn is_tag(schema: &Value, property: &str) -> bool {
    schema
        .get("properties")
        .and_then(|p| p.get(property))
        .and_then(|p| p.get("enum"))
        .and_then(Value::as_array)
        .is_some_and(|values| values.len() == 1)
}

pub(super) fn required(schema: &Value) -> impl Iterator<Item = &str> {
    schema.get("required").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str)
}

pub(super) fn properties(schema: &Value) -> impl Iterator<Item = (&String, &Value)> {
    schema.get("properties").and_then(Value::as_object).into_iter().flatten()
}

/// The description of a string enum that presents its values as examples.
fn illustrative_enum(schema: &Value) -> Option<&str> {
    schema.get("enum")?.as_array()?.iter().find(|v| v.is_string())?;
    let description = schema.get("description")?.as_str()?;
    let lower = description.to_lowercase();
    ILLUSTRATIVE.iter().any(|word| lower.contains(word)).then_some(description)
}
