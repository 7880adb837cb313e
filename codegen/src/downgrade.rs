//! Downgrade: rewrites an OpenAPI 3.1 document into the 3.0.3 dialect that openapiv3, the house
//! rules and progenitor read.
//!
//! It works on the JSON value (openapiv3's types cannot hold 3.1), top-down and in place, so each
//! node is rewritten once its final place is known. Where a node does not sit at its source
//! pointer, the output pointer is mapped to the source one; the [`LineIndex`] of the result is
//! then built from that map, so a problem found by a later stage names the line in the 3.1
//! source. What is approximated or dropped comes back as notes; what cannot be said in 3.0 is a
//! located problem, all of them at once.

use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value, json};

use crate::source::{LineIndex, Problem, escape_segment};

/// The version the output declares.
pub const TARGET_VERSION: &str = "3.0.3";

/// The dialect a 3.1 document's schemas use unless it says otherwise.
const DEFAULT_DIALECT: &str = "https://spec.openapis.org/oas/3.1/dialect/base";
const JSON_SCHEMA_2020_12: &str = "https://json-schema.org/draft/2020-12/schema";

/// Schema keywords of OpenAPI 3.0.3; anything else in a 3.1 schema has to be translated or go.
const SCHEMA_KEYWORDS_30: &[&str] = &[
    "title",
    "multipleOf",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "maxProperties",
    "minProperties",
    "required",
    "enum",
    "type",
    "not",
    "allOf",
    "oneOf",
    "anyOf",
    "items",
    "properties",
    "additionalProperties",
    "description",
    "format",
    "default",
    "nullable",
    "discriminator",
    "readOnly",
    "writeOnly",
    "example",
    "externalDocs",
    "deprecated",
    "xml",
    "$ref",
];

/// Validation keywords 3.0 lacks. Dropping one only widens what the schema accepts, so they go
/// with a note rather than an error.
const LOOSENED_KEYWORDS: &[&str] = &[
    "propertyNames",
    "contains",
    "minContains",
    "maxContains",
    "dependentRequired",
    "dependentSchemas",
    "unevaluatedProperties",
    "unevaluatedItems",
    "if",
    "then",
    "else",
];

/// Keywords that give a schema an identity other than its place in the document; refs through
/// them cannot be rewritten as JSON pointers.
const IDENTITY_KEYWORDS: &[&str] =
    &["$id", "$anchor", "$dynamicRef", "$dynamicAnchor", "$recursiveRef", "$recursiveAnchor"];

/// The members of a path item that are operations.
const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// A 3.1 document rewritten as 3.0.3.
pub struct Downgraded {
    pub json: Value,
    /// The source line of every node of `json`, by its pointer in `json`.
    pub lines: LineIndex,
    /// What was approximated or dropped, located in the 3.1 source.
    pub notes: Vec<Problem>,
}

/// Whether `json` declares OpenAPI 3.1.x.
pub fn is_openapi_31(json: &Value) -> bool {
    json.get("openapi").and_then(Value::as_str).is_some_and(|version| version.starts_with("3.1."))
}

/// Rewrites a 3.1 document as 3.0.3. `lines` locates the nodes of `json`. On error, every
/// untranslatable construct is reported, each with its source line and pointer.
pub fn downgrade(json: &Value, lines: &LineIndex) -> Result<Downgraded, Vec<Problem>> {
    let schema_names = json
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|schemas| schemas.keys().cloned().collect())
        .unwrap_or_default();
    let mut stage = Downgrade {
        source: json,
        lines,
        notes: Vec::new(),
        problems: Vec::new(),
        origins: HashMap::new(),
        moved: Vec::new(),
        lifted: Vec::new(),
        schema_names,
    };
    let mut out = json.clone();
    stage.document(&mut out);
    let mut index = HashMap::new();
    stage.finish(&mut out, String::new(), String::new(), &mut index);
    stage.check_refs(json, &out);
    if stage.problems.is_empty() {
        Ok(Downgraded { json: out, lines: LineIndex::from_map(index), notes: stage.notes })
    } else {
        Err(stage.problems)
    }
}

struct Downgrade<'a> {
    source: &'a Value,
    lines: &'a LineIndex,
    notes: Vec<Problem>,
    problems: Vec<Problem>,
    /// Output pointer -> source pointer, where a node left its source place; the nodes below
    /// follow it.
    origins: HashMap<String, String>,
    /// Source pointer prefix -> output pointer prefix, for the `$ref`s to nodes that moved.
    moved: Vec<(String, String)>,
    /// `$defs` entries lifted into components.schemas, with their new names.
    lifted: Vec<(String, Value)>,
    /// Names taken in components.schemas.
    schema_names: HashSet<String>,
}

fn child(pointer: &str, segment: &str) -> String {
    format!("{pointer}/{}", escape_segment(segment))
}

