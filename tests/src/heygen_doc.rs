//! HeyGen's published v3 document (`external-api-2026-04-08.json`), read at test time from
//! `../shared/heygen-api/v3/` beside the repository (never copied into it), and bodies drawn from
//! its schemas for the conformance test.

use std::path::PathBuf;

use serde_json::{Map, Value, json};

/// Where HeyGen's document is expected, relative to the workspace root.
pub const RELATIVE_PATH: &str = "../shared/heygen-api/v3/external-api-2026-04-08.json";

/// HeyGen's document, or `None` (with a printed message naming what the caller skips) when it
/// is not beside the repository.
pub fn load(skipping: &str) -> Option<Value> {
    let path: PathBuf = crate::workspace_root().join(RELATIVE_PATH);
    match std::fs::read_to_string(&path) {
        Ok(text) => Some(serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))),
        Err(_) => {
            eprintln!("skipped {skipping}: HeyGen's document is not at {} ({RELATIVE_PATH})", path.display());
            None
        }
    }
}

/// `path` with every parameter name blanked (`/v3/videos/{}`), so two documents that name a
/// path parameter differently still pair.
pub fn route_key(method: &str, path: &str) -> String {
    let mut key = format!("{} ", method.to_uppercase());
    let mut in_param = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_param = true;
                key.push('{');
            }
            '}' => {
                in_param = false;
                key.push('}');
            }
            _ if in_param => {}
            _ => key.push(c),
        }
    }
    key
}

/// Every v3 operation of HeyGen's document: (route key, method, path, operation).
pub fn operations(doc: &Value) -> Vec<(String, &str, &str, &Value)> {
    let mut found = Vec::new();
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        if !path.starts_with("/v3/") {
            continue;
        }
        for (method, operation) in item.as_object().into_iter().flatten() {
            if ["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                found.push((route_key(method, path), method.as_str(), path.as_str(), operation));
            }
        }
    }
    found
}

/// Follows a local `$ref` (repeatedly).
pub fn resolve<'a>(root: &'a Value, mut schema: &'a Value) -> &'a Value {
    for _ in 0..32 {
        let Some(reference) = schema.get("$ref").and_then(Value::as_str) else { break };
        match reference.strip_prefix('#').and_then(|p| root.pointer(p)) {
            Some(target) => schema = target,
            None => break,
        }
    }
    schema
}

/// The JSON schema and examples of `operation`'s success response (the first 2xx).
pub fn success<'a>(root: &'a Value, operation: &'a Value) -> Option<(&'a Value, Vec<&'a Value>)> {
    let responses = operation["responses"].as_object()?;
    let (_, response) = responses.iter().find(|(status, _)| status.starts_with('2'))?;
    let media = &resolve(root, response)["content"]["application/json"];
    let schema = media.get("schema")?;
    Some((schema, examples(media)))
}

/// Every example of a media object: `example` and the values of `examples`.
pub fn examples(media: &Value) -> Vec<&Value> {
    let mut found: Vec<&Value> = media.get("example").into_iter().collect();
    for example in media["examples"].as_object().into_iter().flatten().map(|(_, e)| e) {
        found.extend(example.get("value"));
    }
    found
}

/// How a body is drawn from a schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Every property present, none null; enums and union variants at `pick` (modulo their
    /// count), so that drawing with `pick` = 0, 1, 2, ... shows each value and variant.
    Full { pick: usize },
    /// Every property present, null wherever the schema allows it.
    Nulls,
    /// Required properties only (first enum value and variant).
    RequiredOnly,
}

/// The bodies drawn from `schema`: one per enum value or variant of its widest choice (every
/// optional field present), one with nulls where allowed, one with required fields only.
/// Duplicates are dropped.
pub fn draw_all(root: &Value, schema: &Value) -> Vec<(String, Value)> {
    let widest = widest_choice(root, schema, 0).max(1);
    let mut modes: Vec<Mode> = (0..widest).map(|pick| Mode::Full { pick }).collect();
    modes.extend([Mode::Nulls, Mode::RequiredOnly]);
    let mut bodies: Vec<(String, Value)> = Vec::new();
    for mode in modes {
        let body = draw(root, schema, mode, "", 0);
        if !bodies.iter().any(|(_, b)| b == &body) {
            bodies.push((format!("{mode:?}"), body));
        }
    }
    bodies
}

const MAX_DEPTH: usize = 16;

