//! Wire changes: what someone calling the HTTP API notices between two specs, rated by whether
//! their existing calls keep working.
//!
//! Works on the specs' JSON rather than `openapiv3` types because every change needs a JSON
//! pointer, and because schemas are compared through `$ref`s, `allOf` merges and unions alike.
//! A change inside a shared component schema is reported once for every operation that reaches
//! it, since each of those operations is what a caller sees change. This module pairs the
//! operations and compares what belongs to an operation (paths, parameters, statuses); the
//! schemas themselves are compared by [`super::schema`].

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};

use serde_json::Value;

use super::schema::{Direction, Out, SchemaWalk, pascal, resolve};
use super::{Change, Link, Severity};
use crate::model::{self, Api, Location};
use crate::source::escape_segment;

/// Every wire change from `base` to `head` (each a model and its document), operation by
/// operation in the base's order, then the operations only the head has.
pub(super) fn changes(base: (&Api, &Value), head: (&Api, &Value)) -> Vec<Change> {
    let (base_ops, head_ops) = (operations(base.0, base.1), operations(head.0, head.1));
    let (base, head) = (base.1, head.1);
    let pairs = pair(&base_ops, &head_ops);
    let mut out = Out { changes: Vec::new() };
    for (b, h) in base_ops.iter().zip(&pairs) {
        let Some(h) = h.map(|i| &head_ops[i]) else {
            let message = format!("operation `{} {}` was removed", b.method.to_uppercase(), b.path);
            out.push(
                "operation-removed",
                Severity::Breaking,
                b.id,
                b.pointer,
                message,
                Link::Methods(vec![b.id.into()]),
            );
            continue;
        };
        if let Some(message) = renamed(b, h) {
            let link = Link::Methods(vec![b.id.into(), h.id.into()]);
            out.push(
                "operation-id-renamed",
                Severity::Info,
                h.id,
                &format!("{}/operationId", h.pointer),
                message,
                link,
            );
        }
        // The names of path parameters are never sent: `/a/{id}` and `/a/{a_id}` are one path.
        if template(h.path) != template(b.path) {
            let message = format!("path changed from `{}` to `{}`", b.path, h.path);
            out.push("path-changed", Severity::Breaking, h.id, h.pointer, message, Link::Methods(vec![h.id.into()]));
        }
        if h.method != b.method {
            let message = format!("method changed from {} to {}", b.method.to_uppercase(), h.method.to_uppercase());
            out.push("method-changed", Severity::Breaking, h.id, h.pointer, message, Link::Methods(vec![h.id.into()]));
        }
        OperationDiff { base, head, b, h, out: &mut out }.compare();
    }
    let paired: HashSet<usize> = pairs.iter().flatten().copied().collect();
    for (_, h) in head_ops.iter().enumerate().filter(|(i, _)| !paired.contains(i)) {
        let message = format!("operation `{} {}` was added", h.method.to_uppercase(), h.path);
        out.push("operation-added", Severity::Info, h.id, h.pointer, message, Link::Methods(vec![h.id.into()]));
    }
    out.changes
}

