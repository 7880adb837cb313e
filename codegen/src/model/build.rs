//! Build: the one walk of a spec. It checks the house rules every operation follows (their data
//! lives in `rules`) and the limits of progenitor (so a maintainer gets a located message
//! instead of a generator panic), and records what the emitters need in the [`Api`] model.
//! Every problem is reported with its line and JSON pointer, all at once.

use std::collections::{BTreeSet, HashMap};

use openapiv3::{
    MediaType, Parameter as Param, ParameterSchemaOrContent, QueryStyle, ReferenceOr, RequestBody, Response, Schema,
    SchemaKind, StatusCode, StringFormat, Type, VariantOrUnknownOrEmpty,
};
use serde_json::Value;

use super::examples;
use super::rules::{MULTIPART, REQUEST_MEDIA_TYPES, RESPONSE_MEDIA_TYPES, Rules, VERBS};
use super::schema::{Component, Node, resolve};
use super::{
    Api, Body, Credential, END_OF_LIFE, Host, IDEMPOTENCY_KEY, IDEMPOTENT, IdempotencyKey, Location, Operation,
    PAGINATION, Pagination, Parameter, REPLACED_BY, Replacement, Success, WAITER, Waiter, Workflow,
};
use crate::load::LoadedSpec;
use crate::source::{Problem, escape_segment};

/// The model of `spec`, and every problem found while building it, in document order. The model
/// is complete only when there are no problems.
pub fn build(spec: &LoadedSpec) -> (Api, Vec<Problem>) {
    let rules = Rules::of(spec);
    let mut check = Builder { spec, rules, problems: Vec::new(), operation_ids: HashMap::new() };
    let api = check.document();
    check.component_schemas();
    check.references(&spec.json, String::new());
    check.problems.extend(examples::check(spec));
    if rules.required_evidence {
        check.problems.extend(super::required::check(spec));
    }
    let mut problems = check.problems;
    problems.sort_by(|a, b| (a.line, &a.pointer).cmp(&(b.line, &b.pointer)));
    (api, problems)
}

struct Builder<'a> {
    spec: &'a LoadedSpec,
    rules: Rules,
    problems: Vec<Problem>,
    /// operationId -> pointer of its first use.
    operation_ids: HashMap<String, String>,
}

impl<'a> Builder<'a> {
    fn report(&mut self, pointer: impl Into<String>, message: impl Into<String>) {
        self.problems.push(self.spec.lines.problem(pointer, message));
    }

    fn document(&mut self) -> Api {
        let openapi = &self.spec.openapi;
        if !openapi.openapi.starts_with("3.0.") {
            self.report(
                "/openapi",
                format!(
                    "version {} is not supported: the generator reads OpenAPI 3.0.x, and 3.1.x through the downgrade",
                    openapi.openapi
                ),
            );
        }
        if openapi.servers.is_empty() {
            self.report("/servers", "the spec must declare its servers; the first is the default host");
        }
        let hosts = openapi.servers.iter().enumerate().map(|(i, server)| self.host(i, &server.url)).collect();
        let credentials = self.credentials();
        let mut api = Api {
            hosts,
            servers: openapi.servers.iter().map(|s| s.url.clone()).collect(),
            default_security: security_schemes(openapi.security.as_deref().unwrap_or_default()),
            operations: Vec::new(),
            end_of_life: self.end_of_life(),
        };
        for (path, item) in openapi.paths.iter() {
            let pointer = format!("/paths/{}", escape_segment(path));
            match item {
                ReferenceOr::Reference { .. } => {
                    self.report(pointer, "a path item cannot be a $ref (progenitor rejects it)")
                }
                ReferenceOr::Item(item) => {
                    for (method, operation) in item.iter() {
                        let at = format!("{pointer}/{method}");
                        let shared = (pointer.as_str(), item.parameters.as_slice());
                        if let Some(op) = self.operation(&at, path, method, operation, shared, &api, &credentials) {
                            api.operations.push(op);
                        }
                    }
                }
            }
        }
        api
    }

