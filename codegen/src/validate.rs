//! Validate: the house rules every operation follows, and the limits of progenitor, checked before
//! progenitor sees the spec so a maintainer gets a located message instead of a generator panic.

use std::collections::{BTreeSet, HashMap};

use openapiv3::{
    MediaType, Operation, Parameter, ParameterSchemaOrContent, QueryStyle, ReferenceOr, RequestBody, Response, Schema,
    SchemaKind, StatusCode, StringFormat, Type, VariantOrUnknownOrEmpty,
};
use serde_json::Value;

use crate::error::Problem;
use crate::load::{LoadedSpec, escape_segment};

/// Prefix of every `externalDocs.url`: the operation's page in HeyGen's API reference.
pub const REFERENCE_PREFIX: &str = "https://docs.heygen.com/reference/";

/// Verbs an `operationId` may start with. Extend it when HeyGen adds a new kind of action.
const VERBS: &[&str] = &[
    "add",
    "check",
    "close",
    "create",
    "delete",
    "download",
    "generate",
    "get",
    "interrupt",
    "keep",
    "list",
    "preview",
    "rename",
    "restore",
    "send",
    "share",
    "start",
    "stop",
    "submit",
    "train",
    "translate",
    "trash",
    "update",
    "upload",
    "upscale",
];

/// Media types the generator turns into typed Rust (progenitor rejects or mistypes the others).
const REQUEST_MEDIA_TYPES: &[&str] = &["application/json", "application/octet-stream", "text/plain"];
const RESPONSE_MEDIA_TYPES: &[&str] = &["application/json", "application/octet-stream", "text/plain"];

/// Every problem in the spec, in document order; empty when the spec is fine.
pub fn validate(spec: &LoadedSpec) -> Vec<Problem> {
    let mut check = Checker { spec, problems: Vec::new(), operation_ids: HashMap::new() };
    check.document();
    check.component_schemas();
    if let Err(problems) = crate::workflows::workflows(&spec.openapi) {
        for (pointer, message) in problems {
            check.report(pointer, message);
        }
    }
    check.references(&spec.json, String::new());
    check.problems.extend(crate::example_rules::check(spec));
    let mut problems = check.problems;
    problems.sort_by(|a, b| (a.line, &a.pointer).cmp(&(b.line, &b.pointer)));
    problems
}

struct Checker<'a> {
    spec: &'a LoadedSpec,
    problems: Vec<Problem>,
    /// operationId -> pointer of its first use.
    operation_ids: HashMap<String, String>,
}

impl<'a> Checker<'a> {
    fn report(&mut self, pointer: impl Into<String>, message: impl Into<String>) {
        let pointer = pointer.into();
        let line = self.spec.lines.line_of(&pointer);
        self.problems.push(Problem { line, pointer, message: message.into() });
    }

    fn document(&mut self) {
        let openapi = &self.spec.openapi;
        if !openapi.openapi.starts_with("3.0.") {
            self.report(
                "/openapi",
                format!("version {} is not supported: progenitor reads OpenAPI 3.0.x only", openapi.openapi),
            );
        }
        if openapi.servers.is_empty() {
            self.report("/servers", "the spec must declare its servers; the first is the default host");
        }
        for (path, item) in openapi.paths.iter() {
            let pointer = format!("/paths/{}", escape_segment(path));
            match item {
                ReferenceOr::Reference { .. } => {
                    self.report(pointer, "a path item cannot be a $ref (progenitor rejects it)")
                }
                ReferenceOr::Item(item) => {
                    for (method, operation) in item.iter() {
                        self.operation(&format!("{pointer}/{method}"), path, method, operation);
                    }
                }
            }
        }
    }