/// For each base operation, the index of its head counterpart. Keys are tried in turn on what
/// is still unpaired: the same operationId, so that a path or method change in our own history
/// shows as such; then the same method and path template, which pairs a renamed operation and
/// one named by another author (HeyGen's `getVideoV3`, our `get_video`) or not named at all;
/// then the same operationId in any case style (`getVideo`, `get_video`), for a path that moved.
fn pair(base: &[Operation<'_>], head: &[Operation<'_>]) -> Vec<Option<usize>> {
    let keys: [fn(&Operation<'_>) -> String; 3] =
        [|op| op.id.to_owned(), |op| format!("{} {}", op.method, template(op.path)), |op| snake_case(op.id)];
    let mut pairs = vec![None; base.len()];
    let mut taken = vec![false; head.len()];
    for key in keys {
        let mut free: HashMap<String, VecDeque<usize>> = HashMap::new();
        for (i, h) in head.iter().enumerate().filter(|(i, _)| !taken[*i]) {
            free.entry(key(h)).or_default().push_back(i);
        }
        for (b, found) in base.iter().zip(pairs.iter_mut()).filter(|(_, found)| found.is_none()) {
            if let Some(i) = free.get_mut(&key(b)).and_then(VecDeque::pop_front) {
                taken[i] = true;
                *found = Some(i);
            }
        }
    }
    pairs
}

/// What to say when a paired operation's operationId changed: nothing when only its case style
/// did, since the wire is the same and so is the Rust method progenitor names after it.
fn renamed(b: &Operation<'_>, h: &Operation<'_>) -> Option<String> {
    let named = |op: &Operation<'_>| op.value["operationId"].is_string();
    match (named(b), named(h)) {
        _ if snake_case(b.id) == snake_case(h.id) => None,
        (true, true) => Some(format!("operationId renamed from `{}` to `{}`; the wire is unchanged", b.id, h.id)),
        (true, false) => Some(format!("operationId `{}` was removed; the wire is unchanged", b.id)),
        (false, true) => Some(format!("operationId `{}` was given; the wire is unchanged", h.id)),
        (false, false) => None,
    }
}

/// A path with its parameter names blanked: `/v3/videos/{}` for `/v3/videos/{video_id}`.
fn template(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_name = false;
    for c in path.chars() {
        match c {
            '{' => in_name = true,
            '}' => in_name = false,
            _ if in_name => continue,
            _ => {}
        }
        out.push(c);
    }
    out
}

/// An identifier as lower-case words joined by `_`: `getVideoV3` and `get_video_v3` agree.
fn snake_case(id: &str) -> String {
    let mut out = String::with_capacity(id.len() + 4);
    let mut previous: Option<char> = None;
    for c in id.chars() {
        if c.is_ascii_uppercase() && previous.is_some_and(|p| p.is_ascii_lowercase() || p.is_ascii_digit()) {
            out.push('_');
        }
        out.push(if c == '-' || c == ' ' { '_' } else { c.to_ascii_lowercase() });
        previous = Some(c);
    }
    out
}

/// A model operation with the JSON it was read from.
struct Operation<'a> {
    id: &'a str,
    method: &'a str,
    path: &'a str,
    pointer: &'a str,
    value: &'a Value,
    model: &'a model::Operation,
}

fn operations<'a>(api: &'a Api, doc: &'a Value) -> Vec<Operation<'a>> {
    api.operations
        .iter()
        .map(|op| Operation {
            id: &op.id,
            method: &op.method,
            path: &op.path,
            pointer: &op.pointer,
            value: doc.pointer(&op.pointer).unwrap_or(&Value::Null),
            model: op,
        })
        .collect()
}

/// Compares one operation of the base with its counterpart in the head.
struct OperationDiff<'a, 'o> {
    base: &'a Value,
    head: &'a Value,
    b: &'a Operation<'a>,
    h: &'a Operation<'a>,
    out: &'o mut Out,
}

impl OperationDiff<'_, '_> {
    fn push(&mut self, id: &str, severity: Severity, location: &str, message: String, link: Link) {
        self.out.push(id, severity, self.h.id, location, message, link);
    }

    fn method_link(&self) -> Link {
        Link::Methods(vec![self.h.id.into()])
    }

    fn compare(mut self) {
        if self.h.value["deprecated"] == true && self.b.value["deprecated"] != true {
            let at = format!("{}/deprecated", self.h.pointer);
            self.push(
                "operation-deprecated",
                Severity::Warning,
                &at,
                "operation is now deprecated".into(),
                self.method_link(),
            );
        }
        self.parameters();
        self.request_body();
        self.success();
        self.errors();
        self.security_and_server();
    }

    fn parameters(&mut self) {
        let base = parameters(self.base, self.b);
        let head = parameters(self.head, self.h);
        for (key, (at, p, name)) in &head {
            let place = &key.0;
            let required = p["required"] == true;
            match base.get(key) {
                None if required => {
                    let message = format!("required {place} parameter `{name}` was added");
                    self.push("parameter-added-required", Severity::Breaking, at, message, self.method_link());
                }
                None => {
                    let message = format!("optional {place} parameter `{name}` was added");
                    self.push("parameter-added-optional", Severity::Info, at, message, self.method_link());
                }
                Some((base_at, old, _)) => {
                    if required && old["required"] != true {
                        let message = format!("{place} parameter `{name}` is now required");
                        self.push(
                            "parameter-made-required",
                            Severity::Breaking,
                            &format!("{at}/required"),
                            message,
                            self.method_link(),
                        );
                    }
                    let (old_schema, new_schema) = (&old["schema"], &p["schema"]);
                    let (old_at, new_at) = (format!("{base_at}/schema"), format!("{at}/schema"));
                    let walk = SchemaWalk::new(
                        (self.base, self.head),
                        self.h.id,
                        Direction::Request,
                        "parameter",
                        format!("{place} parameter `{name}`"),
                        name,
                    );
                    walk.run(self.out, (old_schema, old_at), (new_schema, new_at));
                }
            }
        }
        for ((place, _), (at, _, name)) in base.iter().filter(|(key, _)| !head.contains_key(*key)) {
            let message = format!("{place} parameter `{name}` was removed");
            self.push("parameter-removed", Severity::Warning, at, message, self.method_link());
        }
    }

    fn request_body(&mut self) {
        let (old, new) = (json_body_of(&self.b.value["requestBody"]), json_body_of(&self.h.value["requestBody"]));
        let (old_at, new_at) = (format!("{}/requestBody", self.b.pointer), format!("{}/requestBody", self.h.pointer));
        match (old, new) {
            (None, None) => {}
            (None, Some(_)) => {
                let required = self.h.value["requestBody"]["required"] == true;
                let severity = if required { Severity::Breaking } else { Severity::Info };
                let message = format!("{} request body was added", if required { "a required" } else { "an optional" });
                self.push("request-body-added", severity, &new_at, message, self.method_link());
            }
            (Some(_), None) => {
                self.push(
                    "request-body-removed",
                    Severity::Warning,
                    &old_at,
                    "the request body was removed".into(),
                    self.method_link(),
                );
            }
            (Some((old_media, old)), Some((new_media, new))) => {
                let old = (old, format!("{old_at}/content/{}/schema", escape_segment(old_media)));
                let new = (new, format!("{new_at}/content/{}/schema", escape_segment(new_media)));
                SchemaWalk::new(
                    (self.base, self.head),
                    self.h.id,
                    Direction::Request,
                    "request-body",
                    "the request body".into(),
                    "",
                )
                .run(self.out, old, new);
            }
        }
    }

    fn success(&mut self) {
        let (Some((old_code, old)), Some((new_code, new))) = (success(self.b), success(self.h)) else {
            return;
        };
        let responses = format!("{}/responses", self.h.pointer);
        if old_code != new_code {
            let message = format!("success status changed from {old_code} to {new_code}");
            self.push(
                "success-status-changed",
                Severity::Breaking,
                &format!("{responses}/{new_code}"),
                message,
                Link::Nothing,
            );
        }
        let old_at = format!("{}/responses/{}", self.b.pointer, escape_segment(old_code));
        let new_at = format!("{responses}/{}", escape_segment(new_code));
        let walk = SchemaWalk::new(
            (self.base, self.head),
            self.h.id,
            Direction::Response,
            "response-body",
            "the response body".into(),
            "",
        );
        walk.run(self.out, response_schema(old, old_at), response_schema(new, new_at));
    }

    fn errors(&mut self) {
        let old = error_schema(self.base, self.b.value).map(|(_, s)| inline_refs(self.base, s, &mut Vec::new()));
        let Some((code, new)) = error_schema(self.head, self.h.value) else { return };
        if old.as_ref() != Some(&inline_refs(self.head, new, &mut Vec::new())) {
            let at = format!("{}/responses/{code}", self.h.pointer);
            let types = new["$ref"]
                .as_str()
                .and_then(|r| r.strip_prefix("#/components/schemas/"))
                .map(pascal)
                .into_iter()
                .collect();
            self.push(
                "error-schema-changed",
                Severity::Warning,
                &at,
                "the error response body changed".into(),
                Link::Types(types),
            );
        }
    }

    fn security_and_server(&mut self) {
        let effective = |doc: &'_ Value, op: &Operation<'_>, key: &str| {
            let own = &op.value[key];
            if own.is_null() { doc[key].clone() } else { own.clone() }
        };
        let (old, new) = (effective(self.base, self.b, "security"), effective(self.head, self.h, "security"));
        if old != new {
            let message = format!("security requirement changed from {old} to {new}");
            self.push(
                "security-changed",
                Severity::Breaking,
                &format!("{}/security", self.h.pointer),
                message,
                Link::Nothing,
            );
        }
        let old = effective(self.base, self.b, "servers")[0]["url"].clone();
        let new = effective(self.head, self.h, "servers")[0]["url"].clone();
        if old != new {
            let message = format!("server changed from {old} to {new}");
            self.push(
                "server-changed",
                Severity::Breaking,
                &format!("{}/servers", self.h.pointer),
                message,
                Link::Nothing,
            );
        }
    }
}

/// The model's parameters (path-level ones included) with their pointers, JSON (`$ref`s
/// resolved) and names, keyed by location and what identifies them on the wire: a path
/// parameter by its place in the path (its name is never sent), a header by its name in lower
/// case (header names ignore case), a query parameter by its name.
type Parameters<'a> = BTreeMap<(String, String), (String, &'a Value, String)>;