/// The largest number of enum values or union variants anywhere in `schema`.
fn widest_choice(root: &Value, schema: &Value, depth: usize) -> usize {
    if depth > MAX_DEPTH {
        return 0;
    }
    let schema = resolve(root, schema);
    let mut widest = schema["enum"].as_array().map_or(0, |values| values.iter().filter(|v| !v.is_null()).count());
    for keyword in ["oneOf", "anyOf"] {
        let variants = non_null_variants(root, schema, keyword);
        widest = widest.max(variants.len());
        for variant in variants {
            widest = widest.max(widest_choice(root, variant, depth + 1));
        }
    }
    for part in schema["allOf"].as_array().into_iter().flatten() {
        widest = widest.max(widest_choice(root, part, depth + 1));
    }
    for (_, property) in schema["properties"].as_object().into_iter().flatten() {
        widest = widest.max(widest_choice(root, property, depth + 1));
    }
    for keyword in ["items", "additionalProperties"] {
        if schema[keyword].is_object() {
            widest = widest.max(widest_choice(root, &schema[keyword], depth + 1));
        }
    }
    widest
}

fn is_null_schema(root: &Value, schema: &Value) -> bool {
    let schema = resolve(root, schema);
    schema["type"] == "null" || schema.get("const").is_some_and(Value::is_null)
}

fn non_null_variants<'a>(root: &'a Value, schema: &'a Value, keyword: &str) -> Vec<&'a Value> {
    schema[keyword].as_array().into_iter().flatten().filter(|v| !is_null_schema(root, v)).collect()
}

/// Whether `schema` admits null.
pub fn nullable(root: &Value, schema: &Value) -> bool {
    let schema = resolve(root, schema);
    let typed = schema["type"].as_array().is_some_and(|types| types.iter().any(|t| t == "null"));
    let in_union = ["oneOf", "anyOf"]
        .iter()
        .any(|keyword| schema[keyword].as_array().is_some_and(|v| v.iter().any(|v| is_null_schema(root, v))));
    typed
        || in_union
        || schema["nullable"] == true
        || schema["enum"].as_array().is_some_and(|e| e.contains(&Value::Null))
}

/// One body drawn from `schema` (`name` is the property it is for, which shapes sample text).
pub fn draw(root: &Value, schema: &Value, mode: Mode, name: &str, depth: usize) -> Value {
    let schema = resolve(root, schema);
    if depth > MAX_DEPTH {
        return Value::Null;
    }
    if mode == Mode::Nulls && nullable(root, schema) {
        return Value::Null;
    }
    let pick = match mode {
        Mode::Full { pick } => pick,
        _ => 0,
    };
    if let Some(value) = schema.get("const") {
        return value.clone();
    }
    if let Some(values) = schema["enum"].as_array() {
        let values: Vec<&Value> = values.iter().filter(|v| !v.is_null()).collect();
        if !values.is_empty() {
            return values[pick % values.len()].clone();
        }
    }
    for keyword in ["oneOf", "anyOf"] {
        let variants = non_null_variants(root, schema, keyword);
        if !variants.is_empty() {
            let mut value = draw(root, variants[pick % variants.len()], mode, name, depth + 1);
            // Members beside the union (shared properties) belong to every variant.
            if let (Value::Object(members), Some(_)) = (&mut value, schema.get("properties")) {
                let shared = object(root, schema, mode, depth);
                for (key, member) in shared.as_object().into_iter().flatten() {
                    members.entry(key.clone()).or_insert_with(|| member.clone());
                }
            }
            return value;
        }
    }
    if let Some(parts) = schema["allOf"].as_array() {
        let mut merged = Map::new();
        for part in parts {
            if let Value::Object(members) = draw(root, part, mode, name, depth + 1) {
                merged.extend(members);
            }
        }
        if let Value::Object(members) = object(root, schema, mode, depth) {
            merged.extend(members);
        }
        return Value::Object(merged);
    }
    let kind = match &schema["type"] {
        Value::String(kind) => kind.as_str(),
        Value::Array(kinds) => kinds.iter().filter_map(Value::as_str).find(|k| *k != "null").unwrap_or("null"),
        _ if schema.get("properties").is_some() => "object",
        _ if schema.get("items").is_some() => "array",
        _ => "any",
    };
    match kind {
        "object" => object(root, schema, mode, depth),
        "array" => {
            let count = schema["minItems"].as_u64().unwrap_or(1).max(1);
            let item = draw(root, &schema["items"], mode, name, depth + 1);
            Value::Array((0..count).map(|_| item.clone()).collect())
        }
        "string" => string(schema, name),
        "integer" => {
            let least = schema["minimum"].as_i64().or(schema["exclusiveMinimum"].as_i64().map(|m| m + 1));
            let most = schema["maximum"].as_i64();
            json!(least.map_or(3, |least| least.max(3)).min(most.unwrap_or(i64::MAX)))
        }
        "number" => {
            let least = schema["minimum"].as_f64().unwrap_or(0.5);
            let most = schema["maximum"].as_f64().unwrap_or(f64::MAX);
            json!(least.max(0.5).min(most))
        }
        "boolean" => json!(true),
        "null" => Value::Null,
        _ => json!("any value"),
    }
}

