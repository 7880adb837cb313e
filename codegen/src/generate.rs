//! Generate: the progenitor client, plus what progenitor does not emit: per-operation facts
//! (host, accepted credentials, idempotency) and the envelope check of each success type.

use std::collections::BTreeSet;
use std::panic::{AssertUnwindSafe, catch_unwind};

use openapiv3::{OpenAPI, ReferenceOr, Schema, SchemaKind, StatusCode};
use proc_macro2::TokenStream;
use progenitor_impl::{GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle};
use quote::{format_ident, quote};

use crate::error::Error;

/// The hand-written type in `heygen-client` that the generated `Client` carries (credentials,
/// hosts, retry policy) and that its `ClientHooks` impl reads.
const INNER_TYPE: &str = "crate::ClientState";

/// Spec extension that marks a POST as safe to send twice (the default is: only GET, HEAD, PUT
/// and DELETE are).
pub const IDEMPOTENT_EXTENSION: &str = "x-idempotent";

/// What the later stages need to know about one operation.
#[derive(Debug, Clone)]
pub struct OperationFacts {
    pub id: String,
    pub deprecated: bool,
    /// The one declared success status (validation guarantees there is exactly one).
    pub success_status: u16,
}

/// Generates the client's code as tokens.
pub fn client_tokens(openapi: &OpenAPI) -> Result<TokenStream, Error> {
    let mut settings = GenerationSettings::default();
    settings
        .with_interface(InterfaceStyle::Positional)
        .with_tag(TagStyle::Merged)
        .with_hooks(HooksMode::Expected)
        .with_inner_type(INNER_TYPE.parse().expect("a type path"))
        .with_map_type("::std::collections::BTreeMap");
    let prepared = prepare_for_progenitor(openapi.clone());
    let mut generator = Generator::new(&settings);
    // Validation keeps known panics away; this turns any that remain into an error.
    let generated = catch_unwind(AssertUnwindSafe(|| generator.generate_tokens(&prepared)))
        .map_err(|panic| Error::Generator(panic_message(&panic)))?
        .map_err(|e| Error::Generator(e.to_string()))?;
    let operations = operations_module(openapi);
    let envelopes = envelope_impls(openapi);
    Ok(quote! { #generated #operations #envelopes })
}

/// The facts of every operation, in document order.
pub fn operation_facts(openapi: &OpenAPI) -> Vec<OperationFacts> {
    operations(openapi)
        .filter_map(|(_, op)| {
            let success_status = op.responses.responses.keys().find_map(|code| match code {
                StatusCode::Code(c) if (200..300).contains(c) => Some(*c),
                StatusCode::Range(2) => Some(200),
                _ => None,
            })?;
            Some(OperationFacts { id: op.operation_id.clone()?, deprecated: op.deprecated, success_status })
        })
        .collect()
}

fn operations(openapi: &OpenAPI) -> impl Iterator<Item = (&str, &openapiv3::Operation)> {
    openapi.paths.iter().filter_map(|(_, item)| item.as_item()).flat_map(|item| item.iter())
}

/// The spec as progenitor should see it:
/// - method docs gain what progenitor leaves out: the reference link, a deprecation note, and
///   the host for operations that are not sent to the default one;
/// - error responses are dropped, so every non-success status reaches the hand-written runtime
///   as `UnexpectedResponse` with its status, headers and raw body intact (progenitor would
///   decode them itself and lose the body when it is not the documented JSON).
fn prepare_for_progenitor(mut openapi: OpenAPI) -> OpenAPI {
    let default_server = openapi.servers.first().map(|s| s.url.clone());
    for item in openapi.paths.paths.values_mut() {
        let ReferenceOr::Item(item) = item else { continue };
        for op in [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch, &mut item.head]
            .into_iter()
            .flatten()
        {
            let mut doc = op.description.take().unwrap_or_default().trim_end().to_owned();
            if op.deprecated {
                doc.push_str("\n\n**Deprecated:** HeyGen marks this endpoint as deprecated.");
            }
            if let Some(server) = op.servers.first().filter(|s| Some(&s.url) != default_server.as_ref()) {
                doc.push_str(&format!("\n\nSent to the `{}` host.", server.url));
            }
            if let Some(docs) = &op.external_docs {
                doc.push_str(&format!("\n\nHeyGen reference: <{}>", docs.url));
            }
            op.description = Some(doc);
            // A raw upload in several formats is one raw body to progenitor; the caller's
            // `Content-Type` argument says which format it is.
            if let Some(ReferenceOr::Item(body)) = &mut op.request_body
                && is_raw_upload(body)
            {
                let media = body.content.swap_remove_index(0).map(|(_, media)| media).expect("several media types");
                body.content = [("application/octet-stream".to_owned(), media)].into_iter().collect();
            }
            op.responses.responses.retain(|code, _| matches!(code, StatusCode::Code(200..=299) | StatusCode::Range(2)));
        }
    }
    openapi
}

/// Whether `body` is a raw upload in several formats: more than one media type, each a
/// `{type: string, format: binary}` schema.
pub fn is_raw_upload(body: &openapiv3::RequestBody) -> bool {
    body.content.len() > 1
        && body.content.values().all(|media| {
            matches!(&media.schema, Some(ReferenceOr::Item(Schema { schema_kind: SchemaKind::Type(openapiv3::Type::String(s)), .. }))
                if matches!(s.format, openapiv3::VariantOrUnknownOrEmpty::Item(openapiv3::StringFormat::Binary)))
        })
}

/// `SERVERS` and `operation_server`: the hand-written hooks route each request with them.
fn operations_module(openapi: &OpenAPI) -> TokenStream {
    let servers: Vec<&str> = openapi.servers.iter().map(|s| s.url.as_str()).collect();
    let count = servers.len();
    let overrides = operations(openapi).filter_map(|(_, op)| {
        let id = op.operation_id.as_deref()?;
        let index = servers.iter().position(|url| Some(*url) == op.servers.first().map(|s| s.url.as_str()))?;
        (index != 0).then(|| quote! { #id => #index, })
    });
    let global_security = security_schemes(openapi.security.as_deref().unwrap_or_default());
    let security = operations(openapi).filter_map(|(_, op)| {
        let id = op.operation_id.as_deref()?;
        let schemes = op.security.as_deref().map(security_schemes).unwrap_or_else(|| global_security.clone());
        (schemes != global_security).then(|| quote! { #id => &[#(#schemes),*], })
    });
    let idempotent = operations(openapi).filter_map(|(method, op)| {
        let marked = op.extensions.get(IDEMPOTENT_EXTENSION).and_then(|v| v.as_bool());
        let safe = marked.unwrap_or(matches!(method, "get" | "head" | "put" | "delete"));
        let id = op.operation_id.as_deref()?;
        safe.then_some(id)
    });
    quote! {
        /// Facts about each operation that the generated methods do not act on themselves.
        pub mod operations {
            /// The servers the spec declares. The first is every operation's default host.
            pub const SERVERS: [&str; #count] = [#(#servers),*];

            /// Index into [`SERVERS`] of the host `operation_id` is sent to.
            pub fn operation_server(operation_id: &str) -> usize {
                match operation_id {
                    #(#overrides)*
                    _ => 0,
                }
            }

            /// Names of the security schemes `operation_id` accepts, any one of which will do.
            pub fn operation_security(operation_id: &str) -> &'static [&'static str] {
                match operation_id {
                    #(#security)*
                    _ => &[#(#global_security),*],
                }
            }

            /// Whether sending `operation_id` twice has the same effect as sending it once, so a
            /// failed attempt may be retried even when the server may have acted on it.
            pub fn operation_idempotent(operation_id: &str) -> bool {
                matches!(operation_id, #(#idempotent)|*)
            }
        }
    }
}

/// `impl Envelope` for every success type: which of HeyGen's envelope fields (`code`, `error`,
/// `message`, `msg`) it has, so the runtime can turn a 200 that reports failure into an error.
fn envelope_impls(openapi: &OpenAPI) -> TokenStream {
    let schemas = openapi.components.as_ref().map(|c| &c.schemas);
    let success_types: BTreeSet<&str> = operations(openapi)
        .flat_map(|(_, op)| op.responses.responses.values())
        .filter_map(|response| response.as_item())
        .flat_map(|response| response.content.values())
        .filter_map(|media| match &media.schema {
            Some(ReferenceOr::Reference { reference }) => reference.strip_prefix("#/components/schemas/"),
            _ => None,
        })
        .collect();
    let impls = success_types.into_iter().map(|name| {
        let fields = schemas.and_then(|s| s.get(name)).map(|s| EnvelopeFields::of(s, schemas)).unwrap_or_default();
        let code = match fields.code {
            Some(true) => quote! { Some(self.code) },
            Some(false) => quote! { self.code },
            None => quote! { None },
        };
        let error = if fields.error {
            quote! { self.error.as_ref() }
        } else {
            quote! { None }
        };
        let message = match (fields.message, fields.msg) {
            (true, true) => quote! { self.message.as_deref().or(self.msg.as_deref()) },
            (true, false) => quote! { self.message.as_deref() },
            (false, true) => quote! { self.msg.as_deref() },
            (false, false) => quote! { None },
        };
        let ty = format_ident!("{name}");
        quote! {
            impl crate::envelope::Envelope for types::#ty {
                fn outcome(&self) -> crate::envelope::Outcome<'_> {
                    crate::envelope::Outcome { code: #code, error: #error, message: #message }
                }
            }
        }
    });
    quote! { #(#impls)* }
}

/// The envelope fields a response schema has, merged over its `allOf` members.
#[derive(Default)]
struct EnvelopeFields {
    /// `Some(required)` when there is a `code`.
    code: Option<bool>,
    error: bool,
    message: bool,
    msg: bool,
}

impl EnvelopeFields {
    fn of(schema: &ReferenceOr<Schema>, schemas: Option<&indexmap::IndexMap<String, ReferenceOr<Schema>>>) -> Self {
        let mut fields = Self::default();
        let resolve = |s: &'_ ReferenceOr<Schema>| -> Option<Schema> {
            match s {
                ReferenceOr::Item(s) => Some(s.clone()),
                ReferenceOr::Reference { reference } => {
                    schemas?.get(reference.strip_prefix("#/components/schemas/")?)?.as_item().cloned()
                }
            }
        };
        let Some(schema) = resolve(schema) else { return fields };
        let members = match schema.schema_kind {
            SchemaKind::AllOf { all_of } => all_of.iter().filter_map(resolve).collect(),
            _ => vec![schema],
        };
        for member in members {
            let SchemaKind::Type(openapiv3::Type::Object(object)) = member.schema_kind else { continue };
            if object.properties.contains_key("code") {
                fields.code = Some(fields.code.unwrap_or(false) || object.required.iter().any(|r| r == "code"));
            }
            fields.error |= object.properties.contains_key("error");
            fields.message |= object.properties.contains_key("message");
            fields.msg |= object.properties.contains_key("msg");
        }
        fields
    }
}

/// The scheme names of a `security` list, in order: each requirement names one scheme here.
fn security_schemes(requirements: &[openapiv3::SecurityRequirement]) -> Vec<String> {
    requirements.iter().flat_map(|requirement| requirement.keys().cloned()).collect()
}

fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    let text = panic.downcast_ref::<String>().map(String::as_str).or_else(|| panic.downcast_ref::<&str>().copied());
    format!("progenitor panicked: {}", text.unwrap_or("(no message)"))
}