fn parameters<'a>(doc: &'a Value, op: &Operation<'_>) -> Parameters<'a> {
    let slots: Vec<&str> = op.path.split('{').skip(1).filter_map(|s| s.split_once('}')).map(|(name, _)| name).collect();
    let mut out = BTreeMap::new();
    for p in &op.model.parameters {
        let (at, value) = resolve(doc, doc.pointer(&p.pointer).unwrap_or(&Value::Null), p.pointer.clone());
        let wire = match p.location {
            Location::Path => match slots.iter().position(|slot| *slot == p.name) {
                Some(slot) => format!("{{{slot}}}"),
                None => p.name.clone(),
            },
            Location::Header => p.name.to_ascii_lowercase(),
            Location::Query | Location::Cookie => p.name.clone(),
        };
        out.insert((p.location.as_str().to_owned(), wire), (at, value, p.name.clone()));
    }
    out
}

/// The first media type of a request body or response, and its schema.
fn json_body_of(body: &Value) -> Option<(&str, &Value)> {
    body["content"].as_object()?.iter().next().map(|(media, content)| (media.as_str(), &content["schema"]))
}

/// A response's schema and its pointer; a response without a body has a null schema.
fn response_schema(response: &Value, pointer: String) -> (&Value, String) {
    match json_body_of(response) {
        Some((media, schema)) => (schema, format!("{pointer}/content/{}/schema", escape_segment(media))),
        None => (&Value::Null, pointer),
    }
}

