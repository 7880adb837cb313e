//! Transform: changes to progenitor's output that make it the client we want, done on the
//! syntax tree so they hold for every operation and type, present and future.
//!
//! - every operation method returns the crate's own `Error` and decodes its reply through the
//!   runtime, which checks HeyGen's envelope in the same pass;
//! - every string enum keeps values it does not know in an `Unknown(String)` variant, and
//!   every tagged union keeps unknown kinds whole in `Unknown(Value)`, so new server values do
//!   not break decoding (a known kind that does not match its schema is still an error);
//! - methods of deprecated operations are `#[deprecated]`;
//! - an operation's many optional arguments come in its parameters struct (planned by `bind`,
//!   emitted by `emit::params`);
//! - progenitor's `prelude` module goes (the crate exports `Client` itself);
//! - progenitor's constructors (`Client::new(baseurl, state)`, `new_with_client`) are
//!   `pub(crate)`: no caller can build their state, and they would bypass the builder's checks.

use std::collections::HashSet;

use proc_macro2::Span;
use quote::{ToTokens, format_ident};
use syn::punctuated::Punctuated;
use syn::{
    Arm, Attribute, Expr, Fields, FnArg, ImplItem, ImplItemFn, Item, ItemEnum, ItemImpl, Pat, ReturnType, Token, Type,
    parse_quote,
};

use crate::bind::{ARGUMENTS, Bound, MODULE, Params, arguments_doc};
use crate::syntax::{generic_arg, has_serde, is_inherent_client_impl, remove_derive, serde_value, typed_args};

/// The hand-written items the transformed code calls, in `heygen-client`.
const FINISH: &str = "crate::rt::finish";
const DECODE: &str = "crate::rt::decode";
/// The name of the call's context (`crate::rt::CallContext`) in a generated method.
const CONTEXT: &str = "call_context";
const ERROR: &str = "crate::Error";

pub fn apply(file: &mut syn::File, operations: &[Bound<'_>]) {
    // progenitor's `prelude` re-exports `Client`, which the crate exports itself.
    file.items.retain(|item| !matches!(item, Item::Mod(m) if m.ident == "prelude"));
    let mut has_client = false;
    for item in &mut file.items {
        match item {
            Item::Impl(block) if is_inherent_client_impl(block) => {
                crate_private_constructors(block);
                check_operation_methods(block, operations);
            }
            Item::Struct(client) if client.ident == "Client" => {
                remove_derive(&mut client.attrs, "Debug");
                has_client = true;
            }
            Item::Mod(module) if module.ident == "types" => {
                if let Some((_, items)) = &mut module.content {
                    open_enums(items);
                }
            }
            _ => {}
        }
    }
    // progenitor derives `Debug` for `Client`, which prints its reqwest client, whose `Debug`
    // shows the default headers of a caller's own client (`ClientBuilder::http_client`): their
    // credentials. Ours shows the base URL and the client state (whose `Debug` hides secrets).
    if !has_client {
        return;
    }
    file.items.push(parse_quote! {
        impl ::std::fmt::Debug for Client {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct("Client")
                    .field("baseurl", &self.baseurl)
                    .field("inner", &self.inner)
                    .finish_non_exhaustive()
            }
        }
    });
}

/// `new` and `new_with_client` become `pub(crate)`: the builder is the one way in.
fn crate_private_constructors(block: &mut ItemImpl) {
    for member in &mut block.items {
        if let ImplItem::Fn(method) = member
            && matches!(method.vis, syn::Visibility::Public(_))
            && (method.sig.ident == "new" || method.sig.ident == "new_with_client")
        {
            method.vis = parse_quote!(pub(crate));
        }
    }
}

