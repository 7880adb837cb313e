//! Generate: progenitor's client for the spec, as it should see it. Everything progenitor does
//! not emit is written by [`crate::emit`] from the model.

use std::panic::{AssertUnwindSafe, catch_unwind};

use openapiv3::{OpenAPI, ReferenceOr, StatusCode};
use proc_macro2::TokenStream;
use progenitor_impl::{GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle};

use crate::error::Error;
use crate::model::Api;

/// The hand-written type in `heygen-client` that the generated `Client` carries (credentials,
/// hosts, retry policy) and that its `ClientHooks` impl reads.
const INNER_TYPE: &str = "crate::rt::ClientState";

/// progenitor's code for `openapi`, whose model is `api`.
pub fn progenitor_tokens(openapi: &OpenAPI, api: &Api) -> Result<TokenStream, Error> {
    let mut settings = GenerationSettings::default();
    settings
        .with_interface(InterfaceStyle::Positional)
        .with_tag(TagStyle::Merged)
        .with_hooks(HooksMode::Expected)
        .with_inner_type(INNER_TYPE.parse().expect("a type path"))
        .with_map_type("::std::collections::BTreeMap");
    let prepared = prepare_for_progenitor(openapi.clone(), api);
    let mut generator = Generator::new(&settings);
    // Validation keeps known panics away; this turns any that remain into an error.
    catch_unwind(AssertUnwindSafe(|| generator.generate_tokens(&prepared)))
        .map_err(|panic| Error::Generator(panic_message(&panic)))?
        .map_err(|e| Error::Generator(e.to_string()))
}

/// The spec as progenitor should see it:
/// - method docs gain what progenitor leaves out: the reference link, a deprecation note, and
///   the host for operations that are not sent to the default one;
/// - error responses are dropped, so every non-success status reaches the hand-written runtime
///   as `UnexpectedResponse` with its status, headers and raw body intact (progenitor would
///   decode them itself and lose the body when it is not the documented JSON).
/// - the `Idempotency-Key` header parameter of an operation whose key the runtime adds
///   (`x-idempotency-key: {in: header}`) is dropped, so no method takes a key positionally: the
///   runtime sends a fresh key per call, or the one a handle names
///   (`Client::with_idempotency_key`). The spec keeps the parameter for its readers and the
///   contract test.
fn prepare_for_progenitor(mut openapi: OpenAPI, api: &Api) -> OpenAPI {
    let components = openapi.components.clone().unwrap_or_default();
    let is_key_header = |parameter: &ReferenceOr<openapiv3::Parameter>| {
        let parameter = match parameter {
            ReferenceOr::Item(p) => Some(p),
            ReferenceOr::Reference { reference } => reference
                .strip_prefix("#/components/parameters/")
                .and_then(|name| components.parameters.get(name))
                .and_then(ReferenceOr::as_item),
        };
        matches!(parameter, Some(openapiv3::Parameter::Header { parameter_data, .. })
            if parameter_data.name.eq_ignore_ascii_case("idempotency-key"))
    };
    for model in &api.operations {
        let Some(ReferenceOr::Item(item)) = openapi.paths.paths.get_mut(&model.path) else { continue };
        let op = match model.method.as_str() {
            "get" => &mut item.get,
            "put" => &mut item.put,
            "post" => &mut item.post,
            "delete" => &mut item.delete,
            "patch" => &mut item.patch,
            "head" => &mut item.head,
            _ => continue,
        };
        let Some(op) = op.as_mut() else { continue };
        if model.idempotency_key == Some(crate::model::IdempotencyKey::Header) {
            op.parameters.retain(|parameter| !is_key_header(parameter));
        }
        let mut doc = op.description.take().unwrap_or_default().trim_end().to_owned();
        if model.deprecated {
            doc.push_str("\n\n**Deprecated:** HeyGen marks this endpoint as deprecated.");
        }
        if model.server != 0 {
            doc.push_str(&format!("\n\nSent to the `{}` host.", api.servers[model.server]));
        }
        if let Some(reference) = &model.reference {
            doc.push_str(&format!("\n\nHeyGen reference: <{reference}>"));
        }
        op.description = Some(doc);
        // typify makes an integer with `minimum: 1` a `NonZeroU64`, which no caller wants to
        // build for a `limit`; the bound stays in the spec (and HeyGen enforces it).
        for parameter in op.parameters.iter_mut().filter_map(|p| match p {
            ReferenceOr::Item(p) => Some(p),
            ReferenceOr::Reference { .. } => None,
        }) {
            let (openapiv3::Parameter::Query { parameter_data, .. }
            | openapiv3::Parameter::Header { parameter_data, .. }
            | openapiv3::Parameter::Path { parameter_data, .. }
            | openapiv3::Parameter::Cookie { parameter_data, .. }) = parameter;
            if let openapiv3::ParameterSchemaOrContent::Schema(ReferenceOr::Item(schema)) = &mut parameter_data.format
                && let openapiv3::SchemaKind::Type(openapiv3::Type::Integer(integer)) = &mut schema.schema_kind
                && integer.minimum.is_some_and(|min| min >= 1)
            {
                integer.minimum = None;
                integer.exclusive_minimum = false;
            }
        }
        // progenitor rejects a form body: it generates the method without one, and the
        // transform stage adds it.
        if model.body.as_ref().is_some_and(|b| b.multipart) {
            op.request_body = None;
        }
        // A raw upload in several formats is one raw body to progenitor; the caller's
        // `Content-Type` argument says which format it is.
        if model.body.as_ref().is_some_and(|b| b.raw_upload)
            && let Some(ReferenceOr::Item(body)) = &mut op.request_body
        {
            let media = body.content.swap_remove_index(0).map(|(_, media)| media).expect("several media types");
            body.content = [("application/octet-stream".to_owned(), media)].into_iter().collect();
        }
        op.responses.responses.retain(|code, _| matches!(code, StatusCode::Code(200..=299) | StatusCode::Range(2)));
    }
    openapi
}

fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    let text = panic.downcast_ref::<String>().map(String::as_str).or_else(|| panic.downcast_ref::<&str>().copied());
    format!("progenitor panicked: {}", text.unwrap_or("(no message)"))
}