impl Downgrade<'_> {
    fn note(&mut self, from: &str, message: impl Into<String>) {
        self.notes.push(self.lines.problem(from, message));
    }

    fn problem(&mut self, from: &str, message: impl Into<String>) {
        self.problems.push(self.lines.problem(from, message));
    }

    /// Records that the node now at `at` came from `from`. The first record wins: a parent that
    /// moved a node knows better than the walk that reaches it later.
    fn relocate(&mut self, at: &str, from: &str) {
        self.origins.entry(at.to_owned()).or_insert_with(|| from.to_owned());
    }

    /// Where the walk should say the node at `at` came from.
    fn origin(&self, at: &str) -> String {
        self.origins.get(at).cloned().unwrap_or_else(|| at.to_owned())
    }

    fn document(&mut self, doc: &mut Value) {
        let Some(root) = doc.as_object_mut() else { return };
        root.insert("openapi".into(), Value::String(TARGET_VERSION.into()));
        if let Some(dialect) = root.shift_remove("jsonSchemaDialect") {
            // The default dialect is what 3.0 schemas mean already; any other one changes what
            // every schema means.
            if dialect.as_str() != Some(DEFAULT_DIALECT) {
                self.problem(
                    "/jsonSchemaDialect",
                    format!("schemas in the dialect {dialect} cannot be read as OpenAPI 3.0 schemas"),
                );
            }
        }
        if let Some(info) = root.get_mut("info").and_then(Value::as_object_mut) {
            self.info(info);
        }
        if root.contains_key("webhooks") {
            self.rename_extension(root, "webhooks", "", "3.0 has no webhooks");
        }
        for (key, value) in root.iter_mut() {
            let pointer = child("", key);
            match key.as_str() {
                "paths" => self.paths(value),
                "components" => self.components(value),
                _ if key.starts_with("x-") && self.origins.contains_key(&pointer) => {
                    let from = self.origin(&pointer);
                    self.node(value, &pointer, &from, false)
                }
                _ if key.starts_with("x-") => {}
                _ => self.node(value, &pointer, &pointer, false),
            }
        }
        if !root.contains_key("paths") {
            self.note("", "the document has no paths (3.1 allows that); 3.0 requires them, so the output has none");
            root.insert("paths".into(), json!({}));
        }
        if !self.lifted.is_empty() {
            let components = root.entry("components").or_insert_with(|| json!({}));
            if let Some(components) = components.as_object_mut() {
                let schemas = components.entry("schemas").or_insert_with(|| json!({}));
                if let Some(schemas) = schemas.as_object_mut() {
                    schemas.extend(std::mem::take(&mut self.lifted));
                    return;
                }
            }
            self.problem("/components", "components.schemas must be an object to take the lifted $defs");
        }
    }

    /// Keeps a 3.1-only member as an `x-` extension (3.0 tools ignore it), walked like the
    /// rest so that its schemas are 3.0 too.
    fn rename_extension(&mut self, parent: &mut Map<String, Value>, key: &str, at: &str, why: &str) {
        let from = child(at, key);
        let renamed = format!("x-{key}");
        let to = child(at, &renamed);
        if parent.contains_key(&renamed) {
            self.problem(&from, format!("{why}, and {renamed} is taken, so {key} has nowhere to go"));
            return;
        }
        self.note(&from, format!("{why}: kept as the extension {renamed}, which generators ignore"));
        self.relocate(&to, &from);
        self.moved.push((from, to));
        replace_key(parent, key, renamed);
    }

    fn info(&mut self, info: &mut Map<String, Value>) {
        if info.contains_key("summary") && !info.contains_key("x-summary") {
            self.note("/info/summary", "3.0 info has no summary: kept as x-summary");
            self.relocate("/info/x-summary", "/info/summary");
            replace_key(info, "summary", "x-summary".into());
        }
        let Some(license) = info.get_mut("license").and_then(Value::as_object_mut) else { return };
        let Some(identifier) = license.shift_remove("identifier") else { return };
        if license.contains_key("url") {
            self.note("/info/license/identifier", "3.0 licenses have no SPDX identifier: dropped beside the url");
        } else if let Some(id) = identifier.as_str() {
            self.note(
                "/info/license/identifier",
                format!("3.0 licenses have no SPDX identifier: {id} became the url of its SPDX page"),
            );
            license.insert("url".into(), Value::String(format!("https://spdx.org/licenses/{id}.html")));
        }
    }

    fn paths(&mut self, paths: &mut Value) {
        let Some(paths) = paths.as_object_mut() else { return };
        for (path, item) in paths.iter_mut() {
            let at = child("/paths", path);
            self.path_item(item, &at);
        }
    }

    fn path_item(&mut self, item: &mut Value, at: &str) {
        let mut from = at.to_owned();
        if let Some(target) = self.inlinable_path_item(item) {
            // progenitor takes no path item $ref; a local one is the same as its target in place.
            let Some(Value::Object(resolved)) = self.source.pointer(&target) else { unreachable!("checked") };
            let mut merged = resolved.clone();
            if let Some(siblings) = item.as_object() {
                for (key, value) in siblings.iter().filter(|(k, _)| *k != "$ref") {
                    self.relocate(&child(at, key), &child(at, key));
                    merged.insert(key.clone(), value.clone());
                }
            }
            self.note(at, format!("path item $ref #{target} inlined"));
            self.relocate(at, &target);
            *item = Value::Object(merged);
            from = target;
        }
        if item.get("$ref").is_some() {
            // Not ours to resolve; the 3.0 stages report it.
            return;
        }
        self.node(item, at, &from, false);
        let Some(item) = item.as_object_mut() else { return };
        for method in METHODS {
            let Some(operation) = item.get_mut(*method).and_then(Value::as_object_mut) else { continue };
            if !operation.contains_key("responses") {
                let from = child(at, method);
                self.note(&from, "the operation declares no responses (3.1 allows that); 3.0 requires some, so it has an undescribed default");
                operation.insert(
                    "responses".into(),
                    json!({"default": {"description": "Not described by the source document."}}),
                );
            }
        }
    }

    /// The pointer of the path item a `paths` entry refers to, when it is a local one in
    /// components.pathItems that is not a reference itself.
    fn inlinable_path_item(&self, item: &Value) -> Option<String> {
        let target = item.get("$ref")?.as_str()?.strip_prefix('#')?;
        let resolved = self.source.pointer(target)?.as_object()?;
        (target.starts_with("/components/pathItems/") && !resolved.contains_key("$ref")).then(|| target.to_owned())
    }

    fn components(&mut self, components: &mut Value) {
        let Some(components) = components.as_object_mut() else { return };
        if components.contains_key("pathItems") {
            self.rename_extension(components, "pathItems", "/components", "3.0 components have no pathItems");
        }
        for (key, value) in components.iter_mut() {
            let at = child("/components", key);
            match key.as_str() {
                "schemas" => {
                    let Some(schemas) = value.as_object_mut() else { continue };
                    for (name, schema) in schemas.iter_mut() {
                        let at = child(&at, name);
                        self.schema(schema, &at, &at, false);
                    }
                }
                "securitySchemes" => {
                    if let Some(schemes) = value.as_object() {
                        for (name, scheme) in schemes {
                            if scheme.get("type").and_then(Value::as_str) == Some("mutualTLS") {
                                self.problem(&child(&at, name), "3.0 has no mutualTLS security scheme");
                            }
                        }
                    }
                    self.node(value, &at, &at, false);
                }
                "x-pathItems" => {
                    let from = "/components/pathItems";
                    if let Some(items) = value.as_object_mut() {
                        for (name, item) in items.iter_mut() {
                            self.node(item, &child(&at, name), &child(from, name), false);
                        }
                    }
                }
                _ if key.starts_with("x-") => {}
                _ => self.node(value, &at, &at, false),
            }
        }
    }

    /// Any part of the document that is not a schema: finds the schemas in it, and drops what
    /// 3.0 references cannot carry. `raw` is true inside a media type whose body is bytes.
    fn node(&mut self, value: &mut Value, at: &str, from: &str, raw: bool) {
        match value {
            Value::Object(map) => {
                if map.contains_key("$ref") {
                    let siblings: Vec<String> =
                        map.keys().filter(|k| *k != "$ref" && !k.starts_with("x-")).cloned().collect();
                    if !siblings.is_empty() {
                        self.note(
                            from,
                            format!("3.0 references take no sibling fields: dropped {}", siblings.join(", ")),
                        );
                        map.retain(|k, _| k == "$ref" || k.starts_with("x-"));
                    }
                    return;
                }
                for (key, child_value) in map.iter_mut() {
                    let (at, from) = (child(at, key), child(from, key));
                    match key.as_str() {
                        // Examples and extensions are data, not OpenAPI objects.
                        "example" | "value" => {}
                        _ if key.starts_with("x-") => {}
                        "schema" => self.schema(child_value, &at, &from, raw),
                        "content" => {
                            let Some(media) = child_value.as_object_mut() else { continue };
                            for (media_type, object) in media.iter_mut() {
                                let raw = is_raw_media_type(media_type);
                                self.node(object, &child(&at, media_type), &child(&from, media_type), raw);
                            }
                        }
                        _ => self.node(child_value, &at, &from, raw),
                    }
                }
            }
            Value::Array(items) => {
                for (i, item) in items.iter_mut().enumerate() {
                    let segment = i.to_string();
                    self.node(item, &child(at, &segment), &child(from, &segment), raw);
                }
            }
            _ => {}
        }
    }

    /// One schema, then its subschemas. `at` is its place in the output, `from` in the source.
    fn schema(&mut self, value: &mut Value, at: &str, from: &str, raw: bool) {
        if at != from {
            self.relocate(at, from);
        }
        let from = &self.origins.get(at).cloned().unwrap_or_else(|| from.to_owned());
        let map = match value {
            // 3.1 schemas may be booleans; 3.0 spells them as schemas.
            Value::Bool(true) => {
                *value = json!({});
                return;
            }
            Value::Bool(false) => {
                *value = json!({"not": {}});
                return;
            }
            Value::Object(map) => map,
            // Not a schema at all: the 3.0 reader reports it with its line.
            _ => return,
        };
        let mut level = Level { from: from.to_owned(), moved: HashMap::new() };
        self.identity(map, &level);
        self.lift_defs(map, from, raw);
        let nullable = self.collapse_null_branch(map, &mut level);
        self.types(map, &level, nullable);
        self.constant(map, &level);
        self.examples(map, &level);
        exclusive_bounds(map);
        self.content(map, &level, raw);
        self.loosen(map, at, &level);
        self.unknown_keywords(map, &level);
        self.ref_siblings(map, &mut level);
        for rel in level.moved.keys() {
            self.relocate(&format!("{at}/{rel}"), &level.src_rel(rel));
        }
        self.subschemas(map, at, &level, raw);
    }

    fn identity(&mut self, map: &mut Map<String, Value>, level: &Level) {
        for keyword in IDENTITY_KEYWORDS {
            if map.contains_key(*keyword) {
                self.problem(
                    &level.src(keyword),
                    format!("{keyword} cannot be translated: 3.0 refers to schemas by JSON pointer only"),
                );
            }
        }
        if let Some(dialect) = map.shift_remove("$schema")
            && ![DEFAULT_DIALECT, JSON_SCHEMA_2020_12].contains(&dialect.as_str().unwrap_or_default())
        {
            self.problem(
                &level.src("$schema"),
                format!("a schema in the dialect {dialect} cannot be read as an OpenAPI 3.0 schema"),
            );
        }
        if map.shift_remove("$comment").is_some() {
            self.note(&level.src("$comment"), "3.0 schemas have no $comment: dropped");
        }
    }

    /// `$defs` move to components.schemas, under their own name when it is free, else prefixed
    /// with the component they sat in; `$ref`s to them follow.
    fn lift_defs(&mut self, map: &mut Map<String, Value>, from: &str, raw: bool) {
        let Some(defs) = map.shift_remove("$defs") else { return };
        let defs_from = child(from, "$defs");
        let Value::Object(defs) = defs else {
            self.problem(&defs_from, "$defs must be an object of schemas");
            return;
        };
        let owner = from.strip_prefix("/components/schemas/").filter(|rest| !rest.contains('/'));
        for (name, mut schema) in defs {
            let def_from = child(&defs_from, &name);
            let candidates = [
                Some(name.clone()),
                owner.map(|owner| format!("{}{name}", owner.replace("~1", "/").replace("~0", "~"))),
            ];
            let Some(new_name) = candidates.into_iter().flatten().find(|n| !self.schema_names.contains(n)) else {
                self.problem(
                    &def_from,
                    format!("cannot move this $defs entry to components.schemas: the name {name} is taken"),
                );
                continue;
            };
            self.schema_names.insert(new_name.clone());
            let at = child("/components/schemas", &new_name);
            self.note(&def_from, format!("3.0 has no $defs: moved to {at}"));
            self.moved.push((def_from.clone(), at.clone()));
            self.schema(&mut schema, &at, &def_from, raw);
            self.lifted.push((new_name, schema));
        }
    }

    /// `anyOf`/`oneOf` of one schema and `{type: "null"}`: the schema itself made nullable, or
    /// for a `$ref` the house form `oneOf: [{$ref}, {enum: [null]}]`. Returns whether the
    /// remaining schema must accept null. Other unions keep their null branches, which
    /// [`Self::types`] turns into `{enum: [null]}`.
    fn collapse_null_branch(&mut self, map: &mut Map<String, Value>, level: &mut Level) -> bool {
        for (key, other) in [("anyOf", "oneOf"), ("oneOf", "anyOf")] {
            let Some(Value::Array(branches)) = map.get(key) else { continue };
            let nulls: Vec<usize> = (0..branches.len()).filter(|&i| is_null_schema(&branches[i])).collect();
            let rest: Vec<usize> = (0..branches.len()).filter(|i| !nulls.contains(i)).collect();
            if nulls.is_empty() || rest.len() != 1 || map.contains_key(other) || map.contains_key("type") {
                continue;
            }
            let (kept, null) = (rest[0], nulls[0]);
            if is_ref(&branches[kept]) {
                let branch = branches[kept].clone();
                replace_key(map, key, "oneOf".into());
                map.insert("oneOf".into(), json!([branch, {"enum": [null]}]));
                level.moved.insert("oneOf/0".into(), format!("{key}/{kept}"));
                level.moved.insert("oneOf/1".into(), format!("{key}/{null}"));
                return false;
            }
            let Some(branch) = branches[kept].as_object().filter(|branch| is_mergeable(branch, map)).cloned() else {
                continue;
            };
            let position = map.keys().position(|k| k == key).unwrap_or(map.len());
            map.shift_remove(key);
            for (offset, (k, v)) in branch.into_iter().enumerate() {
                level.moved.insert(escape_segment(&k), format!("{key}/{kept}/{}", escape_segment(&k)));
                map.shift_insert(position + offset, k, v);
            }
            return true;
        }
        false
    }

    /// `type` arrays: one type plus `nullable`, or a union of one-type schemas; `type: "null"`
    /// becomes `enum: [null]`.
    fn types(&mut self, map: &mut Map<String, Value>, level: &Level, nullable: bool) {
        let types: Vec<Value> = match map.get("type") {
            Some(Value::Array(types)) => types.clone(),
            Some(single @ Value::String(_)) => vec![single.clone()],
            Some(_) => return,
            None => {
                if nullable {
                    add_null_to_enum(map);
                }
                return;
            }
        };
        let null = Value::String("null".into());
        let nullable = nullable || types.contains(&null);
        let named: Vec<&str> = types.iter().filter(|t| **t != null).filter_map(Value::as_str).collect();
        if named.len() + usize::from(types.contains(&null)) != types.len() {
            self.problem(&level.src("type"), "type must be a string or an array of strings");
            return;
        }
        match named.as_slice() {
            [] => {
                map.shift_remove("type");
                map.insert("enum".into(), json!([null]));
            }
            [one] => {
                map.insert("type".into(), Value::String((*one).to_owned()));
                if nullable {
                    map.insert("nullable".into(), Value::Bool(true));
                    if level.moved.contains_key("type") {
                        // The null came from a sibling branch, so an enum must let it through.
                        add_null_to_enum(map);
                    }
                }
            }
            many => {
                map.shift_remove("type");
                let mut variants: Vec<Value> = many.iter().map(|t| json!({"type": t})).collect();
                if nullable {
                    variants.push(json!({"enum": [null]}));
                }
                // integer is a subset of number, so with both a value may match two variants.
                let key = if many.contains(&"integer") && many.contains(&"number") { "anyOf" } else { "oneOf" };
                if map.contains_key("anyOf") || map.contains_key("oneOf") {
                    let all_of = map.entry("allOf").or_insert_with(|| json!([]));
                    if let Some(all_of) = all_of.as_array_mut() {
                        all_of.push(json!({ key: variants }));
                    }
                } else {
                    map.insert(key.into(), Value::Array(variants));
                }
            }
        }
    }

    fn constant(&mut self, map: &mut Map<String, Value>, level: &Level) {
        let Some(value) = map.get("const").cloned() else { return };
        if let Some(Value::Array(values)) = map.get("enum")
            && !values.contains(&value)
        {
            self.problem(&level.src("const"), "const is not one of the enum values, so no value is valid");
            map.shift_remove("const");
            return;
        }
        if !map.contains_key("type") && !map.contains_key("enum") {
            let inferred = match &value {
                Value::String(_) => Some("string"),
                Value::Bool(_) => Some("boolean"),
                Value::Number(n) if n.is_i64() || n.is_u64() => Some("integer"),
                Value::Number(_) => Some("number"),
                _ => None,
            };
            if let Some(inferred) = inferred {
                map.insert("type".into(), Value::String(inferred.into()));
            }
        }
        if map.contains_key("enum") {
            map.shift_remove("const");
        } else {
            replace_key(map, "const", "enum".into());
        }
        map.insert("enum".into(), Value::Array(vec![value]));
    }

    fn examples(&mut self, map: &mut Map<String, Value>, level: &Level) {
        let Some(examples) = map.get("examples").cloned() else { return };
        let position = map.keys().position(|k| k == "examples").unwrap_or(map.len());
        map.shift_remove("examples");
        match examples {
            Value::Array(mut examples) if !examples.is_empty() => {
                if map.contains_key("example") {
                    self.note(
                        &level.src("examples"),
                        "3.0 schemas have one example, and this one has its own: dropped examples",
                    );
                    return;
                }
                if examples.len() > 1 {
                    self.note(
                        &level.src("examples"),
                        format!("3.0 schemas have one example: kept the first of {}", examples.len()),
                    );
                }
                map.shift_insert(position, "example".into(), examples.swap_remove(0));
            }
            Value::Array(_) => {}
            _ => self.note(&level.src("examples"), "examples is not an array: dropped"),
        }
    }

    /// `contentEncoding: base64` is 3.0's `format: byte`; `contentMediaType` on the raw bytes of
    /// a body or a multipart part is `format: binary`. Elsewhere they only annotate.
    fn content(&mut self, map: &mut Map<String, Value>, level: &Level, raw: bool) {
        let encoding = map.shift_remove("contentEncoding");
        let media_type = map.shift_remove("contentMediaType");
        if map.shift_remove("contentSchema").is_some() {
            self.note(&level.src("contentSchema"), "3.0 has no contentSchema: dropped");
        }
        let has_format = map.contains_key("format");
        match encoding.as_ref().and_then(Value::as_str) {
            Some(encoding @ ("base64" | "base64url")) if !has_format => {
                map.insert("format".into(), Value::String("byte".into()));
                if encoding == "base64url" {
                    self.note(&level.src("contentEncoding"), "3.0 has no base64url: format byte says base64");
                }
            }
            Some(encoding) => self.note(
                &level.src("contentEncoding"),
                format!("contentEncoding {encoding} has no 3.0 equivalent here: dropped"),
            ),
            None => {}
        }
        if let Some(media_type) = media_type {
            if raw && encoding.is_none() && !has_format {
                map.insert("format".into(), Value::String("binary".into()));
                map.entry("type").or_insert_with(|| Value::String("string".into()));
            } else {
                self.note(
                    &level.src("contentMediaType"),
                    format!("contentMediaType {media_type} only annotates here: dropped"),
                );
            }
        }
    }

    fn loosen(&mut self, map: &mut Map<String, Value>, at: &str, level: &Level) {
        for keyword in LOOSENED_KEYWORDS {
            if map.shift_remove(*keyword).is_some() {
                self.note(
                    &level.src(keyword),
                    format!("3.0 has no {keyword}: dropped, so the schema accepts more than the source's"),
                );
            }
        }
        if let Some(patterns) = map.shift_remove("patternProperties") {
            // Properties matching a pattern skip additionalProperties; 3.0 cannot tell them apart,
            // so extra properties may take any of the shapes.
            let mut shapes: Vec<Value> = Vec::new();
            if let Value::Object(patterns) = patterns {
                for (i, (pattern, schema)) in patterns.into_iter().enumerate() {
                    let from = child(&level.src("patternProperties"), &pattern);
                    self.relocate(&format!("{at}/additionalProperties/anyOf/{i}"), &from);
                    shapes.push(schema);
                }
            }
            match map.shift_remove("additionalProperties") {
                None | Some(Value::Bool(true)) => {}
                Some(Value::Bool(false)) if shapes.is_empty() => {
                    map.insert("additionalProperties".into(), Value::Bool(false));
                }
                Some(Value::Bool(false)) => {
                    map.insert("additionalProperties".into(), json!({ "anyOf": shapes }));
                }
                Some(other) => {
                    self.relocate(
                        &format!("{at}/additionalProperties/anyOf/{}", shapes.len()),
                        &level.src("additionalProperties"),
                    );
                    shapes.push(other);
                    map.insert("additionalProperties".into(), json!({ "anyOf": shapes }));
                }
            }
            self.note(
                &level.src("patternProperties"),
                "3.0 has no patternProperties: property names are no longer checked against the patterns",
            );
        }
        if let Some(prefix) = map.shift_remove("prefixItems") {
            let mut shapes: Vec<Value> = Vec::new();
            if let Value::Array(prefix) = prefix {
                for (i, schema) in prefix.into_iter().enumerate() {
                    self.relocate(&format!("{at}/items/anyOf/{i}"), &level.src_rel(&format!("prefixItems/{i}")));
                    shapes.push(schema);
                }
            }
            let count = shapes.len();
            match map.shift_remove("items") {
                Some(Value::Bool(false)) => {
                    let max =
                        map.get("maxItems").and_then(Value::as_u64).map_or(count as u64, |max| max.min(count as u64));
                    map.insert("maxItems".into(), json!(max));
                    map.insert("items".into(), json!({ "anyOf": shapes }));
                }
                None | Some(Value::Bool(true)) => {
                    map.insert("items".into(), json!({}));
                }
                Some(items) => {
                    self.relocate(&format!("{at}/items/anyOf/{count}"), &level.src("items"));
                    shapes.push(items);
                    map.insert("items".into(), json!({ "anyOf": shapes }));
                }
            }
            self.note(
                &level.src("prefixItems"),
                "3.0 has no prefixItems: each item may take the shape of any position",
            );
        } else if map.get("items") == Some(&Value::Bool(false)) {
            map.insert("items".into(), json!({}));
            map.insert("maxItems".into(), json!(0));
        }
    }

    fn unknown_keywords(&mut self, map: &mut Map<String, Value>, level: &Level) {
        let unknown: Vec<String> =
            map.keys().filter(|k| !k.starts_with("x-") && !SCHEMA_KEYWORDS_30.contains(&k.as_str())).cloned().collect();
        for keyword in unknown {
            map.shift_remove(&keyword);
            if !IDENTITY_KEYWORDS.contains(&keyword.as_str()) {
                self.note(&level.src(&keyword), format!("{keyword} is not a 3.0 schema keyword: dropped"));
            }
        }
    }

    /// 3.0 ignores everything beside a `$ref`, so a `$ref` with siblings becomes
    /// `allOf: [{$ref}]` beside them (what typify reads as the referenced type with them).
    fn ref_siblings(&mut self, map: &mut Map<String, Value>, level: &mut Level) {
        if !map.contains_key("$ref") || map.keys().all(|k| k == "$ref" || k.starts_with("x-")) {
            return;
        }
        let reference = map.get("$ref").cloned().unwrap_or_default();
        if map.contains_key("allOf") {
            map.shift_remove("$ref");
        } else {
            replace_key(map, "$ref", "allOf".into());
            map.insert("allOf".into(), json!([]));
        }
        let all_of = map.entry("allOf").or_insert_with(|| json!([]));
        let Some(all_of) = all_of.as_array_mut() else {
            self.problem(&level.src("allOf"), "allOf must be an array");
            return;
        };
        let position = all_of.len();
        all_of.push(json!({ "$ref": reference }));
        level.moved.insert(format!("allOf/{position}"), String::new());
    }

    fn subschemas(&mut self, map: &mut Map<String, Value>, at: &str, level: &Level, raw: bool) {
        for (key, value) in map.iter_mut() {
            match key.as_str() {
                "properties" => {
                    let Some(properties) = value.as_object_mut() else { continue };
                    for (name, schema) in properties.iter_mut() {
                        let rel = format!("properties/{}", escape_segment(name));
                        self.schema(schema, &format!("{at}/{rel}"), &level.src_rel(&rel), raw);
                    }
                }
                "allOf" | "anyOf" | "oneOf" => {
                    let Some(branches) = value.as_array_mut() else { continue };
                    for (i, schema) in branches.iter_mut().enumerate() {
                        let rel = format!("{key}/{i}");
                        self.schema(schema, &format!("{at}/{rel}"), &level.src_rel(&rel), raw);
                    }
                }
                "items" | "not" => self.schema(value, &format!("{at}/{key}"), &level.src(key), raw),
                "additionalProperties" if value.is_object() => {
                    self.schema(value, &format!("{at}/{key}"), &level.src(key), raw)
                }
                _ => {}
            }
        }
    }

    /// Builds the line index of the output and rewrites `$ref`s to nodes that moved.
    fn finish(&self, value: &mut Value, at: String, from: String, index: &mut HashMap<String, usize>) {
        let from = self.origins.get(&at).cloned().unwrap_or(from);
        index.insert(at.clone(), self.lines.line_of(&from));
        match value {
            Value::Object(map) => {
                for (key, value) in map.iter_mut() {
                    if key == "$ref" {
                        self.rewrite_ref(value);
                    }
                    if key == "mapping" {
                        for target in map_values(value) {
                            self.rewrite_ref(target);
                        }
                    }
                }
                for (key, value) in map.iter_mut() {
                    self.finish(value, child(&at, key), child(&from, key), index);
                }
            }
            Value::Array(items) => {
                for (i, item) in items.iter_mut().enumerate() {
                    let segment = i.to_string();
                    self.finish(item, child(&at, &segment), child(&from, &segment), index);
                }
            }
            _ => {}
        }
    }

    fn rewrite_ref(&self, reference: &mut Value) {
        let Some(target) = reference.as_str().and_then(|r| r.strip_prefix('#')) else { return };
        // The longest moved prefix wins: a $defs entry inside webhooks moved on its own.
        let found = self
            .moved
            .iter()
            .filter_map(|(old, new)| Some((old, new, target.strip_prefix(old.as_str())?)))
            .filter(|(_, _, rest)| rest.is_empty() || rest.starts_with('/'))
            .max_by_key(|(old, _, _)| old.len());
        if let Some((_, new, rest)) = found {
            *reference = Value::String(format!("#{new}{rest}"));
        }
    }

    /// A local `$ref` that found its target in the source must find one in the output.
    fn check_refs(&mut self, source: &Value, out: &Value) {
        let mut refs = Vec::new();
        collect_refs(out, String::new(), &mut refs);
        for (pointer, target) in refs {
            let Some(target) = target.strip_prefix('#') else { continue };
            if out.pointer(target).is_none() && source.pointer(target).is_some() {
                let from = self.source_of(&pointer);
                self.problem(
                    &from,
                    format!(
                        "$ref #{target} points into a schema the downgrade rewrote; point at a named schema instead"
                    ),
                );
            }
        }
    }

    fn source_of(&self, at: &str) -> String {
        let mut prefix = at;
        loop {
            if let Some(from) = self.origins.get(prefix) {
                return format!("{from}{}", &at[prefix.len()..]);
            }
            match prefix.rfind('/') {
                Some(cut) => prefix = &prefix[..cut],
                None => return at.to_owned(),
            }
        }
    }
}

