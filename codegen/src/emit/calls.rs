//! Calls: a dispatch table from `operationId` to a typed call of the generated client, for test
//! drivers that exercise every operation generically (the Prism contract test).
//!
//! Each arm reads the operation's arguments from a `heygen_tests::calls::Input` by the spec's
//! parameter names (the request body by `body`), converts them to the method's Rust types with
//! serde, calls the method and hands its reply back as JSON. The file is generated from the
//! model and the bound methods, so a new operation is covered without hand edits and
//! `cargo xtask check` keeps it fresh.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::{GenericArgument, PathArguments, Type};

use crate::bind::{Arg, Bound};
use crate::emit::params;

/// What the generated file needs from its crate, `heygen-tests`.
const INPUT: &str = "crate::calls::Input";
const CALL_ERROR: &str = "crate::calls::CallError";
const REPLY: &str = "crate::calls::Reply";

/// The dispatch table's code for the bound operations of the client in `module` (the path of
/// the module that exports its `Client` and `types`, such as `heygen_client::legacy`).
pub fn tokens(module: &str, operations: &[Bound<'_>]) -> TokenStream {
    let module: syn::Path = syn::parse_str(module).expect("a module path");
    let ids: Vec<&str> = operations.iter().map(|b| b.op.id.as_str()).collect();
    let arms = operations.iter().map(|bound| arm(&module, bound));
    let (input, call_error, reply): (syn::Path, syn::Path, syn::Path) = (
        syn::parse_str(INPUT).expect("a path"),
        syn::parse_str(CALL_ERROR).expect("a path"),
        syn::parse_str(REPLY).expect("a path"),
    );
    let count = ids.len();
    quote! {
        use #module::{Client, types};

        /// Every operation of the spec, in document order.
        pub const OPERATIONS: [&str; #count] = [#(#ids),*];

        /// Calls `operation_id` on `client` with arguments read from `input`.
        ///
        /// Fails with `CallError::UnknownOperation` for an id the spec does not have, with
        /// `CallError::Input` when an argument is missing or does not fit its Rust type, and with
        /// `CallError::Client` when the client's call fails.
        #[allow(deprecated, unused_variables)]
        pub async fn call(client: &Client, operation_id: &str, input: &#input) -> Result<#reply, #call_error> {
            match operation_id {
                #(#arms)*
                _ => Err(#call_error::UnknownOperation(operation_id.to_owned())),
            }
        }
    }
}

/// One match arm: read each argument, call the method, wrap the reply.
fn arm(module: &syn::Path, bound: &Bound<'_>) -> TokenStream {
    let generics: Vec<String> = bound.method.sig.generics.type_params().map(|p| p.ident.to_string()).collect();
    let (reads, passes): (Vec<_>, Vec<_>) = bound
        .args
        .iter()
        .enumerate()
        // Numbered by position in progenitor's signature, `&self` being 0.
        .map(|(index, arg)| conversion(arg, &generics, &format_ident!("arg{}", index + 1)))
        .unzip();
    // Arguments held by the operation's parameters struct are passed in it, after the others.
    let params = &bound.params;
    let held = |arg: &Arg| params.as_ref().is_some_and(|p| p.holds(arg));
    let mut args: Vec<TokenStream> =
        bound.args.iter().zip(&passes).filter(|(arg, _)| !held(arg)).map(|(_, pass)| pass.clone()).collect();
    if let Some(params) = params {
        args.push(params::literal(Some(module), params, |field| {
            let index = bound.args.iter().position(|a| a.ident == field.ident).expect("a field is an argument");
            passes[index].clone()
        }));
    }
    let (id, name) = (&bound.op.id, bound.ident());
    let reply: syn::Path = syn::parse_str(REPLY).expect("a path");
    let call_error: syn::Path = syn::parse_str(CALL_ERROR).expect("a path");
    quote! {
        #id => {
            #(#reads)*
            let reply = client.#name(#(#args),*).await.map_err(#call_error::Client)?;
            Ok(#reply::new(reply))
        }
    }
}

/// How `arg` is read from the input under its wire name and passed to the method.
fn conversion(arg: &Arg, generics: &[String], var: &syn::Ident) -> (TokenStream, TokenStream) {
    let key = arg.wire.key();
    match &arg.ty {
        // `&'a str` and `&'a types::Body`: read an owned value, pass a reference.
        Type::Reference(reference) => {
            let owned = owned_of(&reference.elem);
            let read = if key == "body" { quote!(input.body()?) } else { quote!(input.param(#key)?) };
            (quote! { let #var: #owned = #read; }, quote!(&#var))
        }
        // A form: the input's bytes as its `file` field.
        Type::Path(path) if path.path.segments.last().is_some_and(|s| s.ident == "Form") => {
            let read = quote! {
                let #var = ::reqwest::multipart::Form::new()
                    .part("file", ::reqwest::multipart::Part::bytes(input.bytes()?).file_name("upload.bin"));
            };
            (read, quote!(#var))
        }
        // A generic body (`B: Into<reqwest::Body>`): raw bytes.
        Type::Path(path) if generics.iter().any(|g| path.path.is_ident(g)) => {
            (quote! { let #var: ::std::vec::Vec<u8> = input.bytes()?; }, quote!(#var))
        }
        // `Option<&'a str>` or `Option<&'a T>`: read an owned option, pass it borrowed.
        Type::Path(path) if option_of_reference(path).is_some() => {
            let referenced = option_of_reference(path).expect("checked");
            let is_str = matches!(referenced, Type::Path(p) if p.path.is_ident("str"));
            let inner = owned_of(referenced);
            let pass = if is_str { quote!(#var.as_deref()) } else { quote!(#var.as_ref()) };
            (quote! { let #var: ::std::option::Option<#inner> = input.param(#key)?; }, pass)
        }
        // Owned values (`Option<i32>`, `types::AssetContentType`) are read as they are.
        ty => (quote! { let #var: #ty = input.param(#key)?; }, quote!(#var)),
    }
}

/// The owned type behind a reference: `str` becomes `String`, anything else stays.
fn owned_of(ty: &Type) -> TokenStream {
    match ty {
        Type::Path(p) if p.path.is_ident("str") => quote!(::std::string::String),
        other => quote!(#other),
    }
}

/// `T` when `path` is `Option<&T>`.
fn option_of_reference(path: &syn::TypePath) -> Option<&Type> {
    let last = path.path.segments.last().filter(|s| s.ident == "Option")?;
    let PathArguments::AngleBracketed(args) = &last.arguments else { return None };
    match args.args.first()? {
        GenericArgument::Type(Type::Reference(reference)) => Some(&reference.elem),
        _ => None,
    }
}