/// The model's success status, as the spec writes it, and its response.
fn success<'a>(op: &Operation<'a>) -> Option<(&'a str, &'a Value)> {
    let key = op.model.success.as_ref()?.key.as_str();
    Some((key, &op.value["responses"][key]))
}

/// The status key of the first error response and its schema.
fn error_schema<'a>(doc: &'a Value, op: &'a Value) -> Option<(String, &'a Value)> {
    let (code, response) = op["responses"].as_object()?.iter().find(|(code, _)| code.starts_with(['4', '5']))?;
    let (_, response) = resolve(doc, response, String::new());
    Some((escape_segment(code), json_body_of(response).map_or(&Value::Null, |(_, schema)| schema)))
}

/// `schema` with every `$ref` replaced by its target (a cycle keeps its `$ref`) and without
/// the keywords that only document it, so two error schemas compare equal exactly when they
/// describe the same body, whoever worded them.
fn inline_refs(doc: &Value, schema: &Value, stack: &mut Vec<String>) -> Value {
    const DOCUMENTATION: &[&str] = &["description", "example", "examples", "title", "externalDocs"];
    match schema {
        Value::Object(map) => {
            if let Some(target) = map.get("$ref").and_then(Value::as_str)
                && !stack.iter().any(|seen| seen == target)
                && let Some(found) = target.strip_prefix('#').and_then(|p| doc.pointer(p))
            {
                stack.push(target.to_owned());
                let inlined = inline_refs(doc, found, stack);
                stack.pop();
                return inlined;
            }
            let kept = map.iter().filter(|(k, _)| !DOCUMENTATION.contains(&k.as_str()));
            let mut out: serde_json::Map<String, Value> =
                kept.map(|(k, v)| (k.clone(), inline_refs(doc, v, stack))).collect();
            // Property names are not keywords: a property called `description` stays.
            if let Some(Value::Object(properties)) = map.get("properties") {
                let properties = properties.iter().map(|(k, v)| (k.clone(), inline_refs(doc, v, stack))).collect();
                out.insert("properties".into(), Value::Object(properties));
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(|v| inline_refs(doc, v, stack)).collect()),
        other => other.clone(),
    }
}