    fn operation(
        &mut self,
        pointer: &str,
        path: &str,
        method: &str,
        op: &'a openapiv3::Operation,
        (item_pointer, item_parameters): (&str, &'a [ReferenceOr<Param>]),
        api: &Api,
        schemes: &HashMap<String, Option<Credential>>,
    ) -> Option<Operation> {
        if method == "options" || method == "trace" {
            self.report(
                pointer,
                format!("{} operations are not supported by the generated client", method.to_uppercase()),
            );
        }
        self.operation_id(pointer, op.operation_id.as_deref());
        self.documentation(pointer, op);
        let mut server = 0;
        if let Some(first) = op.servers.first() {
            match api.servers.iter().position(|url| *url == first.url) {
                Some(index) => server = index,
                None => self.report(
                    format!("{pointer}/servers"),
                    format!("server {} is not one of the spec's servers", first.url),
                ),
            }
        }
        for extra in op.servers.iter().skip(1).filter(|s| !api.servers.contains(&s.url)) {
            self.report(format!("{pointer}/servers"), format!("server {} is not one of the spec's servers", extra.url));
        }
        let marked = op.extensions.get(IDEMPOTENT);
        if marked.is_some_and(|value| !value.is_boolean()) {
            self.report(format!("{pointer}/{IDEMPOTENT}"), "must be true or false");
        }
        let replaced_by = self.extension::<Replacement>(pointer, op, REPLACED_BY);
        let deprecation = deprecation(op.deprecated, replaced_by.as_ref(), api.end_of_life.as_deref());
        let idempotency_key = self.idempotency_key(pointer, op);
        // With a key, HeyGen answers a repeat with the first reply: retrying is safe.
        let idempotent = idempotency_key.is_some()
            || marked.and_then(Value::as_bool).unwrap_or(matches!(method, "get" | "head" | "put" | "delete"));
        let parameters = self.parameters(pointer, path, op, item_pointer, item_parameters);
        if idempotency_key == Some(IdempotencyKey::Header)
            && !parameters
                .iter()
                .any(|p| p.location == Location::Header && p.name.eq_ignore_ascii_case("idempotency-key"))
        {
            self.report(
                format!("{pointer}/{IDEMPOTENCY_KEY}"),
                "a header idempotency key needs the optional `Idempotency-Key` header parameter, so callers can give their own",
            );
        }
        let body = op.request_body.as_ref().and_then(|body| {
            let at = format!("{pointer}/requestBody");
            match body {
                ReferenceOr::Item(b) if is_raw_upload(b) => {
                    self.raw_upload(&at, &parameters);
                    Some(Body { media_types: b.content.keys().cloned().collect(), raw_upload: true, multipart: false })
                }
                _ => self.request_body(&at, body),
            }
        });
        let success = self.responses(&format!("{pointer}/responses"), op);
        let workflows = self.workflows(pointer, op, &parameters, success.as_ref());
        let security = op.security.as_deref().map(security_schemes).unwrap_or_else(|| api.default_security.clone());
        let mut credentials = Vec::new();
        for name in &security {
            match schemes.get(name) {
                Some(Some(credential)) if !credentials.contains(credential) => credentials.push(*credential),
                // Declared but not one the runtime can send: reported at its declaration.
                Some(_) => {}
                None => self.report(
                    format!("{pointer}/security"),
                    format!("security scheme `{name}` is not declared in components.securitySchemes"),
                ),
            }
        }
        Some(Operation {
            id: op.operation_id.clone().unwrap_or_else(|| format!("{} {path}", method.to_uppercase())),
            method: method.to_owned(),
            path: path.to_owned(),
            pointer: pointer.to_owned(),
            summary: op.summary.clone().unwrap_or_default(),
            deprecated: op.deprecated,
            reference: op.external_docs.as_ref().map(|d| d.url.clone()),
            server,
            host: api.hosts.get(server).copied().unwrap_or_default(),
            security,
            credentials,
            idempotent,
            idempotency_key,
            replaced_by,
            deprecation,
            parameters,
            body,
            success,
            workflows,
        })
    }

    /// The runtime host of the spec's `index`th server, by its host name (`api.` or `upload.`).
    fn host(&mut self, index: usize, url: &str) -> Host {
        let name = url.split("://").nth(1).unwrap_or(url).split(['/', ':']).next().unwrap_or_default();
        match name.split('.').next() {
            Some("api") => Host::Api,
            Some("upload") => Host::Upload,
            _ => {
                let message = format!(
                    "server {url} is neither an `api.` nor an `upload.` host, the two the client's runtime routes to"
                );
                self.report(format!("/servers/{index}/url"), message);
                Host::Api
            }
        }
    }

    /// The runtime credential of each security scheme, by what the scheme is (`None` for one the
    /// runtime cannot send, which is reported).
    fn credentials(&mut self) -> HashMap<String, Option<Credential>> {
        use openapiv3::{APIKeyLocation, SecurityScheme};
        let Some(components) = &self.spec.openapi.components else { return HashMap::new() };
        let mut found = HashMap::new();
        for (name, scheme) in &components.security_schemes {
            let credential = match scheme {
                ReferenceOr::Item(SecurityScheme::APIKey {
                    location: APIKeyLocation::Header, name: header, ..
                }) if header.eq_ignore_ascii_case("x-api-key") => Some(Credential::ApiKey),
                ReferenceOr::Item(SecurityScheme::HTTP { scheme, .. }) if scheme.eq_ignore_ascii_case("bearer") => {
                    Some(Credential::Bearer)
                }
                _ => None,
            };
            found.insert(name.clone(), credential);
            match credential {
                Some(_) => {}
                None => self.report(
                    format!("/components/securitySchemes/{}", escape_segment(name)),
                    format!(
                        "security scheme `{name}` is neither an `X-Api-Key` header nor an HTTP bearer token, the two the client's runtime can send"
                    ),
                ),
            }
        }
        found
    }

    /// The extension `name` of `op`, parsed; a value that does not parse is reported.
    fn extension<T: serde::de::DeserializeOwned>(
        &mut self,
        pointer: &str,
        op: &'a openapiv3::Operation,
        name: &str,
    ) -> Option<T> {
        let value = op.extensions.get(name)?;
        serde_json::from_value(value.clone())
            .map_err(|e| self.report(format!("{pointer}/{name}"), format!("invalid {name}: {e}")))
            .ok()
    }

    /// `info.x-end-of-life`: a day written `YYYY-MM-DD`, so that every note quoting it reads alike.
    fn end_of_life(&mut self) -> Option<String> {
        let value = self.spec.openapi.info.extensions.get(END_OF_LIFE)?;
        let day = value.as_str().filter(|day| is_day(day));
        if day.is_none() {
            self.report(
                format!("/info/{END_OF_LIFE}"),
                format!("{END_OF_LIFE} must be a day written YYYY-MM-DD, not {value}"),
            );
        }
        day.map(str::to_owned)
    }

    /// `x-idempotency-key`, parsed; a header key must also be a declared header parameter, so
    /// that callers can give their own.
    fn idempotency_key(&mut self, pointer: &str, op: &'a openapiv3::Operation) -> Option<IdempotencyKey> {
        self.extension(pointer, op, IDEMPOTENCY_KEY)
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

    fn documentation(&mut self, pointer: &str, op: &'a openapiv3::Operation) {
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
        if url.is_none() && !self.rules.reference_required {
            return;
        }
        let prefix = self.rules.reference_prefix;
        let slug = url.and_then(|u| u.strip_prefix(prefix));
        if !slug.is_some_and(|s| {
            !s.is_empty() && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        }) {
            self.report(pointer, format!("externalDocs.url must be the operation's page, {prefix}<slug>"));
        }
    }

    /// The operation's parameters with the path item's shared ones, checked.
    fn parameters(
        &mut self,
        pointer: &str,
        path: &str,
        op: &'a openapiv3::Operation,
        item_pointer: &str,
        item_parameters: &'a [ReferenceOr<Param>],
    ) -> Vec<Parameter> {
        let mut found: Vec<Parameter> = Vec::new();
        let shared = item_parameters.iter().enumerate().map(|(i, p)| (format!("{item_pointer}/parameters/{i}"), p));
        let own = op.parameters.iter().enumerate().map(|(i, p)| (format!("{pointer}/parameters/{i}"), p));
        for (at, parameter) in shared.collect::<Vec<_>>().into_iter().chain(own) {
            let Some(parameter) = self.resolve(&at, parameter, "parameter") else { continue };
            let data = parameter.parameter_data_ref();
            if let ParameterSchemaOrContent::Content(_) = data.format {
                self.report(&at, format!("parameter `{}` must use `schema`, not `content`", data.name));
            }
            let location = match parameter {
                Param::Cookie { .. } => {
                    self.report(&at, format!("cookie parameter `{}` is not supported", data.name));
                    Location::Cookie
                }
                Param::Query { style, .. } => {
                    if !matches!(style, QueryStyle::Form) {
                        self.report(&at, format!("query parameter `{}` must use style form", data.name));
                    }
                    Location::Query
                }
                Param::Path { .. } => Location::Path,
                Param::Header { .. } => Location::Header,
            };
            let is_string = match &data.format {
                ParameterSchemaOrContent::Schema(schema) => matches!(
                    Node::from(schema).resolve(&self.spec.openapi).map(|s| &s.schema_kind),
                    Some(SchemaKind::Type(Type::String(_)))
                ),
                ParameterSchemaOrContent::Content(_) => false,
            };
            let parameter =
                Parameter { name: data.name.clone(), location, required: data.required, is_string, pointer: at };
            // An operation's parameter overrides the path item's of the same name and place.
            found.retain(|p| (p.location, &p.name) != (location, &parameter.name));
            found.push(parameter);
        }
        let in_path: BTreeSet<String> =
            found.iter().filter(|p| p.location == Location::Path).map(|p| p.name.clone()).collect();
        let template: BTreeSet<String> =
            path.split('{').skip(1).filter_map(|s| s.split_once('}')).map(|(name, _)| name.to_owned()).collect();
        for missing in template.difference(&in_path) {
            self.report(pointer, format!("path parameter `{missing}` is in the path but not declared"));
        }
        for extra in in_path.difference(&template) {
            self.report(pointer, format!("path parameter `{extra}` is declared but not in the path"));
        }
        found
    }

    /// The item `value` is or names; a `$ref` to nothing is reported.
    fn resolve<T: Component>(&mut self, at: &str, value: &'a ReferenceOr<T>, kind: &str) -> Option<&'a T> {
        let found = resolve(&self.spec.openapi, value);
        if found.is_none()
            && let ReferenceOr::Reference { reference } = value
        {
            self.report(at, format!("{reference} must name a {kind} in components.{kind}s"));
        }
        found
    }

    /// A raw body in several formats is sent with the caller's `Content-Type`, which a required
    /// header parameter of that name must let the caller choose.
    fn raw_upload(&mut self, pointer: &str, parameters: &[Parameter]) {
        let chooses_type = parameters
            .iter()
            .any(|p| p.location == Location::Header && p.name.eq_ignore_ascii_case("content-type") && p.required);
        if !chooses_type {
            self.report(
                format!("{pointer}/content"),
                "a raw body with several media types needs a required `Content-Type` header parameter",
            );
        }
    }

    fn request_body(&mut self, pointer: &str, body: &ReferenceOr<RequestBody>) -> Option<Body> {
        let ReferenceOr::Item(body) = body else {
            self.report(pointer, "write the request body inline with a $ref schema, not as a $ref");
            return None;
        };
        let (media, content) = self.single_media_type(pointer, &body.content, REQUEST_MEDIA_TYPES)?;
        let at = format!("{pointer}/content/{}/schema", escape_segment(media));
        match (media, &content.schema) {
            (_, None) => self.report(at, "missing schema"),
            (MULTIPART, _) if self.rules.reference_required => {
                self.report(at, "multipart bodies are supported in the v3 document only")
            }
            ("application/json", Some(ReferenceOr::Item(_))) => {
                self.report(at, "a JSON request body must be a $ref to a named schema in components.schemas")
            }
            ("application/octet-stream", Some(schema)) if !is_binary(schema) => {
                self.report(at, "a raw body's schema must be {type: string, format: binary}")
            }
            _ => {}
        }
        Some(Body { media_types: vec![media.to_owned()], raw_upload: false, multipart: media == MULTIPART })
    }

    fn responses(&mut self, pointer: &str, op: &'a openapiv3::Operation) -> Option<Success> {
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
            let (class, status) = match code {
                StatusCode::Code(c) => (c / 100, *c),
                StatusCode::Range(r) => (*r, r * 100),
            };
            let Some(response) = self.resolve(&at, response, "response") else { continue };
            match class {
                2 => successes.push((at, (status, code.to_string()), response)),
                4 | 5 => {
                    let schema =
                        response.content.get("application/json").and_then(|m| m.schema.as_ref()).map(schema_key);
                    errors.push((at, schema));
                }
                _ => self.report(at, "only 2xx, 4xx and 5xx responses are supported"),
            }
        }
        let success = match successes.as_slice() {
            [] => {
                self.report(pointer, "no success (2xx) response");
                None
            }
            [(at, status, response)] => Some(self.success(at, status.clone(), response)),
            [first, (at, _, _), ..] => {
                self.report(at, "more than one success response: the generated method can return only one type");
                Some(self.success(&first.0, first.1.clone(), first.2))
            }
        };
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
        success
    }

    fn success(&mut self, at: &str, (status, key): (u16, String), response: &'a Response) -> Success {
        let mut success = Success { status, key, media_type: None, schema: None, envelope: Default::default() };
        if response.content.is_empty() {
            return success;
        }
        let Some((media, content)) = self.single_media_type(at, &response.content, RESPONSE_MEDIA_TYPES) else {
            return success;
        };
        success.media_type = Some(media.to_owned());
        if media != "application/json" {
            return success;
        }
        let at = format!("{at}/content/{}", escape_segment(media));
        match &content.schema {
            Some(schema @ ReferenceOr::Reference { reference }) => {
                success.schema = super::schema::schema_name(reference);
                success.envelope = Node::from(schema).envelope_fields(&self.spec.openapi);
            }
            Some(_) => self.report(
                format!("{at}/schema"),
                "a JSON success response must be a $ref to a named schema in components.schemas",
            ),
            None => self.report(&at, "missing schema"),
        }
        if content.example.is_none() && content.examples.is_empty() {
            self.report(&at, "missing example of the success response");
        }
        success
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

    /// The `x-pagination` and `x-waiter` extensions, parsed and checked against the operation.
    fn workflows(
        &mut self,
        pointer: &str,
        op: &'a openapiv3::Operation,
        parameters: &[Parameter],
        success: Option<&Success>,
    ) -> Vec<Workflow> {
        let reply = success.and_then(|s| s.schema.as_deref()).map(|name| format!("#/components/schemas/{name}"));
        let reply = reply.as_deref().map(Node::Ref);
        let mut found = Vec::new();
        for (extension, value) in &op.extensions {
            let workflow = match extension.as_str() {
                PAGINATION => self.pages(value, parameters, reply).map(Workflow::Pages),
                WAITER => self.wait(value, reply).map(Workflow::Wait),
                _ => continue,
            };
            match workflow {
                Ok(workflow) => found.push(workflow),
                Err(message) => self.report(format!("{pointer}/{extension}"), message),
            }
        }
        found
    }

    fn pages(&self, value: &Value, parameters: &[Parameter], reply: Option<Node<'_>>) -> Result<Pagination, String> {
        let spec: Pagination =
            serde_json::from_value(value.clone()).map_err(|e| format!("invalid {PAGINATION}: {e}"))?;
        let cursor = parameters.iter().find(|p| p.location == Location::Query && p.name == spec.cursor_param);
        match cursor {
            Some(p) if p.required => return Err(format!("cursor parameter `{}` must be optional", spec.cursor_param)),
            Some(p) if !p.is_string => {
                return Err(format!("cursor parameter `{}` must be a string", spec.cursor_param));
            }
            Some(_) => {}
            None => {
                return Err(format!(
                    "cursor parameter `{}` is not a query parameter of this operation",
                    spec.cursor_param
                ));
            }
        }
        let openapi = &self.spec.openapi;
        let reply = reply.ok_or("the operation has no JSON success schema")?;
        reply.field(openapi, &spec.next_cursor)?;
        if let Some(has_more) = &spec.has_more {
            reply.field(openapi, has_more)?;
        }
        let items = reply.field(openapi, &spec.items)?;
        if items.array_item_name(openapi).is_none() {
            return Err(format!("`{}` must be an array of a named schema", spec.items));
        }
        Ok(spec)
    }

    fn wait(&self, value: &Value, reply: Option<Node<'_>>) -> Result<Waiter, String> {
        let spec: Waiter = serde_json::from_value(value.clone()).map_err(|e| format!("invalid {WAITER}: {e}"))?;
        if !spec.job.chars().all(|c| c.is_ascii_lowercase() || c == '_') || spec.job.is_empty() {
            return Err(format!("job `{}` must be snake_case", spec.job));
        }
        if spec.succeeded.is_empty() || spec.failed.is_empty() {
            return Err("list at least one `succeeded` and one `failed` state".into());
        }
        let openapi = &self.spec.openapi;
        let reply = reply.ok_or("the operation has no JSON success schema")?;
        reply.field(openapi, &spec.status)?;
        if let Some(reason) = &spec.reason {
            reply.field(openapi, reason)?;
        }
        if reply.field(openapi, &spec.result)?.name().is_none() {
            return Err(format!("`{}` must be a named schema", spec.result));
        }
        Ok(spec)
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

/// The `#[deprecated]` note of an operation's methods: its v3 successor when it has one (after
/// `end_of_life`, the day the document's API retires), else HeyGen's own deprecation.
fn deprecation(deprecated: bool, replaced_by: Option<&Replacement>, end_of_life: Option<&str>) -> Option<String> {
    let retired =
        end_of_life.map(|day| format!("HeyGen's v1/v2 API reached its end of life on {day}; ")).unwrap_or_default();
    match (deprecated, replaced_by.and_then(|r| r.operations.first())) {
        (_, Some(first)) => {
            Some(format!("{retired}use `heygen_client::Client::{first}` (see docs/migrating-to-v3.md)"))
        }
        (true, None) => Some("HeyGen marks this endpoint as deprecated".to_owned()),
        (false, None) => None,
    }
}

/// Whether `text` is a day written `YYYY-MM-DD` (digits only; the calendar is HeyGen's concern).
fn is_day(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 10
        && bytes.iter().enumerate().all(|(i, b)| if i == 4 || i == 7 { *b == b'-' } else { b.is_ascii_digit() })
}

/// Whether `body` is a raw upload in several formats: more than one media type, each a
/// `{type: string, format: binary}` schema.
pub(crate) fn is_raw_upload(body: &RequestBody) -> bool {
    body.content.len() > 1 && body.content.values().all(|media| media.schema.as_ref().is_some_and(is_binary))
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

/// The scheme names of a `security` list, in order: each requirement names one scheme here.
fn security_schemes(requirements: &[openapiv3::SecurityRequirement]) -> Vec<String> {
    requirements.iter().flat_map(|requirement| requirement.keys().cloned()).collect()
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::Document;

    /// The problems of the legacy document with `edit` applied to its text.
    fn problems_of_legacy(edit: impl Fn(&str) -> String) -> Vec<String> {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(Document::Legacy.spec_path());
        let source = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let edited = edit(&source);
        assert_ne!(edited, source, "the edit changes the document");
        match crate::load_and_validate(Path::new("edited.yaml"), &edited) {
            Ok(_) => Vec::new(),
            Err(e) => e.problems.into_iter().map(|p| format!("{}: {}", p.pointer, p.message)).collect(),
        }
    }

    const DAY: &str = "  x-end-of-life: \"2026-11-01\"\n";

    /// A note quotes the day when the document gives one; an older revision of the legacy
    /// document, without it, still generates (so `cargo xtask diff` can compare it).
    #[test]
    fn a_successors_note_quotes_the_end_of_life() {
        let replacement = super::Replacement { operations: vec!["create_video".into()], note: None };
        let with = super::deprecation(false, Some(&replacement), Some("2026-11-01")).unwrap();
        assert!(with.starts_with("HeyGen's v1/v2 API reached its end of life on 2026-11-01; use "), "{with}");
        let without = super::deprecation(false, Some(&replacement), None).unwrap();
        assert_eq!(without, "use `heygen_client::Client::create_video` (see docs/migrating-to-v3.md)");
        assert!(problems_of_legacy(|source| source.replacen(DAY, "", 1)).is_empty());
    }

    #[test]
    fn the_end_of_life_is_a_day() {
        let problems = problems_of_legacy(|source| source.replacen(DAY, "  x-end-of-life: 1 November 2026\n", 1));
        assert_eq!(
            problems,
            ["/info/x-end-of-life: x-end-of-life must be a day written YYYY-MM-DD, not \"1 November 2026\""]
        );
    }
}
