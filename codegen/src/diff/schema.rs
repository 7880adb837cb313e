//! Schema walk: compares the schemas of one operation in two specs (a parameter's, the request
//! body's, the success reply's), node by node through `$ref`s, `allOf` merges and unions, and
//! rates each change by the direction the schema travels: a new requirement breaks a caller who
//! sends the schema, a removed or reshaped property breaks one who reads it.
//!
//! Each node carries the Rust type typify names after it, so `diff::rust` can link a wire change
//! to the generated item it changes.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use serde_json::Value;

use super::{Change, Link, Severity};
use crate::source::escape_segment;

/// The changes found so far, in the order they were found.
pub(super) struct Out {
    pub(super) changes: Vec<Change>,
}

impl Out {
    pub(super) fn push(
        &mut self,
        id: &str,
        severity: Severity,
        operation: &str,
        location: &str,
        message: String,
        link: Link,
    ) {
        let (id, operation, location) = (id.to_owned(), operation.to_owned(), location.to_owned());
        self.changes.push(Change { id, severity, operation, location, message, rust: String::new(), link });
    }
}

/// Follows `$ref`s from `value` (found at `pointer`) to what they name, and where that is.
pub(super) fn resolve<'a>(doc: &'a Value, mut value: &'a Value, mut pointer: String) -> (String, &'a Value) {
    for _ in 0..32 {
        let Some(target) = value["$ref"].as_str().and_then(|r| r.strip_prefix('#')) else { break };
        let Some(found) = doc.pointer(target) else { break };
        (value, pointer) = (found, target.to_owned());
    }
    (pointer, value)
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Direction {
    /// Sent by the caller: new requirements break them, new options do not.
    Request,
    /// Read by the caller: anything they relied on going away or changing shape breaks them.
    Response,
}

/// A schema node being compared, with where it is and the Rust type typify names it after.
#[derive(Clone)]
struct Node<'a> {
    value: &'a Value,
    pointer: String,
    /// Where null is accepted, if it is: `nullable`, a `null` enum value, or a union with
    /// `{enum: [null]}` on the way to this schema.
    nullable: Option<String>,
    /// Nearest named component schema, the start of typify's name for this node's type.
    owner: String,
    /// Property names from `owner` to this node; typify appends them to name inline types.
    inline: Vec<String>,
}

impl<'a> Node<'a> {
    /// The schema `value` (found at `pointer`) stands for, seen through whatever only wraps it,
    /// so that two documents saying the same thing in different forms compare equal: `$ref`s,
    /// an `allOf` of one member (a 3.1 `$ref` with sibling keywords, after the downgrade), and
    /// a union of one schema with null (the house form of a nullable `$ref`, or HeyGen's).
    fn new(doc: &'a Value, mut value: &'a Value, mut pointer: String, owner: String, inline: Vec<String>) -> Self {
        let (mut nullable, mut named) = (None, None);
        for _ in 0..32 {
            let (target, resolved) = resolve(doc, value, pointer.clone());
            if target != pointer
                && let Some(name) = target.strip_prefix("/components/schemas/").filter(|name| !name.contains('/'))
            {
                named = Some(name.replace("~1", "/").replace("~0", "~"));
            }
            (pointer, value) = (target, resolved);
            if value["nullable"] == true {
                nullable.get_or_insert_with(|| format!("{pointer}/nullable"));
            } else if value["enum"].as_array().is_some_and(|values| values.contains(&Value::Null)) {
                nullable.get_or_insert_with(|| format!("{pointer}/enum"));
            }
            let wrapper = value.get("type").is_none() && value.get("properties").is_none();
            let inner = ["allOf", "oneOf", "anyOf"].into_iter().find_map(|keyword| {
                let members = value[keyword].as_array().filter(|_| wrapper)?;
                match (keyword, members.as_slice()) {
                    ("allOf", [only]) => Some((0, only, false)),
                    (_, [a, b]) if is_null(b) => Some((0, a, true)),
                    (_, [a, b]) if is_null(a) => Some((1, b, true)),
                    _ => None,
                }
                .map(|(i, inner, null_branch)| (keyword, i, inner, null_branch))
            });
            let Some((keyword, i, inner, null_branch)) = inner else { break };
            if null_branch {
                nullable.get_or_insert_with(|| format!("{pointer}/{keyword}"));
            }
            (pointer, value) = (format!("{pointer}/{keyword}/{i}"), inner);
        }
        match named {
            Some(owner) => Node { value, pointer, nullable, owner, inline: Vec::new() },
            None => Node { value, pointer, nullable, owner, inline },
        }
    }

