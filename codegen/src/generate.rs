//! Generate: the progenitor client, plus the per-operation facts progenitor does not act on
//! (which host an operation is sent to, which operations are deprecated).

use std::panic::{AssertUnwindSafe, catch_unwind};

use openapiv3::{OpenAPI, ReferenceOr};
use proc_macro2::TokenStream;
use progenitor_impl::{GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle};
use quote::quote;

use crate::error::Error;

/// The hand-written type in `heygen-client` that the generated `Client` carries (credentials,
/// hosts) and that its `ClientHooks` impl reads.
const INNER_TYPE: &str = "crate::ClientState";

/// Generates the client's code as tokens.
pub fn client_tokens(openapi: &OpenAPI) -> Result<TokenStream, Error> {
    let mut settings = GenerationSettings::default();
    settings
        .with_interface(InterfaceStyle::Positional)
        .with_tag(TagStyle::Merged)
        .with_hooks(HooksMode::Expected)
        .with_inner_type(INNER_TYPE.parse().expect("a type path"))
        .with_map_type("::std::collections::BTreeMap");
    let documented = with_operation_docs(openapi.clone());
    let mut generator = Generator::new(&settings);
    // Validation keeps known panics away; this turns any that remain into an error.
    let generated = catch_unwind(AssertUnwindSafe(|| generator.generate_tokens(&documented)))
        .map_err(|panic| Error::Generator(panic_message(&panic)))?
        .map_err(|e| Error::Generator(e.to_string()))?;
    let operations = operations_module(openapi);
    Ok(quote! { #generated #operations })
}

/// Names of the operations HeyGen marks deprecated, for `#[deprecated]` on their methods.
pub fn deprecated_operations(openapi: &OpenAPI) -> Vec<String> {
    operations(openapi).filter(|op| op.deprecated).filter_map(|op| op.operation_id.clone()).collect()
}

fn operations(openapi: &OpenAPI) -> impl Iterator<Item = &openapiv3::Operation> {
    openapi.paths.iter().filter_map(|(_, item)| item.as_item()).flat_map(|item| item.iter().map(|(_, op)| op))
}

/// Appends what progenitor leaves out of method docs: the reference link, a deprecation
/// note, and the host for operations that are not sent to the default one.
fn with_operation_docs(mut openapi: OpenAPI) -> OpenAPI {
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
        }
    }
    openapi
}

/// `SERVERS` and `operation_server`: the hand-written hooks route each request with them.
fn operations_module(openapi: &OpenAPI) -> TokenStream {
    let servers: Vec<&str> = openapi.servers.iter().map(|s| s.url.as_str()).collect();
    let count = servers.len();
    let overrides = operations(openapi).filter_map(|op| {
        let id = op.operation_id.as_deref()?;
        let index = servers.iter().position(|url| Some(*url) == op.servers.first().map(|s| s.url.as_str()))?;
        (index != 0).then(|| quote! { #id => #index, })
    });
    let global_security = security_schemes(openapi.security.as_deref().unwrap_or_default());
    let security = operations(openapi).filter_map(|op| {
        let id = op.operation_id.as_deref()?;
        let schemes = op.security.as_deref().map(security_schemes).unwrap_or_else(|| global_security.clone());
        (schemes != global_security).then(|| quote! { #id => &[#(#schemes),*], })
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
        }
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
