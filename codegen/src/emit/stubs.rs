//! Stubs: the per-operation facts of `heygen-mock`'s typed stubs (`MockHeyGen`), from the same
//! model and bindings as the client, so a stub cannot drift from the call it answers.
//!
//! For each operation the file declares a marker type implementing `heygen_mock::stubs::Operation`
//! (its id, method, path template, success status, request body and reply types as the client
//! names them, and the spec's example of the reply, embedded as JSON text), and a method of
//! `MockHeyGen` named like the client's that starts a stub of it. Matching, the request log,
//! faults and the no-match text are the crate's hand-written runtime (`heygen-mock/src/stubs/`).
//! Types are named through the document's module (`Document::module`), so a move of the client's
//! public paths reaches the stubs by regeneration alone.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;
use syn::Type;

use crate::bind::{Bound, Wire};
use crate::source::escape_segment;
use crate::syntax::pascal_case;

/// The stubs' code for the bound operations of the client in `module`; `root` is the spec as
/// JSON, from which the reply examples are read.
pub fn tokens(module: &str, operations: &[Bound<'_>], root: &Value) -> TokenStream {
    let module: syn::Path = syn::parse_str(module).expect("a module path");
    let count = operations.len();
    let markers: Vec<syn::Ident> = operations.iter().map(|b| format_ident!("{}", pascal_case(&b.op.id))).collect();
    let declarations = operations.iter().zip(&markers).map(|(bound, marker)| declaration(bound, marker, root));
    let methods = operations.iter().zip(&markers).map(|(bound, marker)| {
        let op = bound.op;
        let name = bound.ident();
        let doc = format!(" A stub of `{}` ({} `{}`): see [`{marker}`].", op.id, op.http_method(), op.path);
        quote! {
            #[doc = #doc]
            pub fn #name(&self) -> super::Stub<'_, #marker> {
                self.stub()
            }
        }
    });
    let visits = markers.iter().map(|marker| quote! { visitor.visit::<#marker>(); });
    let routes = operations.iter().map(|b| {
        let (id, method, path) = (&b.op.id, b.op.http_method(), &b.op.path);
        quote! { (#id, #method, #path) }
    });
    quote! {
        #![allow(clippy::all)]
        use #module::types;

        use super::{BodyKind, MockHeyGen, Operation};

        /// Every operation as `(operationId, method, path template)`, in document order.
        pub(crate) const ROUTES: [(&str, &str, &str); #count] = [#(#routes),*];

        /// Hands each operation's marker type to `visitor`, in document order: a test or tool
        /// that must cover every operation (typed) iterates with this.
        pub fn visit_operations<V: super::Visitor>(visitor: &mut V) {
            #(#visits)*
        }

        #(#declarations)*

        impl MockHeyGen {
            #(#methods)*
        }
    }
}

/// The marker type of one operation and its `Operation` impl.
fn declaration(bound: &Bound<'_>, marker: &syn::Ident, root: &Value) -> TokenStream {
    let op = bound.op;
    let (id, method, path) = (&op.id, op.http_method(), &op.path);
    let status = op.success.as_ref().map_or(200, |s| s.status);
    let (body, kind) = body_type(bound);
    let reply = match &bound.reply {
        Some(name) => quote!(types::#name),
        None => quote!(::serde_json::Value),
    };
    let reply_name = bound.reply.as_ref().map_or("a JSON value".to_owned(), |name| format!("`types::{name}`"));
    let example = example(root, op).map(|json| serde_json::to_string(json).expect("JSON serializes"));
    let default = match &example {
        Some(_) => "A stub given no reply answers the spec's example of it.".to_owned(),
        None => "The spec gives no example of this reply: a stub of it needs one \
                 (`reply`), and `mount` without one panics."
            .to_owned(),
    };
    let example = match example {
        Some(json) => quote!(Some(#json)),
        None => quote!(None),
    };
    let summary = if op.summary.is_empty() { String::new() } else { format!(" {}.", op.summary.trim_end_matches('.')) };
    let doc = format!(" `{id}`: {method} `{path}`.{summary}\n\n Answers {status} with {reply_name}. {default}");
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, Copy)]
        pub struct #marker;

        impl Operation for #marker {
            type Body = #body;
            type Reply = #reply;
            const ID: &'static str = #id;
            const METHOD: &'static str = #method;
            const PATH: &'static str = #path;
            const STATUS: u16 = #status;
            const BODY: BodyKind = BodyKind::#kind;
            const EXAMPLE: Option<&'static str> = #example;
        }
    }
}

/// The request body's Rust type as the stubs decode it, and how it is sent: the client's JSON
/// body type, raw bytes for a form or a binary body, `()` for none.
fn body_type(bound: &Bound<'_>) -> (TokenStream, syn::Ident) {
    let Some(arg) = bound.args.iter().find(|a| a.wire == Wire::Body) else {
        return (quote!(()), format_ident!("None"));
    };
    let json = bound.op.body.as_ref().is_none_or(|b| !b.multipart && !b.raw_upload);
    match &arg.ty {
        Type::Reference(reference) if json => {
            let ty = &reference.elem;
            (quote!(#ty), format_ident!("Json"))
        }
        _ => (quote!(super::RawBody), format_ident!("Raw")),
    }
}

/// The example of the operation's success reply: the media type's `example`, or the first of
/// its `examples`.
fn example<'v>(root: &'v Value, op: &crate::model::Operation) -> Option<&'v Value> {
    let success = op.success.as_ref()?;
    let media = success.media_type.as_deref()?;
    let mut response = root.pointer(&format!("{}/responses/{}", op.pointer, escape_segment(&success.key)))?;
    if let Some(reference) = response.get("$ref").and_then(Value::as_str) {
        response = root.pointer(reference.strip_prefix('#')?)?;
    }
    let content = response.get("content")?.get(media)?;
    if let Some(example) = content.get("example") {
        return Some(example);
    }
    let (_, first) = content.get("examples")?.as_object()?.iter().next()?;
    first.get("value")
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    const SPEC: &str = r#"
openapi: 3.0.3
info: {title: Stubs, version: '1'}
servers: [{url: 'https://api.example.com'}]
tags: [{name: Things}]
paths:
  /v3/things/{thing_id}:
    get:
      operationId: get_thing
      tags: [Things]
      summary: Get a thing
      description: One thing.
      externalDocs: {url: 'https://docs.heygen.com/reference/get-thing'}
      parameters:
        - {name: thing_id, in: path, required: true, schema: {type: string}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Thing'}
              example: {"id": "t1"}
components:
  schemas:
    Thing:
      type: object
      required: [id]
      properties:
        id: {type: string}
"#;

    /// The stubs of `SPEC`, its example removed after validation when `example` is false (the
    /// house rules require one on a JSON reply; the emitter must still cope without).
    fn stubs(example: bool, module: &str) -> String {
        let mut spec = crate::load_and_validate(Path::new("stubs.yaml"), SPEC).unwrap_or_else(|e| panic!("{e}"));
        if !example {
            let media = "/paths/~1v3~1things~1{thing_id}/get/responses/200/content/application~1json";
            spec.loaded.json.pointer_mut(media).and_then(|m| m.as_object_mut()).unwrap().remove("example");
        }
        let generated = crate::generate_spec_for(Path::new("stubs.yaml"), &spec, module).unwrap();
        crate::format::format_file(&generated.stubs, "stubs.yaml")
    }

    #[test]
    fn an_operation_declares_its_facts_its_example_and_a_method_named_like_the_clients() {
        let code = stubs(true, "heygen_client::v3");
        assert!(code.contains("use heygen_client::v3::types;"), "{code}");
        assert!(code.contains("pub struct GetThing;"), "{code}");
        assert!(code.contains("type Reply = types::Thing;"), "{code}");
        assert!(code.contains("type Body = ();"), "{code}");
        assert!(code.contains(r#"const PATH: &'static str = "/v3/things/{thing_id}";"#), "{code}");
        assert!(code.contains(r#"const EXAMPLE: Option<&'static str> = Some("{\"id\":\"t1\"}");"#), "{code}");
        assert!(code.contains("pub fn get_thing(&self) -> super::Stub<'_, GetThing>"), "{code}");
        assert!(code.contains("A stub given no reply answers the spec's example of it."), "{code}");
    }

    #[test]
    fn an_operation_without_an_example_says_a_stub_needs_a_reply() {
        let code = stubs(false, "heygen_client::v3");
        assert!(code.contains("const EXAMPLE: Option<&'static str> = None;"), "{code}");
        assert!(code.contains("The spec gives no example of this reply: a stub of it needs one"), "{code}");
    }

    /// Issue 25 moves the v3 client to the crate's root: the stubs follow the document's module.
    #[test]
    fn types_are_named_through_the_documents_module() {
        let code = stubs(true, "heygen_client");
        assert!(code.contains("use heygen_client::types;"), "{code}");
    }
}