    /// Rust type names this node's type may have, most specific first.
    fn type_names(&self) -> Vec<String> {
        let mut name = pascal(&self.owner);
        let mut names = vec![name.clone()];
        for segment in &self.inline {
            name.push_str(&pascal(segment));
            names.insert(0, name.clone());
        }
        names
    }

    fn child(&self, doc: &'a Value, value: &'a Value, pointer: String, property: Option<&str>) -> Self {
        let mut inline = self.inline.clone();
        inline.extend(property.map(str::to_owned));
        Node::new(doc, value, pointer, self.owner.clone(), inline)
    }
}

pub(super) fn pascal(name: &str) -> String {
    name.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w[..1].to_ascii_uppercase() + &w[1..])
        .collect()
}

/// Compares two schemas of one operation, reporting each change under the operation.
pub(super) struct SchemaWalk<'a> {
    base: &'a Value,
    head: &'a Value,
    operation: String,
    direction: Direction,
    /// Id prefix for a type change of the root itself (`parameter`, `request-body`, ...).
    root: &'static str,
    /// The root in messages (`the request body`, ``query parameter `limit` ``).
    root_text: String,
    /// The root's label; labels below it extend it (`data.status`, `items[]`).
    root_label: String,
    /// Pairs of (base, head) pointers already compared: shared and recursive schemas are
    /// walked once per operation.
    seen: HashSet<(String, String)>,
}

impl<'a> SchemaWalk<'a> {
    pub(super) fn new(
        (base, head): (&'a Value, &'a Value),
        operation: &str,
        direction: Direction,
        root: &'static str,
        root_text: String,
        root_label: &str,
    ) -> Self {
        let operation = operation.to_owned();
        let root_label = root_label.to_owned();
        SchemaWalk { base, head, operation, direction, root, root_text, root_label, seen: HashSet::new() }
    }

    pub(super) fn run(mut self, out: &mut Out, old: (&'a Value, String), new: (&'a Value, String)) {
        let old = Node::new(self.base, old.0, old.1, String::new(), Vec::new());
        let new = Node::new(self.head, new.0, new.1, String::new(), Vec::new());
        let (link, label) = (Link::Methods(vec![self.operation.clone()]), self.root_label.clone());
        self.compare(out, &old, &new, &label, &link);
    }

