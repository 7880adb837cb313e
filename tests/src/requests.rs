//! Requests for every operation, built from the spec alone: its examples first, then defaults
//! and enum values, then the least value each schema accepts. Drivers that call every operation
//! take their arguments from here: the Prism contract test a valid call ([`request_for`]), the
//! wire test one that sends everything the spec defines ([`full_request_for`]).

use serde_json::{Map, Value, json};

use crate::calls::Input;
use crate::{Document, DocumentExt};

/// How much of a request to fill in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fill {
    /// What a valid call needs: required parameters and properties, optional parameters that
    /// have an example, and a body example as written.
    Valid,
    /// Every parameter and every object property the spec defines, examples completed with the
    /// properties they leave out, so that no field escapes the wire test.
    Everything,
}

/// The arguments of a valid call of `operation_id` in `doc`: every required parameter and every
/// optional one the spec gives an example for, and the body.
pub fn request_for(doc: Document, operation_id: &str) -> Input {
    build(doc, operation_id, Fill::Valid)
}

/// The arguments of a call of `operation_id` that sends every parameter (path, query, header;
/// required and optional) and a body with every property of its schema. The values fit their
/// types but need not make sense together (two mutually exclusive fields are both set).
pub fn full_request_for(doc: Document, operation_id: &str) -> Input {
    build(doc, operation_id, Fill::Everything)
}

fn build(doc: Document, operation_id: &str, fill: Fill) -> Input {
    let root = &doc.spec().json;
    let sampler = Sampler { root, fill };
    let found = find_operation(root, operation_id);
    let mut input = Input::default();
    for parameter in found.parameters(root) {
        let required = parameter["required"].as_bool().unwrap_or(false);
        let example = parameter.get("example").or_else(|| resolve(root, &parameter["schema"]).get("example"));
        if fill == Fill::Valid && !required && example.is_none() {
            continue;
        }
        let name = parameter["name"].as_str().expect("a parameter has a name").to_owned();
        let value = example.cloned().unwrap_or_else(|| sampler.sample(&parameter["schema"], &name, 0, 0));
        input.params.insert(name, value);
    }
    let body = resolve(root, &found.operation["requestBody"]);
    if let Some(content) = body["content"].as_object() {
        let (media_type, media) = content.iter().next().expect("a request body has a media type");
        if media_type == "application/json" {
            let value = match media.get("example") {
                Some(example) if fill == Fill::Everything => sampler.complete(&media["schema"], example.clone(), 0),
                Some(example) => example.clone(),
                None => sampler.sample(&media["schema"], "", 0, 0),
            };
            input.body = Some(value);
        } else {
            input.bytes = Some(b"\xff\xd8\xff\xe0 contract test bytes".to_vec());
        }
    }
    input
}

/// The method and path template (`/v2/video_translate/{video_translate_id}`) of `operation_id`.
pub fn route(doc: Document, operation_id: &str) -> (&'static str, &'static str) {
    let found = find_operation(&doc.spec().json, operation_id);
    (found.method, found.path)
}

/// Every parameter of `operation_id`, path-level ones included: its name and where it travels
/// (`path`, `query` or `header`).
pub fn parameters(doc: Document, operation_id: &str) -> Vec<(String, String)> {
    let root = &doc.spec().json;
    let found = find_operation(root, operation_id);
    let name = |parameter: &Value, field: &str| {
        parameter[field].as_str().expect("a parameter has a name and an in").to_owned()
    };
    found.parameters(root).map(|parameter| (name(parameter, "name"), name(parameter, "in"))).collect()
}

/// An operation in the spec, with the path item it sits in.
struct Found<'a> {
    path: &'a str,
    method: &'a str,
    item: &'a Value,
    operation: &'a Value,
}

impl<'a> Found<'a> {
    /// The path item's parameters, then the operation's, references resolved.
    fn parameters(&self, root: &'a Value) -> impl Iterator<Item = &'a Value> {
        let (item, operation) = (self.item, self.operation);
        let all = item["parameters"].as_array().into_iter().chain(operation["parameters"].as_array()).flatten();
        all.map(move |parameter| resolve(root, parameter))
    }
}

/// The operation whose `operationId` is `id`.
fn find_operation<'a>(root: &'a Value, id: &str) -> Found<'a> {
    root["paths"]
        .as_object()
        .expect("the spec has paths")
        .iter()
        .find_map(|(path, item)| {
            let (method, operation) = item.as_object()?.iter().find(|(_, op)| op["operationId"] == id)?;
            Some(Found { path, method, item, operation })
        })
        .unwrap_or_else(|| panic!("no operation {id} in the spec"))
}

