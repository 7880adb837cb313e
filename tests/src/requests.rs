//! A valid request for every operation, built from the spec alone: its examples first, then
//! defaults and enum values, then the least value each schema accepts. Drivers that call every
//! operation (the Prism contract test) take their arguments from here.

use serde_json::{Map, Value, json};

use crate::calls::Input;
use crate::spec;

/// The arguments of a valid call of `operation_id`: every required parameter and every optional
/// one the spec gives an example for, and the body.
pub fn request_for(operation_id: &str) -> Input {
    let root = &spec().json;
    let (item, operation) = find_operation(root, operation_id);
    let mut input = Input::default();
    let parameters = item["parameters"].as_array().into_iter().chain(operation["parameters"].as_array()).flatten();
    for parameter in parameters {
        let parameter = resolve(root, parameter);
        let required = parameter["required"].as_bool().unwrap_or(false);
        let example = parameter.get("example").or_else(|| resolve(root, &parameter["schema"]).get("example"));
        if !required && example.is_none() {
            continue;
        }
        let name = parameter["name"].as_str().expect("a parameter has a name").to_owned();
        let value = example.cloned().unwrap_or_else(|| sample(root, &parameter["schema"], 0));
        input.params.insert(name, value);
    }
    let body = resolve(root, &operation["requestBody"]);
    if let Some(content) = body["content"].as_object() {
        let (media_type, media) = content.iter().next().expect("a request body has a media type");
        if media_type == "application/json" {
            let value = media.get("example").cloned().unwrap_or_else(|| sample(root, &media["schema"], 0));
            input.body = Some(value);
        } else {
            input.bytes = Some(b"\xff\xd8\xff\xe0 contract test bytes".to_vec());
        }
    }
    input
}

/// The path item and the operation whose `operationId` is `id`.
fn find_operation<'a>(root: &'a Value, id: &str) -> (&'a Value, &'a Value) {
    root["paths"]
        .as_object()
        .expect("the spec has paths")
        .values()
        .find_map(|item| {
            let op = item.as_object()?.values().find(|op| op["operationId"] == id)?;
            Some((item, op))
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
/// type (objects with their required properties, arrays of `minItems` items, the least number).
pub fn sample(root: &Value, schema: &Value, depth: usize) -> Value {
    assert!(depth < 32, "schemas nest too deep to sample: {schema}");
    let schema = resolve(root, schema);
    if let Some(value) = schema.get("example").or_else(|| schema.get("default")) {
        return value.clone();
    }
    if let Some(value) = schema["enum"].as_array().and_then(|values| values.iter().find(|v| !v.is_null())) {
        return value.clone();
    }
    if let Some(members) = schema["allOf"].as_array() {
        let mut merged = Map::new();
        for member in members {
            match sample(root, member, depth + 1) {
                Value::Object(fields) => merged.extend(fields),
                other => return other,
            }
        }
        return Value::Object(merged);
    }
    if let Some(variant) = schema["oneOf"].as_array().or(schema["anyOf"].as_array()).and_then(|v| v.first()) {
        return sample(root, variant, depth + 1);
    }
    match schema["type"].as_str() {
        Some("object") => {
            let properties = schema["properties"].as_object();
            let required = schema["required"].as_array().into_iter().flatten().filter_map(Value::as_str);
            let fields = required.filter_map(|name| {
                let property = properties.and_then(|p| p.get(name))?;
                Some((name.to_owned(), sample(root, property, depth + 1)))
            });
            Value::Object(fields.collect())
        }
        Some("array") => {
            let count = schema["minItems"].as_u64().unwrap_or(1).max(1);
            Value::Array((0..count).map(|_| sample(root, &schema["items"], depth + 1)).collect())
        }
        Some("integer") => json!(least_number(schema).round() as i64),
        Some("number") => json!(least_number(schema)),
        Some("boolean") => json!(true),
        Some("string") => json!(sample_string(schema)),
        _ => json!({}),
    }
}

/// `minimum` (just above it when exclusive), else 1, capped at `maximum`.
fn least_number(schema: &Value) -> f64 {
    let mut value = schema["minimum"].as_f64().unwrap_or(1.0);
    if schema["exclusiveMinimum"] == true {
        value += 1.0;
    }
    schema["maximum"].as_f64().map_or(value, |maximum| value.min(maximum))
}

fn sample_string(schema: &Value) -> String {
    let text = match schema["format"].as_str() {
        Some("uri" | "url") => "https://example.com/contract-test",
        Some("date-time") => "2025-01-01T00:00:00Z",
        Some("date") => "2025-01-01",
        Some("email") => "contract-test@example.com",
        Some("uuid") => "00000000-0000-4000-8000-000000000000",
        _ => "contract-test",
    };
    let min = schema["minLength"].as_u64().unwrap_or(0) as usize;
    let max = schema["maxLength"].as_u64().map_or(usize::MAX, |m| m as usize);
    let mut text = text.to_owned();
    while text.len() < min {
        text.push('x');
    }
    text.truncate(max);
    text
}