    fn dir(&self) -> &'static str {
        match self.direction {
            Direction::Request => "request",
            Direction::Response => "response",
        }
    }

    fn push(&self, out: &mut Out, id: &str, severity: Severity, at: &str, message: String, link: Link) {
        out.push(id, severity, &self.operation, at, message, link);
    }

    /// `label` names the node in messages; `link` is where a change of the node's own type
    /// shows in Rust (the field holding it, or the method for a root).
    fn compare(&mut self, out: &mut Out, old: &Node<'a>, new: &Node<'a>, label: &str, link: &Link) {
        let is_root = label == self.root_label;
        let what = if is_root { self.root_text.clone() } else { format!("`{label}`") };
        let (old_shape, new_shape) = (shape(old.value), shape(new.value));
        // Nullability belongs to the property, not to the schema it names, so it is checked
        // even where that schema was compared already (a nullable `parent: Thing` in `Thing`).
        if let (Direction::Response, None, Some(at), true) =
            (self.direction, &old.nullable, &new.nullable, old_shape == new_shape)
        {
            let message = format!("{what} can now be null");
            self.push(out, "response-property-made-nullable", Severity::Breaking, at, message, link.clone());
        }
        if !self.seen.insert((old.pointer.clone(), new.pointer.clone())) {
            return;
        }
        if old_shape != new_shape {
            let id = if is_root {
                format!("{}-type-changed", self.root)
            } else {
                format!("{}-property-type-changed", self.dir())
            };
            let message = format!("{what} changed type from {old_shape} to {new_shape}");
            return self.push(out, &id, Severity::Breaking, &new.pointer, message, link.clone());
        }
        self.enum_values(out, old, new, &what);
        self.properties(out, old, new, label);
        self.variants(out, old, new, label);
        for key in ["items", "additionalProperties"] {
            if new.value[key].is_object() && old.value[key].is_object() {
                let old_child = old.child(self.base, &old.value[key], format!("{}/{key}", old.pointer), None);
                let new_child = new.child(self.head, &new.value[key], format!("{}/{key}", new.pointer), None);
                let suffix = if key == "items" { "[]" } else { ".*" };
                self.compare(out, &old_child, &new_child, &format!("{label}{suffix}"), link);
            }
        }
    }

    fn enum_values(&self, out: &mut Out, old: &Node<'a>, new: &Node<'a>, what: &str) {
        let values = |node: &Node| -> Vec<String> {
            node.value["enum"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|v| !v.is_null())
                .map(|v| v.as_str().map_or(v.to_string(), str::to_owned))
                .collect()
        };
        let (old_values, new_values) = (values(old), values(new));
        if old_values.is_empty() || new_values.is_empty() {
            return;
        }
        let (added, removed) = match self.direction {
            Direction::Request => (Severity::Info, Severity::Breaking),
            Direction::Response => (Severity::Warning, Severity::Info),
        };
        let at = format!("{}/enum", new.pointer);
        let types = new.type_names();
        for value in new_values.iter().filter(|v| !old_values.contains(v)) {
            let link = Link::Member { types: types.clone(), wire: value.clone() };
            let message = match self.direction {
                Direction::Request => format!("{what} accepts the new value `{value}`"),
                Direction::Response => format!("{what} can now be `{value}`"),
            };
            self.push(out, &format!("{}-enum-value-added", self.dir()), added, &at, message, link);
        }
        for value in old_values.iter().filter(|v| !new_values.contains(v)) {
            let link = Link::Member { types: types.clone(), wire: value.clone() };
            let message = format!("{what} no longer has the value `{value}`");
            self.push(
                out,
                &format!("{}-enum-value-removed", self.dir()),
                removed,
                &format!("{}/enum", old.pointer),
                message,
                link,
            );
        }
    }

    fn properties(&mut self, out: &mut Out, old: &Node<'a>, new: &Node<'a>, label: &str) {
        let (old_props, old_required) = properties(self.base, old);
        let (new_props, new_required) = properties(self.head, new);
        let types = new.type_names();
        let dir = self.dir();
        for (name, (pointer, value)) in &new_props {
            let path = if label.is_empty() { name.clone() } else { format!("{label}.{name}") };
            let link = Link::Member { types: types.clone(), wire: name.clone() };
            let required = new_required.contains(name);
            let Some((old_pointer, old_value)) = old_props.get(name) else {
                let (id, severity, kind) = match (self.direction, required) {
                    (Direction::Request, true) => {
                        ("request-property-added-required", Severity::Breaking, "required property")
                    }
                    (Direction::Request, false) => {
                        ("request-property-added-optional", Severity::Info, "optional property")
                    }
                    (Direction::Response, _) => ("response-property-added", Severity::Info, "property"),
                };
                self.push(out, id, severity, pointer, format!("{kind} `{path}` was added"), link);
                continue;
            };
            if self.direction == Direction::Request && required && !old_required.contains(name) {
                self.push(
                    out,
                    "request-property-made-required",
                    Severity::Breaking,
                    pointer,
                    format!("property `{path}` is now required"),
                    link.clone(),
                );
            }
            let old_child = old.child(self.base, old_value, old_pointer.clone(), Some(name));
            let new_child = new.child(self.head, value, pointer.clone(), Some(name));
            self.compare(out, &old_child, &new_child, &path, &link);
        }
        for (name, (pointer, _)) in old_props.iter().filter(|(name, _)| !new_props.contains_key(*name)) {
            let path = if label.is_empty() { name.clone() } else { format!("{label}.{name}") };
            let severity = match self.direction {
                Direction::Request => Severity::Warning,
                Direction::Response => Severity::Breaking,
            };
            let link = Link::Member { types: types.clone(), wire: name.clone() };
            self.push(
                out,
                &format!("{dir}-property-removed"),
                severity,
                pointer,
                format!("property `{path}` was removed"),
                link,
            );
        }
    }

    /// `oneOf`/`anyOf` variants, matched by their one-value discriminator when they have one.
    fn variants(&mut self, out: &mut Out, old: &Node<'a>, new: &Node<'a>, label: &str) {
        let (old_variants, new_variants) = (variants(self.base, old), variants(self.head, new));
        if old_variants.is_empty() && new_variants.is_empty() {
            return;
        }
        let (added, removed) = match self.direction {
            Direction::Request => (Severity::Info, Severity::Breaking),
            Direction::Response => (Severity::Warning, Severity::Info),
        };
        let types = new.type_names();
        let union = if label.is_empty() { self.root_text.clone() } else { format!("the union at `{label}`") };
        for (tag, new_child) in &new_variants {
            let link = Link::Member { types: types.clone(), wire: tag.clone() };
            match old_variants.get(tag) {
                Some(old_child) => self.compare(out, old_child, new_child, &format!("{label}<{tag}>"), &link),
                None => {
                    let message = format!("{union} has a new variant `{tag}`");
                    self.push(out, &format!("{}-variant-added", self.dir()), added, &new_child.pointer, message, link);
                }
            }
        }
        for (tag, old_child) in old_variants.iter().filter(|(tag, _)| !new_variants.contains_key(*tag)) {
            let link = Link::Member { types: types.clone(), wire: tag.clone() };
            let message = format!("{union} lost its variant `{tag}`");
            self.push(out, &format!("{}-variant-removed", self.dir()), removed, &old_child.pointer, message, link);
        }
    }
}

