//! Requests for every operation, built from the spec alone: its examples first, then defaults
//! and enum values, then the least value each schema accepts. Drivers that call every operation
//! take their arguments from here: the Prism contract test a valid call ([`request_for`]), the
//! wire test one that sends everything the spec defines ([`full_request_for`]).

use serde_json::{Map, Value, json};

use crate::calls::Input;
use crate::spec;

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

/// The arguments of a valid call of `operation_id`: every required parameter and every optional
/// one the spec gives an example for, and the body.
pub fn request_for(operation_id: &str) -> Input {
    build(operation_id, Fill::Valid)
}

/// The arguments of a call of `operation_id` that sends every parameter (path, query, header;
/// required and optional) and a body with every property of its schema. The values fit their
/// types but need not make sense together (two mutually exclusive fields are both set).
pub fn full_request_for(operation_id: &str) -> Input {
    build(operation_id, Fill::Everything)
}

fn build(operation_id: &str, fill: Fill) -> Input {
    let root = &spec().json;
    let found = find_operation(root, operation_id);
    let mut input = Input::default();
    for parameter in found.parameters(root) {
        let required = parameter["required"].as_bool().unwrap_or(false);
        let example = parameter.get("example").or_else(|| resolve(root, &parameter["schema"]).get("example"));
        if fill == Fill::Valid && !required && example.is_none() {
            continue;
        }
        let name = parameter["name"].as_str().expect("a parameter has a name").to_owned();
        let value = example.cloned().unwrap_or_else(|| sample(root, &parameter["schema"], &name, fill, 0));
        input.params.insert(name, value);
    }
    let body = resolve(root, &found.operation["requestBody"]);
    if let Some(content) = body["content"].as_object() {
        let (media_type, media) = content.iter().next().expect("a request body has a media type");
        if media_type == "application/json" {
            let value = match media.get("example") {
                Some(example) if fill == Fill::Everything => complete(root, &media["schema"], example.clone(), 0),
                Some(example) => example.clone(),
                None => sample(root, &media["schema"], "", fill, 0),
            };
            input.body = Some(value);
        } else {
            input.bytes = Some(b"\xff\xd8\xff\xe0 contract test bytes".to_vec());
        }
    }
    input
}

/// The method and path template (`/v2/video_translate/{video_translate_id}`) of `operation_id`.
pub fn route(operation_id: &str) -> (&'static str, &'static str) {
    let found = find_operation(&spec().json, operation_id);
    (found.method, found.path)
}

/// Every parameter of `operation_id`, path-level ones included: its name and where it travels
/// (`path`, `query` or `header`).
pub fn parameters(operation_id: &str) -> Vec<(String, String)> {
    let root = &spec().json;
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

/// A value `schema` accepts: its example, default or first enum value, else one built from its
/// type (objects with their required properties, or all of them and one entry of a map for
/// [`Fill::Everything`]; arrays of `minItems` items; the least number; the `name` of the
/// parameter or property as its text, so that a value on the wire shows where it came from).
fn sample(root: &Value, schema: &Value, name: &str, fill: Fill, depth: usize) -> Value {
    assert!(depth < 32, "schemas nest too deep to sample: {schema}");
    let schema = resolve(root, schema);
    if let Some(value) = schema.get("example").or_else(|| schema.get("default")) {
        return match fill {
            Fill::Valid => value.clone(),
            Fill::Everything => complete(root, schema, value.clone(), depth + 1),
        };
    }
    if let Some(value) = schema["enum"].as_array().and_then(|values| values.iter().find(|v| !v.is_null())) {
        return value.clone();
    }
    if let Some(members) = schema["allOf"].as_array() {
        let mut merged = Map::new();
        for member in members {
            match sample(root, member, name, fill, depth + 1) {
                Value::Object(fields) => merged.extend(fields),
                other => return other,
            }
        }
        return Value::Object(merged);
    }
    if let Some(variant) = variants(schema).and_then(|v| v.first()) {
        return sample(root, variant, name, fill, depth + 1);
    }
    match schema["type"].as_str() {
        Some("object") => {
            let properties = schema["properties"].as_object();
            let fields: Map<String, Value> = match fill {
                Fill::Valid => {
                    let required = schema["required"].as_array().into_iter().flatten().filter_map(Value::as_str);
                    required
                        .filter_map(|name| {
                            let property = properties.and_then(|p| p.get(name))?;
                            Some((name.to_owned(), sample(root, property, name, fill, depth + 1)))
                        })
                        .collect()
                }
                Fill::Everything if properties.is_none() && schema["additionalProperties"].is_object() => {
                    let entry = sample(root, &schema["additionalProperties"], "key", fill, depth + 1);
                    Map::from_iter([("key".to_owned(), entry)])
                }
                Fill::Everything => properties
                    .into_iter()
                    .flatten()
                    .map(|(name, property)| (name.clone(), sample(root, property, name, fill, depth + 1)))
                    .collect(),
            };
            Value::Object(fields)
        }
        Some("array") => {
            let count = schema["minItems"].as_u64().unwrap_or(1).max(1);
            Value::Array((0..count).map(|_| sample(root, &schema["items"], name, fill, depth + 1)).collect())
        }
        Some("integer") => json!(least_number(schema).round() as i64),
        Some("number") => json!(least_number(schema)),
        Some("boolean") => json!(true),
        Some("string") => json!(sample_string(schema, name)),
        _ => json!({}),
    }
}

/// `value` (an example) with every object property `schema` defines and `value` leaves out
/// added, at every depth; what the example says is kept.
fn complete(root: &Value, schema: &Value, value: Value, depth: usize) -> Value {
    assert!(depth < 32, "schemas nest too deep to complete: {schema}");
    let schema = resolve(root, schema);
    if let Some(members) = schema["allOf"].as_array() {
        return members.iter().fold(value, |value, member| complete(root, member, value, depth + 1));
    }
    if let Some(variants) = variants(schema) {
        return match matching_variant(root, variants, &value) {
            Some(variant) => complete(root, variant, value, depth + 1),
            None => value,
        };
    }
    match value {
        Value::Object(mut fields) => {
            for (name, property) in schema["properties"].as_object().into_iter().flatten() {
                let filled = match fields.remove(name) {
                    Some(given) => complete(root, property, given, depth + 1),
                    None => sample(root, property, name, Fill::Everything, depth + 1),
                };
                fields.insert(name.clone(), filled);
            }
            if schema["additionalProperties"].is_object() {
                for entry in fields.values_mut() {
                    *entry = complete(root, &schema["additionalProperties"], entry.take(), depth + 1);
                }
            }
            Value::Object(fields)
        }
        Value::Array(items) => {
            Value::Array(items.into_iter().map(|item| complete(root, &schema["items"], item, depth + 1)).collect())
        }
        other => other,
    }
}

fn variants(schema: &Value) -> Option<&Vec<Value>> {
    schema["oneOf"].as_array().or(schema["anyOf"].as_array())
}

/// The variant of a union that `value` is an instance of: the one whose single-value tag
/// property (such as `type: {enum: [avatar]}`) `value` carries, else the first object variant
/// that defines every field of `value`.
fn matching_variant<'a>(root: &'a Value, variants: &'a [Value], value: &Value) -> Option<&'a Value> {
    let fields = value.as_object()?;
    let properties = |variant: &'a Value| resolve(root, variant)["properties"].as_object();
    let tagged = variants.iter().find(|variant| {
        properties(variant).is_some_and(|props| {
            props.iter().any(|(name, property)| {
                let tag = resolve(root, property)["enum"].as_array().filter(|values| values.len() == 1);
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