fn object(root: &Value, schema: &Value, mode: Mode, depth: usize) -> Value {
    let required: Vec<&str> = schema["required"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
    let mut members = Map::new();
    for (name, property) in schema["properties"].as_object().into_iter().flatten() {
        if mode == Mode::RequiredOnly && !required.contains(&name.as_str()) {
            continue;
        }
        members.insert(name.clone(), draw(root, property, mode, name, depth + 1));
    }
    let free_form = schema.get("properties").is_none() && schema.get("additionalProperties") != Some(&json!(false));
    if mode != Mode::RequiredOnly {
        if schema["additionalProperties"].is_object() && schema["additionalProperties"] != json!({}) {
            members
                .insert("extra_key".into(), draw(root, &schema["additionalProperties"], mode, "extra_key", depth + 1));
        } else if free_form {
            members.insert("extra_key".into(), json!("extra value"));
        }
    }
    Value::Object(members)
}

fn string(schema: &Value, name: &str) -> Value {
    let text = match schema["format"].as_str() {
        Some("uri" | "url") => "https://files.example.com/drawn/file.mp4".to_owned(),
        Some("date-time") => "2026-04-08T12:00:00Z".to_owned(),
        Some("date") => "2026-04-08".to_owned(),
        Some("email") => "someone@example.com".to_owned(),
        _ if name.ends_with("url") => "https://files.example.com/drawn/file.mp4".to_owned(),
        _ => match schema.get("example").and_then(Value::as_str) {
            Some(example) => example.to_owned(),
            None => format!("drawn-{}", if name.is_empty() { "text" } else { name }),
        },
    };
    let least = schema["minLength"].as_u64().unwrap_or(0) as usize;
    let most = schema["maxLength"].as_u64().map_or(usize::MAX, |m| m as usize);
    let mut text = text;
    while text.chars().count() < least {
        text.push('x');
    }
    Value::String(text.chars().take(most.max(1)).collect())
}

/// The schemas of HeyGen's document at a place of a reply (`data[].id` without its last
/// segment: `data[]`), through `$ref`, `allOf`, unions, properties and items.
pub fn schemas_at<'a>(root: &'a Value, schema: &'a Value, place: &[Segment]) -> Vec<&'a Value> {
    let mut current = flatten(root, schema);
    for segment in place {
        let mut next = Vec::new();
        for schema in current {
            match segment {
                Segment::Field(name) => {
                    if let Some(property) = schema["properties"].get(name.as_str()) {
                        next.extend(flatten(root, property));
                    }
                }
                Segment::Items => {
                    if schema["items"].is_object() {
                        next.extend(flatten(root, &schema["items"]));
                    }
                }
                Segment::Values => {
                    if schema["additionalProperties"].is_object() {
                        next.extend(flatten(root, &schema["additionalProperties"]));
                    }
                }
            }
        }
        current = next;
    }
    current
}

/// `schema` and every schema it is made of (`allOf` parts, union variants), resolved.
fn flatten<'a>(root: &'a Value, schema: &'a Value) -> Vec<&'a Value> {
    let schema = resolve(root, schema);
    let mut all = vec![schema];
    for keyword in ["allOf", "oneOf", "anyOf"] {
        for part in schema[keyword].as_array().into_iter().flatten() {
            all.extend(flatten(root, part));
        }
    }
    all
}

/// One step of a place in a reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    Field(String),
    Items,
    Values,
}

/// `data[].id` as segments: field `data`, items, field `id`.
pub fn parse_place(place: &str) -> Vec<Segment> {
    let mut segments = Vec::new();
    for part in place.split('.') {
        let name = part.trim_end_matches("[]").trim_end_matches("{}");
        let mut rest = &part[name.len()..];
        segments.push(Segment::Field(name.to_owned()));
        while !rest.is_empty() {
            if let Some(after) = rest.strip_prefix("[]") {
                segments.push(Segment::Items);
                rest = after;
            } else if let Some(after) = rest.strip_prefix("{}") {
                segments.push(Segment::Values);
                rest = after;
            } else {
                break;
            }
        }
    }
    segments
}

/// The values at a place of a body (every item of a list, every value of a map).
pub fn values_at<'a>(body: &'a Value, place: &[Segment]) -> Vec<&'a Value> {
    let mut current = vec![body];
    for segment in place {
        current = current
            .into_iter()
            .flat_map(|value| -> Vec<&Value> {
                match segment {
                    Segment::Field(name) => value.get(name.as_str()).into_iter().collect(),
                    Segment::Items => value.as_array().into_iter().flatten().collect(),
                    Segment::Values => value.as_object().into_iter().flatten().map(|(_, v)| v).collect(),
                }
            })
            .collect();
    }
    current
}