/// Follows a local `$ref` (repeatedly); anything else is returned as it is.
fn resolve<'a>(root: &'a Value, mut value: &'a Value) -> &'a Value {
    while let Some(reference) = value.get("$ref").and_then(Value::as_str) {
        let pointer = reference.strip_prefix('#').unwrap_or_else(|| panic!("only local references: {reference}"));
        value = root.pointer(pointer).unwrap_or_else(|| panic!("unresolved reference {reference}"));
    }
    value
}

/// Builds values from schemas, for one [`Fill`].
struct Sampler<'a> {
    root: &'a Value,
    fill: Fill,
}

impl<'a> Sampler<'a> {
    /// A value `schema` accepts: its example, default or first enum value, else one built from
    /// its type: objects with their required properties, arrays of `minItems` items, the least
    /// number, the `name` of the parameter or property as text (so that a value on the wire
    /// shows where it came from). For [`Fill::Everything`], objects get every property, and an
    /// array or map as many entries as the widest union inside takes variants, entry `i` taking
    /// variant `pick = i` of each union, so that every variant goes on the wire.
    fn sample(&self, schema: &Value, name: &str, pick: usize, depth: usize) -> Value {
        assert!(depth < 32, "schemas nest too deep to sample: {schema}");
        let schema = resolve(self.root, schema);
        if let Some(value) = schema.get("example").or_else(|| schema.get("default")) {
            return match self.fill {
                Fill::Valid => value.clone(),
                Fill::Everything => self.complete(schema, value.clone(), depth + 1),
            };
        }
        if let Some(value) = schema["enum"].as_array().and_then(|values| values.iter().find(|v| !v.is_null())) {
            return value.clone();
        }
        if let Some(members) = schema["allOf"].as_array() {
            let mut merged = Map::new();
            for member in members {
                match self.sample(member, name, pick, depth + 1) {
                    Value::Object(fields) => merged.extend(fields),
                    other => return other,
                }
            }
            return Value::Object(merged);
        }
        if let Some(variants) = variants(schema) {
            // Never the `enum: [null]` arm of a nullable reference.
            let variants: Vec<_> = variants.iter().filter(|v| resolve(self.root, v)["enum"] != json!([null])).collect();
            return self.sample(variants[pick % variants.len()], name, pick, depth + 1);
        }
        match schema["type"].as_str() {
            Some("object") => Value::Object(self.sample_fields(schema, pick, depth)),
            Some("array") => {
                let mut count = schema["minItems"].as_u64().unwrap_or(1).max(1) as usize;
                if self.fill == Fill::Everything {
                    count = count.max(self.widest(&schema["items"], 0));
                }
                count = count.min(schema["maxItems"].as_u64().map_or(usize::MAX, |max| max as usize));
                Value::Array((0..count).map(|i| self.sample(&schema["items"], name, i, depth + 1)).collect())
            }
            Some("integer") => json!(least_number(schema).round() as i64),
            Some("number") => json!(least_number(schema)),
            Some("boolean") => json!(true),
            Some("string") => json!(sample_string(schema, name)),
            _ => json!({}),
        }
    }

    fn sample_fields(&self, schema: &Value, pick: usize, depth: usize) -> Map<String, Value> {
        let properties = schema["properties"].as_object();
        let entries = &schema["additionalProperties"];
        match self.fill {
            Fill::Valid => {
                let required = schema["required"].as_array().into_iter().flatten().filter_map(Value::as_str);
                required
                    .filter_map(|name| {
                        let property = properties?.get(name)?;
                        Some((name.to_owned(), self.sample(property, name, pick, depth + 1)))
                    })
                    .collect()
            }
            Fill::Everything if properties.is_none() && entries.is_object() => (0..self.widest(entries, 0))
                .map(|i| (format!("key{i}"), self.sample(entries, &format!("key{i}"), i, depth + 1)))
                .collect(),
            Fill::Everything => properties
                .into_iter()
                .flatten()
                .map(|(name, property)| (name.clone(), self.sample(property, name, pick, depth + 1)))
                .collect(),
        }
    }