/// Whether a union member only admits null.
fn is_null(schema: &Value) -> bool {
    schema["type"] == "null" || schema["enum"].as_array().is_some_and(|values| values == &[Value::Null])
}

/// What a schema is, for spotting type changes: its type and format (or composition keyword).
fn shape(schema: &Value) -> String {
    let kind = match schema["type"].as_str() {
        Some(kind) => kind,
        None if schema.is_null() => "nothing",
        None if schema.get("oneOf").is_some() => "oneOf",
        None if schema.get("anyOf").is_some() => "anyOf",
        None if schema.get("properties").is_some() || schema.get("allOf").is_some() => "object",
        None => "any",
    };
    match schema["format"].as_str() {
        Some(format) => format!("{kind} ({format})"),
        None => kind.to_owned(),
    }
}

/// Properties (name -> pointer and schema) and required names of an object, `allOf` merged.
/// Properties merged from `allOf` keep the outer node's Rust type: typify merges them into it.
type Properties<'a> = BTreeMap<String, (String, &'a Value)>;

fn properties<'a>(doc: &'a Value, node: &Node<'a>) -> (Properties<'a>, BTreeSet<String>) {
    let mut props = BTreeMap::new();
    let mut required = BTreeSet::new();
    let mut stack = vec![(node.pointer.clone(), node.value)];
    let mut seen = HashSet::new();
    while let Some((pointer, schema)) = stack.pop() {
        if !seen.insert(pointer.clone()) {
            continue;
        }
        for (name, value) in schema["properties"].as_object().into_iter().flatten() {
            props.entry(name.clone()).or_insert((format!("{pointer}/properties/{}", escape_segment(name)), value));
        }
        required
            .extend(schema["required"].as_array().into_iter().flatten().filter_map(Value::as_str).map(str::to_owned));
        for (i, member) in schema["allOf"].as_array().map(Vec::as_slice).unwrap_or_default().iter().enumerate().rev() {
            stack.push(resolve(doc, member, format!("{pointer}/allOf/{i}")));
        }
    }
    (props, required)
}

fn variants<'a>(doc: &'a Value, node: &Node<'a>) -> BTreeMap<String, Node<'a>> {
    let keyword = if node.value.get("oneOf").is_some() { "oneOf" } else { "anyOf" };
    let list = node.value[keyword].as_array().into_iter().flatten().enumerate();
    // Variants are told apart by their one-value discriminator, `type` unless the union names
    // another (HeyGen's voice engines use `engine_type`).
    let tag_property = node.value["discriminator"]["propertyName"].as_str().unwrap_or("type");
    list.map(|(i, variant)| {
        let child = node.child(doc, variant, format!("{}/{keyword}/{i}", node.pointer), None);
        let (properties, _) = properties(doc, &child);
        let tag = properties.get(tag_property).map(|(at, value)| resolve(doc, value, at.clone()).1);
        let tag = match tag.and_then(|tag| tag["enum"].as_array()).map(Vec::as_slice) {
            Some([Value::String(tag)]) => tag.clone(),
            _ => format!("#{i}"),
        };
        (tag, child)
    })
    .collect()
}