/// Where the keywords of one schema came from, when a collapse or a rewrite moved them.
struct Level {
    from: String,
    /// Relative output pointer -> relative source pointer.
    moved: HashMap<String, String>,
}

impl Level {
    /// The source pointer of one keyword.
    fn src(&self, keyword: &str) -> String {
        self.src_rel(&escape_segment(keyword))
    }

    /// The source pointer of a relative (escaped) pointer below this schema.
    fn src_rel(&self, rel: &str) -> String {
        if let Some(moved) = self.moved.get(rel) {
            // Empty: the schema itself, as for a `$ref` wrapped into `allOf`.
            return if moved.is_empty() { self.from.clone() } else { format!("{}/{moved}", self.from) };
        }
        if let Some((head, rest)) = rel.split_once('/')
            && let Some(moved) = self.moved.get(head)
        {
            return format!("{}/{moved}/{rest}", self.from);
        }
        format!("{}/{rel}", self.from)
    }
}

fn map_values(value: &mut Value) -> impl Iterator<Item = &mut Value> {
    value.as_object_mut().into_iter().flat_map(|map| map.values_mut())
}

fn collect_refs(value: &Value, at: String, out: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) => {
            for (key, value) in map {
                match (key.as_str(), value) {
                    ("$ref", Value::String(target)) => out.push((child(&at, key), target.clone())),
                    _ if key.starts_with("x-") || key == "example" || key == "value" => {}
                    _ => collect_refs(value, child(&at, key), out),
                }
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                collect_refs(item, child(&at, &i.to_string()), out);
            }
        }
        _ => {}
    }
}