    /// The most variants a union in `schema` has, looking through objects and arrays; 1 if
    /// there is none.
    fn widest(&self, schema: &Value, depth: usize) -> usize {
        let schema = resolve(self.root, schema);
        if depth > 8 {
            return 1;
        }
        let own = variants(schema).map_or(1, |v| v.iter().filter(|v| v["enum"] != json!([null])).count());
        let members = schema["allOf"].as_array().into_iter().chain(variants(schema)).flatten();
        let properties = schema["properties"].as_object().into_iter().flat_map(|p| p.values());
        let inner = [&schema["items"], &schema["additionalProperties"]].into_iter().filter(|s| s.is_object());
        members.chain(properties).chain(inner).map(|s| self.widest(s, depth + 1)).fold(own, usize::max)
    }

    /// `value` (an example) with every object property `schema` defines and `value` leaves out
    /// added, at every depth; what the example says is kept.
    fn complete(&self, schema: &'a Value, value: Value, depth: usize) -> Value {
        assert!(depth < 32, "schemas nest too deep to complete: {schema}");
        let schema = resolve(self.root, schema);
        if let Some(members) = schema["allOf"].as_array() {
            return members.iter().fold(value, |value, member| self.complete(member, value, depth + 1));
        }
        if let Some(variants) = variants(schema) {
            return match self.matching_variant(variants, &value) {
                Some(variant) => self.complete(variant, value, depth + 1),
                None => value,
            };
        }
        match value {
            Value::Object(mut fields) => {
                for (name, property) in schema["properties"].as_object().into_iter().flatten() {
                    let filled = match fields.remove(name) {
                        Some(given) => self.complete(property, given, depth + 1),
                        None => self.sample(property, name, 0, depth + 1),
                    };
                    fields.insert(name.clone(), filled);
                }
                if schema["additionalProperties"].is_object() {
                    for entry in fields.values_mut() {
                        *entry = self.complete(&schema["additionalProperties"], entry.take(), depth + 1);
                    }
                }
                Value::Object(fields)
            }
            Value::Array(items) => {
                Value::Array(items.into_iter().map(|item| self.complete(&schema["items"], item, depth + 1)).collect())
            }
            other => other,
        }
    }

    /// The variant of a union that `value` is an instance of: the one whose single-value tag
    /// property (such as `type: {enum: [avatar]}`) `value` carries, else the first object
    /// variant that defines every field of `value`.
    fn matching_variant(&self, variants: &'a [Value], value: &Value) -> Option<&'a Value> {
        let fields = value.as_object()?;
        let properties = |variant: &'a Value| resolve(self.root, variant)["properties"].as_object();
        let tagged = variants.iter().find(|variant| {
            properties(variant).is_some_and(|props| {
                props.iter().any(|(name, property)| {
                    let tag = resolve(self.root, property)["enum"].as_array().filter(|values| values.len() == 1);
                    tag.is_some_and(|values| fields.get(name) == Some(&values[0]))
                })
            })
        });
        tagged.or_else(|| {
            variants
                .iter()
                .find(|variant| properties(variant).is_some_and(|props| fields.keys().all(|k| props.contains_key(k))))
        })
    }
}

fn variants(schema: &Value) -> Option<&Vec<Value>> {
    schema["oneOf"].as_array().or(schema["anyOf"].as_array())
}

/// `minimum` (just above it when exclusive), else 1, capped at `maximum`.
fn least_number(schema: &Value) -> f64 {
    let mut value = schema["minimum"].as_f64().unwrap_or(1.0);
    if schema["exclusiveMinimum"] == true {
        value += 1.0;
    }
    schema["maximum"].as_f64().map_or(value, |maximum| value.min(maximum))
}

fn sample_string(schema: &Value, name: &str) -> String {
    let name = if name.is_empty() { "text" } else { name };
    let mut text = match schema["format"].as_str() {
        Some("uri" | "url") => format!("https://example.com/{name}"),
        Some("date-time") => "2025-01-01T00:00:00Z".to_owned(),
        Some("date") => "2025-01-01".to_owned(),
        Some("email") => "sample@example.com".to_owned(),
        Some("uuid") => "00000000-0000-4000-8000-000000000000".to_owned(),
        _ => name.to_owned(),
    };
    let min = schema["minLength"].as_u64().unwrap_or(0) as usize;
    let max = schema["maxLength"].as_u64().map_or(usize::MAX, |m| m as usize);
    while text.len() < min {
        text.push('x');
    }
    text.truncate(max);
    text
}
