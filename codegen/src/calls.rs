//! Calls: a dispatch table from `operationId` to a typed call of the generated client, for test
//! drivers that exercise every operation generically (the Prism contract test).
//!
//! Each arm reads the operation's arguments from a `heygen_tests::calls::Input` by the spec's
//! parameter names (the request body by `body`), converts them to the method's Rust types with
//! serde, calls the method and hands its reply back as JSON. The file is generated from the spec
//! and the generated client's signatures, so a new operation is covered without hand edits and
//! `cargo xtask check` keeps it fresh.

use openapiv3::{OpenAPI, Parameter, ReferenceOr};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::{FnArg, GenericArgument, ImplItem, Item, Pat, PathArguments, Type};

use crate::error::Error;

/// What the generated file needs from its crate, `heygen-tests`.
const INPUT: &str = "crate::calls::Input";
const CALL_ERROR: &str = "crate::calls::CallError";
const REPLY: &str = "crate::calls::Reply";

/// The dispatch table's code, for the spec and the client code generated from it.
pub fn calls_tokens(openapi: &OpenAPI, client: &syn::File) -> Result<TokenStream, Error> {
    let methods = client_methods(client);
    let mut ids = Vec::new();
    let mut arms = Vec::new();
    for (_, item) in openapi.paths.iter() {
        let Some(item) = item.as_item() else { continue };
        for (_, op) in item.iter() {
            let Some(id) = op.operation_id.as_deref() else { continue };
            let method = methods
                .iter()
                .find(|m| m.sig.ident == id)
                .ok_or_else(|| Error::Generator(format!("the client has no method for operation {id}")))?;
            let spec_params: Vec<&Parameter> =
                item.parameters.iter().chain(&op.parameters).filter_map(|p| resolve_parameter(openapi, p)).collect();
            arms.push(arm(id, method, &spec_params)?);
            ids.push(id);
        }
    }
    let (input, call_error, reply): (syn::Path, syn::Path, syn::Path) = (
        syn::parse_str(INPUT).expect("a path"),
        syn::parse_str(CALL_ERROR).expect("a path"),
        syn::parse_str(REPLY).expect("a path"),
    );
    let count = ids.len();
    Ok(quote! {
        use heygen_client::{Client, types};

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
    })
}

/// The public operation methods of `impl Client` (the private `raw_*` ones are skipped).
fn client_methods(client: &syn::File) -> Vec<&syn::ImplItemFn> {
    client
        .items
        .iter()
        .filter_map(|item| match item {
            Item::Impl(block)
                if block.trait_.is_none() && matches!(&*block.self_ty, Type::Path(p) if p.path.is_ident("Client")) =>
            {
                Some(block)
            }
            _ => None,
        })
        .flat_map(|block| &block.items)
        .filter_map(|member| match member {
            ImplItem::Fn(method) if matches!(method.vis, syn::Visibility::Public(_)) => Some(method),
            _ => None,
        })
        .collect()
}

fn resolve_parameter<'a>(openapi: &'a OpenAPI, p: &'a ReferenceOr<Parameter>) -> Option<&'a Parameter> {
    match p {
        ReferenceOr::Item(p) => Some(p),
        ReferenceOr::Reference { reference } => {
            let name = reference.strip_prefix("#/components/parameters/")?;
            openapi.components.as_ref()?.parameters.get(name)?.as_item()
        }
    }
}

/// One match arm: read each argument, call the method, wrap the reply.
fn arm(id: &str, method: &syn::ImplItemFn, spec_params: &[&Parameter]) -> Result<TokenStream, Error> {
    let generics: Vec<String> = method.sig.generics.type_params().map(|p| p.ident.to_string()).collect();
    let mut reads = Vec::new();
    let mut args = Vec::new();
    for (index, input) in method.sig.inputs.iter().enumerate() {
        let FnArg::Typed(input) = input else { continue };
        let Pat::Ident(ident) = &*input.pat else {
            return Err(Error::Generator(format!("{id}: argument {index} is not a plain name")));
        };
        let rust_name = ident.ident.to_string();
        let var = format_ident!("arg{index}");
        let key = if rust_name == "body" {
            "body".to_owned()
        } else {
            spec_params
                .iter()
                .find(|p| normalize(&p.parameter_data_ref().name) == normalize(&rust_name))
                .map(|p| p.parameter_data_ref().name.clone())
                .ok_or_else(|| Error::Generator(format!("{id}: no spec parameter for argument `{rust_name}`")))?
        };
        let (read, arg) = conversion(&input.ty, &generics, &key, &var);
        reads.push(read);
        args.push(arg);
    }
    let name = &method.sig.ident;
    let reply: syn::Path = syn::parse_str(REPLY).expect("a path");
    let call_error: syn::Path = syn::parse_str(CALL_ERROR).expect("a path");
    Ok(quote! {
        #id => {
            #(#reads)*
            let reply = client.#name(#(#args),*).await.map_err(#call_error::Client)?;
            Ok(#reply::new(reply))
        }
    })
}

/// How an argument of type `ty` is read from the input under `key` and passed to the method.
fn conversion(ty: &Type, generics: &[String], key: &str, var: &syn::Ident) -> (TokenStream, TokenStream) {
    match ty {
        // `&'a str` and `&'a types::Body`: read an owned value, pass a reference.
        Type::Reference(reference) => {
            let owned = owned_of(&reference.elem);
            let read = if key == "body" { quote!(input.body()?) } else { quote!(input.param(#key)?) };
            (quote! { let #var: #owned = #read; }, quote!(&#var))
        }
        // A generic body (`B: Into<reqwest::Body>`): raw bytes.
        Type::Path(path) if generics.iter().any(|g| path.path.is_ident(g)) => {
            (quote! { let #var: ::std::vec::Vec<u8> = input.bytes()?; }, quote!(#var))
        }
        // `Option<&'a str>`: read an owned option, pass it borrowed.
        Type::Path(path) if option_of_reference(path).is_some() => {
            let inner = owned_of(option_of_reference(path).expect("checked"));
            (quote! { let #var: ::std::option::Option<#inner> = input.param(#key)?; }, quote!(#var.as_deref()))
        }
        // Owned values (`Option<i32>`, `types::AssetContentType`) are read as they are.
        _ => (quote! { let #var: #ty = input.param(#key)?; }, quote!(#var)),
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

/// A parameter name as progenitor turns it into an identifier, for matching: `Content-Type`
/// and `content_type` match, and so do `type` and `type_`.
fn normalize(name: &str) -> String {
    let snake: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' }).collect();
    snake.trim_matches('_').to_owned()
}