/// Bodies whose schema describes bytes rather than JSON or text.
fn is_raw_media_type(media_type: &str) -> bool {
    let essence = media_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    !(essence == "application/json"
        || essence.ends_with("+json")
        || essence.starts_with("text/")
        || essence == "application/x-www-form-urlencoded")
}

fn is_null_schema(schema: &Value) -> bool {
    let null = Value::Null;
    match schema.get("type") {
        Some(Value::String(t)) => t == "null",
        Some(Value::Array(types)) => types.len() == 1 && types[0] == "null",
        Some(_) => false,
        None => schema.get("const") == Some(&null) || schema.get("enum") == Some(&json!([null])),
    }
}

/// A `$ref`, possibly with annotations.
fn is_ref(schema: &Value) -> bool {
    schema.as_object().is_some_and(|map| {
        map.contains_key("$ref")
            && map.keys().all(|k| {
                k.starts_with("x-")
                    || [
                        "$ref",
                        "description",
                        "title",
                        "examples",
                        "example",
                        "default",
                        "deprecated",
                        "readOnly",
                        "writeOnly",
                        "$comment",
                    ]
                    .contains(&k.as_str())
            })
    })
}

/// Whether a union's one non-null branch can stand in its parent's place: no keyword is said
/// twice, and without a `type` of its own the branch must accept null already (so it cannot be
/// an enum or a composition).
fn is_mergeable(branch: &Map<String, Value>, parent: &Map<String, Value>) -> bool {
    let overlap = branch.keys().any(|k| parent.contains_key(k));
    let typed = branch.contains_key("type");
    let composed = ["enum", "const", "allOf", "anyOf", "oneOf", "not", "$ref"].iter().any(|k| branch.contains_key(*k));
    !overlap && (typed || !composed)
}