/// Splits each operation method in two: progenitor's body moves to a private `raw_<name>`, and
/// the public method (with the docs) passes its result through the runtime's `finish`, which
/// maps errors and checks the envelope.
fn check_operation_methods(block: &mut ItemImpl, operations: &[Bound<'_>]) {
    // The order of `operations::OPERATIONS` (`emit::facts`): by id.
    let mut ids: Vec<&str> = operations.iter().map(|bound| bound.op.id.as_str()).collect();
    ids.sort_unstable();
    let mut items = Vec::with_capacity(block.items.len() * 2);
    for member in block.items.drain(..) {
        let ImplItem::Fn(method) = member else {
            items.push(member);
            continue;
        };
        let Some(op) = operations.iter().find(|op| &method.sig.ident == op.ident()) else {
            items.push(ImplItem::Fn(method));
            continue;
        };
        let index = ids.binary_search(&op.op.id.as_str()).expect("every operation is in the table");
        let (public, raw) = split_method(method, op, index);
        items.push(ImplItem::Fn(public));
        items.push(ImplItem::Fn(raw));
    }
    block.items = items;
}

fn split_method(mut method: ImplItemFn, bound: &Bound<'_>, index: usize) -> (ImplItemFn, ImplItemFn) {
    let op = bound.op;
    if op.body.as_ref().is_some_and(|b| b.multipart) {
        add_multipart_body(&mut method);
    }
    let mut raw = method.clone();
    decode_through_runtime(&mut raw, &op.id);
    drop_api_version_header(&mut raw);
    call_the_runtime_hooks(&mut raw, &op.id, index);
    raw.sig.ident = format_ident!("raw_{}", method.sig.ident);
    raw.vis = syn::Visibility::Inherited;
    raw.attrs.retain(|a| !a.path().is_ident("doc"));

    let mut public = method;
    let successors = op.replaced_by.as_ref().map(|r| r.operations.as_slice()).unwrap_or_default();
    if let Some(note) = &op.deprecation {
        public.attrs.push(parse_quote!(#[deprecated(note = #note)]));
    }
    if let Some(replacement) = &op.replaced_by {
        let links: Vec<String> = successors.iter().map(|id| format!("[`Client::{id}`](crate::Client::{id})")).collect();
        let mut doc = match links.as_slice() {
            [] => "\n**Moving to v3:** HeyGen's v3 API has no successor for this endpoint yet.".to_owned(),
            _ => format!("\n**Moving to v3:** {}.", links.join(", ")),
        };
        if let Some(note) = &replacement.note {
            doc.push(' ');
            doc.push_str(note.trim());
        }
        public.attrs.push(parse_quote!(#[doc = #doc]));
    }
    if let ReturnType::Type(_, ty) = &mut public.sig.output
        && let Some(ok) = generic_arg(ty, "Result").cloned()
    {
        let error: Type = syn::parse_str(ERROR).expect("a type path");
        **ty = parse_quote!(Result<#ok, #error>);
    }
    let args: Punctuated<Expr, Token![,]> =
        typed_args(&public.sig).map(|(ident, _)| Expr::Path(parse_quote!(#ident))).collect();
    // Many optional arguments travel in the operation's parameters struct; the raw method still
    // takes them one by one.
    let args = match &bound.params {
        Some(params) => take_params(&mut public, params, args),
        None => args,
    };
    let finish: syn::Path = syn::parse_str(FINISH).expect("a path");
    let status = op.success.as_ref().map_or(200, |s| s.status);
    let (raw_name, id) = (&raw.sig.ident, op.id.as_str());
    // The call goes to `finish` unrun, with the context its `pre` records the idempotency key in
    // and `finish` reads it from for the call's errors.
    let context = format_ident!("{CONTEXT}");
    let mut args = args;
    args.push(parse_quote!(&#context));
    public.block = parse_quote!({
        let #context = crate::rt::CallContext::default();
        #finish(self.inner(), #id, #status, &#context, self.#raw_name(#args)).await
    });
    (public, raw)
}

/// The public method takes `params` in place of the struct's fields; returns the raw method's
/// arguments, those fields read from it.
fn take_params(
    public: &mut ImplItemFn,
    params: &Params,
    args: Punctuated<Expr, Token![,]>,
) -> Punctuated<Expr, Token![,]> {
    let arg = &params.arg;
    let held = |expr: &Expr| params.fields.iter().find(|f| matches!(expr, Expr::Path(p) if p.path.is_ident(&f.ident)));
    let args = args
        .into_iter()
        .map(|expr| match held(&expr) {
            Some(field) => {
                let ident = &field.ident;
                parse_quote!(#arg.#ident)
            }
            None => expr,
        })
        .collect();
    let inputs = std::mem::take(&mut public.sig.inputs);
    public.sig.inputs = inputs
        .into_iter()
        .filter(|input| match input {
            FnArg::Typed(typed) => {
                !matches!(&*typed.pat, Pat::Ident(i) if params.fields.iter().any(|f| f.ident == i.ident))
            }
            FnArg::Receiver(_) => true,
        })
        .collect();
    let ty = params.ty();
    public.sig.inputs.push(parse_quote!(#arg: #ty));
    rewrite_docs(&mut public.attrs, params);
    args
}

/// The public method's docs: the struct's fields leave the `Arguments:` list, which names the
/// struct instead.
fn rewrite_docs(attrs: &mut [Attribute], params: &Params) {
    let Some((index, text)) = attrs.iter().enumerate().find_map(|(i, a)| Some((i, arguments_doc(a)?))) else {
        return;
    };
    let Some((head, list)) = text.split_once(ARGUMENTS) else { return };
    let moved: HashSet<String> = params.fields.iter().map(|f| f.ident.to_string()).collect();
    let mut kept = Vec::new();
    let mut skipping = false;
    for line in list.lines() {
        if let Some(entry) = line.strip_prefix("- `")
            && let Some((name, _)) = entry.split_once("`: ")
        {
            skipping = moved.contains(name);
        }
        if !skipping {
            kept.push(line.to_owned());
        }
    }
    let (arg, name) = (&params.arg, &params.name);
    kept.push(format!("- `{arg}`: the optional arguments, see [`{MODULE}::{name}`]"));
    let doc = format!("{head}{ARGUMENTS}{}\n", kept.join("\n"));
    attrs[index] = syn::parse_quote!(#[doc = #doc]);
}

/// progenitor decodes a declared success with `ResponseValue::from_response`; the raw method calls
/// the runtime's `decode` instead, which reads HeyGen's envelope during the same pass over the
/// body (a failure reported inside a 2xx is caught whatever fields the success type declares).
fn decode_through_runtime(method: &mut ImplItemFn, operation: &str) {
    struct Decode<'a>(&'a str);
    impl syn::visit_mut::VisitMut for Decode<'_> {
        fn visit_expr_call_mut(&mut self, call: &mut syn::ExprCall) {
            syn::visit_mut::visit_expr_call_mut(self, call);
            let Expr::Path(function) = &*call.func else { return };
            let segments = &function.path.segments;
            let is_from_response =
                segments.len() == 2 && segments[0].ident == "ResponseValue" && segments[1].ident == "from_response";
            if is_from_response && call.args.len() == 1 {
                let decode: syn::Path = syn::parse_str(DECODE).expect("a path");
                let (response, id) = (&call.args[0], self.0);
                *call = parse_quote!(#decode(#response, #id));
            }
        }
    }
    syn::visit_mut::VisitMut::visit_block_mut(&mut Decode(operation), &mut method.block);
}

/// progenitor's method calls the client's hooks (`self.pre`, `self.exec`, `self.post`) with an
/// `OperationInfo` holding the id, so each hook would look the operation's facts up by id. The
/// raw method calls the runtime's `pre` and `exec` itself, with the facts at their index in the
/// table (checked against the id in debug builds) and the call's context (a last argument, which
/// the public method lends it), and drops the `post` hook, which does nothing.
fn call_the_runtime_hooks(method: &mut ImplItemFn, operation: &str, index: usize) {
    struct Hooks<'a>(&'a str, usize);
    impl syn::visit_mut::VisitMut for Hooks<'_> {
        fn visit_expr_mut(&mut self, expr: &mut Expr) {
            syn::visit_mut::visit_expr_mut(self, expr);
            let Expr::Await(awaited) = expr else { return };
            let Expr::MethodCall(call) = &*awaited.base else { return };
            let Some(request) =
                call.args.first().filter(|_| matches!(&*call.receiver, Expr::Path(p) if p.path.is_ident("self")))
            else {
                return;
            };
            let (id, index) = (self.0, self.1);
            let facts = quote::quote!(Some(operations::at(#index, #id)));
            if call.method == "pre" {
                let context = format_ident!("{CONTEXT}");
                *expr = parse_quote!(crate::rt::pre(self.inner(), #request, #facts, Some(#context)).map_err(Error::InvalidRequest));
            } else if call.method == "exec" {
                *expr = parse_quote!(crate::rt::exec(&self.client, self.inner(), #request, #id, #facts).await);
            }
        }
    }
    syn::visit_mut::VisitMut::visit_block_mut(&mut Hooks(operation, index), &mut method.block);
    let context = format_ident!("{CONTEXT}");
    method.sig.inputs.push(parse_quote!(#context: &crate::rt::CallContext));
    let text = |stmt: &syn::Stmt| stmt.to_token_stream().to_string();
    method.block.stmts.retain(|stmt| !text(stmt).starts_with("self . post (") && !text(stmt).starts_with("let info ="));
}

/// progenitor sends `api-version: <info.version>` with every request, which HeyGen has no use
/// for: the statement that adds it goes, and so does the header map when nothing else goes in it
/// (its declaration and the builder's `.headers(header_map)` are then its only mentions).
fn drop_api_version_header(method: &mut ImplItemFn) {
    let mentions = |stmt: &syn::Stmt, text: &str| stmt.to_token_stream().to_string().contains(text);
    method.block.stmts.retain(|stmt| !mentions(stmt, "\"api-version\""));
    if method.block.stmts.iter().filter(|stmt| mentions(stmt, "header_map")).count() != 2 {
        return;
    }
    let declares = |stmt: &syn::Stmt| matches!(stmt, syn::Stmt::Local(local) if local.pat.to_token_stream().to_string().ends_with("header_map"));
    method.block.stmts.retain(|stmt| !declares(stmt));
    struct Unused;
    impl syn::visit_mut::VisitMut for Unused {
        fn visit_expr_mut(&mut self, expr: &mut Expr) {
            syn::visit_mut::visit_expr_mut(self, expr);
            if let Expr::MethodCall(call) = expr
                && call.method == "headers"
                && call.args.len() == 1
                && call.args[0].to_token_stream().to_string() == "header_map"
            {
                *expr = (*call.receiver).clone();
            }
        }
    }
    syn::visit_mut::VisitMut::visit_block_mut(&mut Unused, &mut method.block);
}

/// progenitor cannot generate `multipart/form-data` bodies, so it gets the operation without its
/// body; this gives the method a `body: reqwest::multipart::Form` argument and attaches it to the
/// request before the headers (reqwest sets the form's `Content-Type` with its boundary).
fn add_multipart_body(method: &mut ImplItemFn) {
    struct Attach;
    impl syn::visit_mut::VisitMut for Attach {
        fn visit_expr_method_call_mut(&mut self, call: &mut syn::ExprMethodCall) {
            syn::visit_mut::visit_expr_method_call_mut(self, call);
            if call.method == "headers" {
                let receiver = &call.receiver;
                *call.receiver = parse_quote!(#receiver.multipart(body));
            }
        }
    }
    syn::visit_mut::VisitMut::visit_block_mut(&mut Attach, &mut method.block);
    method.sig.inputs.push(parse_quote!(body: reqwest::multipart::Form));
}

/// Adds `Unknown` variants to every string enum and tagged union in `types`.
fn open_enums(items: &mut Vec<Item>) {
    let mut string_enums = Vec::new();
    let mut added = Vec::new();
    for item in items.iter_mut() {
        let Item::Enum(e) = item else { continue };
        if is_string_enum(e) {
            open_string_enum(e);
            string_enums.push(e.ident.clone());
        } else if is_tagged_union(e) {
            added.extend(open_tagged_union(e));
        }
    }
    items.extend(added);
    // `Display` and `FromStr` must now cover `Unknown` too, and agree on it: a value that is
    // displayed parses back to the same variant.
    for item in items.iter_mut() {
        let Item::Impl(block) = item else { continue };
        let for_open_enum = matches!(&*block.self_ty, Type::Path(p) if string_enums.iter().any(|e| p.path.is_ident(e)));
        match block.trait_.as_ref().and_then(|(p, _)| p.segments.last()).map(|s| s.ident.to_string()) {
            Some(name) if for_open_enum && name == "Display" => add_unknown_display_arm(block),
            Some(name) if for_open_enum && name == "FromStr" => parse_unknown_values(block),
            _ => {}
        }
    }
}

/// typify's `FromStr` rejects values it does not list; an open enum keeps them in `Unknown`.
fn parse_unknown_values(block: &mut ItemImpl) {
    for member in &mut block.items {
        let ImplItem::Fn(method) = member else { continue };
        for stmt in &mut method.block.stmts {
            if let syn::Stmt::Expr(Expr::Match(m), _) = stmt
                && let Some(last) = m.arms.last_mut()
                && matches!(last.pat, Pat::Wild(_))
            {
                last.body = parse_quote!(Ok(Self::Unknown(::std::string::ToString::to_string(value))));
            }
        }
    }
}

/// Callers must match open enums with a wildcard arm, so that a value HeyGen adds (and the
/// client learns) is a minor change for them.
fn non_exhaustive(e: &mut ItemEnum) {
    e.attrs.push(parse_quote!(#[non_exhaustive]));
}

/// typify's string enums: unit variants only, no serde tagging of their own.
fn is_string_enum(e: &ItemEnum) -> bool {
    !e.variants.is_empty() && e.variants.iter().all(|v| matches!(v.fields, Fields::Unit)) && !has_serde(&e.attrs, "tag")
}

fn is_tagged_union(e: &ItemEnum) -> bool {
    has_serde(&e.attrs, "tag") && !has_serde(&e.attrs, "untagged")
}

/// A tagged union keeps unknown kinds whole in `Unknown(Value)`, while a known kind that does not
/// match its schema is still an error: deserialization reads the tag first, then decodes known
/// kinds strictly through a private copy of the enum.
fn open_tagged_union(e: &mut ItemEnum) -> Vec<Item> {
    let Some(tag) = serde_value(&e.attrs, "tag") else { return Vec::new() };
    let kinds: Vec<String> =
        e.variants.iter().map(|v| serde_value(&v.attrs, "rename").unwrap_or_else(|| v.ident.to_string())).collect();
    let (name, strict_name) = (e.ident.clone(), format_ident!("Strict{}", e.ident));
    let mut strict = e.clone();
    strict.ident = strict_name.clone();
    strict.vis = syn::Visibility::Inherited;
    strict.attrs.retain(|a| a.path().is_ident("serde"));
    strict.attrs.insert(0, parse_quote!(#[derive(::serde::Deserialize)]));
    let arms: Vec<proc_macro2::TokenStream> = e
        .variants
        .iter()
        .map(|v| {
            let variant = &v.ident;
            match &v.fields {
                Fields::Unit => quote::quote! { #strict_name::#variant => Self::#variant },
                Fields::Unnamed(fields) => {
                    let bindings: Vec<_> = (0..fields.unnamed.len()).map(|i| format_ident!("field{i}")).collect();
                    quote::quote! { #strict_name::#variant(#(#bindings),*) => Self::#variant(#(#bindings),*) }
                }
                Fields::Named(fields) => {
                    let names: Vec<_> = fields.named.iter().filter_map(|f| f.ident.clone()).collect();
                    quote::quote! { #strict_name::#variant { #(#names),* } => Self::#variant { #(#names),* } }
                }
            }
        })
        .collect();
    remove_derive(&mut e.attrs, "Deserialize");
    non_exhaustive(e);
    e.variants.push(parse_quote! {
        /// A kind this version of the client does not know yet, kept as sent.
        #[serde(untagged)]
        Unknown(::serde_json::Value)
    });
    let deserialize: Item = parse_quote! {
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
                let kind = value.get(#tag).and_then(::serde_json::Value::as_str);
                if !kind.is_some_and(|kind| [#(#kinds),*].contains(&kind)) {
                    return Ok(Self::Unknown(value));
                }
                let strict: #strict_name = ::serde_json::from_value(value).map_err(<D::Error as ::serde::de::Error>::custom)?;
                Ok(match strict { #(#arms,)* })
            }
        }
    };
    vec![Item::Enum(strict), deserialize]
}

fn open_string_enum(e: &mut ItemEnum) {
    // `Unknown(String)` cannot be `Copy`.
    remove_derive(&mut e.attrs, "Copy");
    non_exhaustive(e);
    e.variants.push(parse_quote! {
        /// A value this version of the client does not know yet, kept as sent.
        #[serde(untagged)]
        Unknown(::std::string::String)
    });
}

fn add_unknown_display_arm(block: &mut ItemImpl) {
    for member in &mut block.items {
        let ImplItem::Fn(method) = member else { continue };
        for stmt in &mut method.block.stmts {
            if let syn::Stmt::Expr(Expr::Match(m), _) = stmt {
                let value = syn::Ident::new("value", Span::call_site());
                let arm: Arm = parse_quote!(Self::Unknown(ref #value) => f.write_str(#value),);
                m.arms.push(arm);
            }
        }
    }
}