    fn operation(&mut self, pointer: &str, path: &str, method: &str, op: &'a Operation) {
        if method == "options" || method == "trace" {
            self.report(
                pointer,
                format!("{} operations are not supported by the generated client", method.to_uppercase()),
            );
        }
        self.operation_id(pointer, op.operation_id.as_deref());
        self.documentation(pointer, op);
        for server in &op.servers {
            if !self.spec.openapi.servers.iter().any(|s| s.url == server.url) {
                self.report(
                    format!("{pointer}/servers"),
                    format!("server {} is not one of the spec's servers", server.url),
                );
            }
        }
        let idempotent = op.extensions.get(crate::generate::IDEMPOTENT_EXTENSION);
        if idempotent.is_some_and(|value| !value.is_boolean()) {
            self.report(format!("{pointer}/{}", crate::generate::IDEMPOTENT_EXTENSION), "must be true or false");
        }
        self.parameters(pointer, path, op);
        if let Some(body) = &op.request_body {
            let at = format!("{pointer}/requestBody");
            match body {
                ReferenceOr::Item(b) if crate::generate::is_raw_upload(b) => self.raw_upload(&at, op),
                _ => self.request_body(&at, body),
            }
        }
        self.responses(&format!("{pointer}/responses"), op);
    }

    fn operation_id(&mut self, pointer: &str, id: Option<&str>) {
        let Some(id) = id else {
            return self.report(pointer, "missing operationId");
        };
        let at = format!("{pointer}/operationId");
        let snake =
            id.split('_').all(|w| !w.is_empty() && w.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()))
                && id.starts_with(|c: char| c.is_ascii_lowercase());
        if !snake {
            self.report(at.clone(), format!("operationId `{id}` must be snake_case"));
        } else if !VERBS.contains(&id.split('_').next().unwrap_or_default()) {
            self.report(at.clone(), format!("operationId `{id}` must start with a verb ({})", VERBS.join(", ")));
        }
        if let Some(first) = self.operation_ids.get(id) {
            let first = first.clone();
            self.report(at, format!("operationId `{id}` is already used at {first}"));
        } else {
            self.operation_ids.insert(id.to_owned(), at);
        }
    }

    fn documentation(&mut self, pointer: &str, op: &'a Operation) {
        match op.tags.as_slice() {
            [tag] if self.spec.openapi.tags.iter().any(|t| &t.name == tag) => {}
            [tag] => {
                self.report(format!("{pointer}/tags/0"), format!("tag `{tag}` is not declared in the top-level tags"))
            }
            _ => self.report(pointer, "an operation needs exactly one tag: its group in HeyGen's reference"),
        }
        if op.summary.as_deref().is_none_or(|s| s.trim().is_empty()) {
            self.report(pointer, "missing summary");
        }
        if op.description.as_deref().is_none_or(|s| s.trim().is_empty()) {
            self.report(pointer, "missing description");
        }
        let url = op.external_docs.as_ref().map(|d| d.url.as_str());
        let slug = url.and_then(|u| u.strip_prefix(REFERENCE_PREFIX));
        if !slug.is_some_and(|s| {
            !s.is_empty() && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        }) {
            self.report(pointer, format!("externalDocs.url must be the operation's page, {REFERENCE_PREFIX}<slug>"));
        }
    }

    fn parameters(&mut self, pointer: &str, path: &str, op: &'a Operation) {
        let mut in_path = BTreeSet::new();
        for (i, parameter) in op.parameters.iter().enumerate() {
            let at = format!("{pointer}/parameters/{i}");
            let Some(parameter) = self.resolve_parameter(&at, parameter) else { continue };
            let data = parameter.parameter_data_ref();
            if let ParameterSchemaOrContent::Content(_) = data.format {
                self.report(&at, format!("parameter `{}` must use `schema`, not `content`", data.name));
            }
            match parameter {
                Parameter::Cookie { .. } => {
                    self.report(&at, format!("cookie parameter `{}` is not supported", data.name))
                }
                Parameter::Query { style, .. } if !matches!(style, QueryStyle::Form) => {
                    self.report(&at, format!("query parameter `{}` must use style form", data.name))
                }
                Parameter::Path { .. } => {
                    in_path.insert(data.name.clone());
                }
                _ => {}
            }
        }
        let template: BTreeSet<String> =
            path.split('{').skip(1).filter_map(|s| s.split_once('}')).map(|(name, _)| name.to_owned()).collect();
        for missing in template.difference(&in_path) {
            self.report(pointer, format!("path parameter `{missing}` is in the path but not declared"));
        }
        for extra in in_path.difference(&template) {
            self.report(pointer, format!("path parameter `{extra}` is declared but not in the path"));
        }
    }

    fn resolve_parameter(&mut self, at: &str, p: &'a ReferenceOr<Parameter>) -> Option<&'a Parameter> {
        match p {
            ReferenceOr::Item(p) => Some(p),
            ReferenceOr::Reference { reference } => {
                let name = reference.strip_prefix("#/components/parameters/");
                let found = name.and_then(|n| self.spec.openapi.components.as_ref()?.parameters.get(n));
                match found {
                    Some(ReferenceOr::Item(p)) => Some(p),
                    _ => {
                        self.report(at, format!("{reference} must name a parameter in components.parameters"));
                        None
                    }
                }
            }
        }
    }

    /// A raw body in several formats is sent with the caller's `Content-Type`, which a required
    /// header parameter of that name must let the caller choose.
    fn raw_upload(&mut self, pointer: &str, op: &'a Operation) {
        let chooses_type = op.parameters.iter().filter_map(|p| p.as_item()).any(|p| {
            matches!(p, Parameter::Header { parameter_data, .. }
                if parameter_data.name.eq_ignore_ascii_case("content-type") && parameter_data.required)
        });
        if !chooses_type {
            self.report(
                format!("{pointer}/content"),
                "a raw body with several media types needs a required `Content-Type` header parameter",
            );
        }
    }

    fn request_body(&mut self, pointer: &str, body: &ReferenceOr<RequestBody>) {
        let ReferenceOr::Item(body) = body else {
            return self.report(pointer, "write the request body inline with a $ref schema, not as a $ref");
        };
        let Some((media, content)) = self.single_media_type(pointer, &body.content, REQUEST_MEDIA_TYPES) else {
            return;
        };
        let at = format!("{pointer}/content/{}/schema", escape_segment(media));
        match (media, &content.schema) {
            (_, None) => self.report(at, "missing schema"),
            ("application/json", Some(ReferenceOr::Item(_))) => {
                self.report(at, "a JSON request body must be a $ref to a named schema in components.schemas")
            }
            ("application/octet-stream", Some(schema)) if !is_binary(schema) => {
                self.report(at, "a raw body's schema must be {type: string, format: binary}")
            }
            _ => {}
        }
    }

    fn responses(&mut self, pointer: &str, op: &'a Operation) {
        if op.responses.default.is_some() {
            self.report(
                format!("{pointer}/default"),
                "use 4XX/5XX instead of `default`: progenitor counts it as a second success type",
            );
        }
        let mut successes = Vec::new();
        let mut errors: Vec<(String, Option<String>)> = Vec::new();
        for (code, response) in &op.responses.responses {
            let at = format!("{pointer}/{code}");
            let class = match code {
                StatusCode::Code(c) => c / 100,
                StatusCode::Range(r) => *r,
            };
            let Some(response) = self.resolve_response(&at, response) else { continue };
            match class {
                2 => successes.push((at, response)),
                4 | 5 => {
                    let schema =
                        response.content.get("application/json").and_then(|m| m.schema.as_ref()).map(schema_key);
                    errors.push((at, schema));
                }
                _ => self.report(at, "only 2xx, 4xx and 5xx responses are supported"),
            }
        }
        match successes.as_slice() {
            [] => self.report(pointer, "no success (2xx) response"),
            [(at, response)] => self.success(at, response),
            [_, (at, _), ..] => {
                self.report(at, "more than one success response: the generated method can return only one type")
            }
        }
        if let Some((_, first)) = errors.first() {
            let first = first.clone();
            for (at, schema) in &errors[1..] {
                if *schema != first {
                    self.report(
                        at,
                        "every error response must share one schema: the generated method has one error type",
                    );
                }
            }
        }
    }

    fn success(&mut self, at: &str, response: &Response) {
        if response.content.is_empty() {
            return;
        }
        let Some((media, content)) = self.single_media_type(at, &response.content, RESPONSE_MEDIA_TYPES) else {
            return;
        };
        if media != "application/json" {
            return;
        }
        let at = format!("{at}/content/{}", escape_segment(media));
        match &content.schema {
            Some(ReferenceOr::Reference { .. }) => {}
            Some(_) => self.report(
                format!("{at}/schema"),
                "a JSON success response must be a $ref to a named schema in components.schemas",
            ),
            None => self.report(&at, "missing schema"),
        }
        if content.example.is_none() && content.examples.is_empty() {
            self.report(&at, "missing example of the success response");
        }
    }

    fn resolve_response(&mut self, at: &str, r: &'a ReferenceOr<Response>) -> Option<&'a Response> {
        match r {
            ReferenceOr::Item(r) => Some(r),
            ReferenceOr::Reference { reference } => {
                let name = reference.strip_prefix("#/components/responses/");
                match name.and_then(|n| self.spec.openapi.components.as_ref()?.responses.get(n)) {
                    Some(ReferenceOr::Item(r)) => Some(r),
                    _ => {
                        self.report(at, format!("{reference} must name a response in components.responses"));
                        None
                    }
                }
            }
        }
    }

    fn single_media_type<'m>(
        &mut self,
        pointer: &str,
        content: &'m indexmap::IndexMap<String, MediaType>,
        supported: &[&str],
    ) -> Option<(&'m str, &'m MediaType)> {
        let mut entries = content.iter();
        let (Some((media, content)), None) = (entries.next(), entries.next()) else {
            self.report(format!("{pointer}/content"), "exactly one media type is supported here");
            return None;
        };
        if !supported.contains(&media.as_str()) {
            let at = format!("{pointer}/content/{}", escape_segment(media));
            self.report(at, format!("media type {media} is not supported (use one of {})", supported.join(", ")));
            return None;
        }
        Some((media, content))
    }

    /// typify turns a named, nullable union into a newtype of itself that does not compile.
    fn component_schemas(&mut self) {
        let Some(components) = &self.spec.openapi.components else { return };
        for (name, schema) in &components.schemas {
            if let ReferenceOr::Item(Schema { schema_data, schema_kind }) = schema
                && schema_data.nullable
                && matches!(schema_kind, SchemaKind::OneOf { .. } | SchemaKind::AnyOf { .. })
            {
                let at = format!("/components/schemas/{}/nullable", escape_segment(name));
                self.report(at, "a named oneOf/anyOf cannot be nullable (it generates a type that contains itself); make the properties that use it nullable instead");
            }
        }
    }

    /// Every `$ref` must point at something that exists in this document.
    fn references(&mut self, value: &Value, pointer: String) {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(target)) = map.get("$ref") {
                    let resolved = target.strip_prefix('#').and_then(|p| self.spec.json.pointer(p));
                    if resolved.is_none() {
                        self.report(
                            format!("{pointer}/$ref"),
                            format!("$ref {target} points at nothing in this document"),
                        );
                    }
                }
                for (key, child) in map {
                    self.references(child, format!("{pointer}/{}", escape_segment(key)));
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter().enumerate() {
                    self.references(child, format!("{pointer}/{i}"));
                }
            }
            _ => {}
        }
    }
}

fn is_binary(schema: &ReferenceOr<Schema>) -> bool {
    matches!(schema, ReferenceOr::Item(Schema { schema_kind: SchemaKind::Type(Type::String(s)), schema_data })
        if matches!(s.format, VariantOrUnknownOrEmpty::Item(StringFormat::Binary)) && !schema_data.nullable)
}

/// Identifies a schema for comparing error types: its `$ref`, or its inline JSON.
fn schema_key(schema: &ReferenceOr<Schema>) -> String {
    match schema {
        ReferenceOr::Reference { reference } => reference.clone(),
        ReferenceOr::Item(s) => serde_json::to_string(s).unwrap_or_default(),
    }
}