/// Renames `old` to `new` in place, keeping its value and position (a diff of the output
/// against the source then shows only what changed).
fn replace_key(map: &mut Map<String, Value>, old: &str, new: String) {
    let Some(position) = map.keys().position(|k| k == old) else { return };
    if let Some(value) = map.shift_remove(old) {
        map.shift_insert(position, new, value);
    }
}

fn add_null_to_enum(map: &mut Map<String, Value>) {
    if let Some(Value::Array(values)) = map.get_mut("enum")
        && !values.contains(&Value::Null)
    {
        values.push(Value::Null);
    }
}

/// Numeric `exclusiveMinimum`/`exclusiveMaximum` (3.1) become a bound plus the 3.0 flag; when
/// an inclusive bound is already stricter, it alone stays.
fn exclusive_bounds(map: &mut Map<String, Value>) {
    for (exclusive, bound, lower) in [("exclusiveMinimum", "minimum", true), ("exclusiveMaximum", "maximum", false)] {
        let Some(Value::Number(limit)) = map.get(exclusive).cloned() else { continue };
        let inclusive = map.get(bound).and_then(Value::as_f64);
        match (inclusive, limit.as_f64()) {
            (Some(b), Some(e)) if (lower && b > e) || (!lower && b < e) => {
                map.shift_remove(exclusive);
            }
            _ => {
                map.insert(bound.into(), Value::Number(limit));
                map.insert(exclusive.into(), Value::Bool(true));
            }
        }
    }
}
