//! Params: parameter structs for operations with many optional arguments, and constructors for
//! request bodies with required fields, so that calls name what they set.
//!
//! progenitor's positional methods take every optional query or header parameter as an
//! `Option`, in alphabetical order: `list_assets(Some("image"), None, Some(50), None)` cannot be
//! read, two `Option<&str>` side by side can be swapped and still compile, and a new parameter
//! breaks every call. An operation with more than [`MAX_POSITIONAL_OPTIONAL`] optional arguments
//! gets a struct named after it instead, `params::ListAssetsParams`, whose fields are those
//! arguments as progenitor bound them (same names, same owned or borrowed types) and which
//! derives `Default`; its method takes the required arguments positionally, then the struct:
//!
//! ```ignore
//! client.list_assets(ListAssetsParams { file_type: Some("image"), limit: Some(50), ..Default::default() })
//! ```
//!
//! The `*_stream` and `wait_for_*` methods of the operation take the same struct; a stream
//! starts from the struct's cursor field when it is set.
//!
//! typify derives `Default` for every struct whose fields all have defaults. A request struct
//! with required fields gets `new(required...)` with everything else unset (or at its documented
//! default), to be completed with struct update syntax:
//! `types::CreateAvatarVideoV2Request { title: Some(..), ..types::CreateAvatarVideoV2Request::new(inputs) }`.

use std::collections::{BTreeSet, HashMap, HashSet, VecDeque};

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::visit::Visit;
use syn::{Attribute, Item, Type};

use crate::bind::{self, ARGUMENTS, Arg, Bound, MAX_POSITIONAL_OPTIONAL, MODULE, Params, arguments_doc, is_optional};
use crate::syntax::{derives, is_flattened_map, serde_default, tidy, types_module};

/// The arguments of the public method after `&self`: the positional ones in order, then the
/// struct when there is one.
pub fn public_args(bound: &Bound<'_>) -> Vec<(syn::Ident, Type)> {
    let params = bound.params.as_ref();
    let mut args: Vec<(syn::Ident, Type)> = bound
        .args
        .iter()
        .filter(|a| !params.is_some_and(|p| p.holds(a)))
        .map(|a| (a.ident.clone(), a.ty.clone()))
        .collect();
    if let Some(params) = params {
        args.push((params.arg.clone(), params.ty()));
    }
    args
}

/// The `params` module with every operation's struct; none when no operation needs one.
pub fn module(operations: &[Bound<'_>]) -> Option<Item> {
    let structs: Vec<TokenStream> = operations
        .iter()
        .filter_map(|bound| bound.params.as_ref().map(|params| struct_tokens(bound, params)))
        .collect();
    if structs.is_empty() {
        return None;
    }
    let module = format_ident!("{MODULE}");
    let doc = format!(
        "Optional arguments of the operations that have more than {MAX_POSITIONAL_OPTIONAL}, one struct per \
         operation, named after its method. Build them with `..Default::default()`, so that a \
         parameter added later does not break the call."
    );
    Some(syn::parse_quote! {
        #[doc = #doc]
        pub mod #module {
            #[allow(unused_imports)]
            use super::types;
            #(#structs)*
        }
    })
}

fn struct_tokens(bound: &Bound<'_>, params: &Params) -> TokenStream {
    let docs = argument_docs(&bound.method.attrs);
    let fields = params.fields.iter().map(|field| {
        let (ident, ty) = (&field.ident, &field.ty);
        let doc = docs.get(&ident.to_string()).cloned().unwrap_or_else(|| match &field.wire {
            bind::Wire::Parameter(location, name) => format!("The `{name}` {} parameter.", location.as_str()),
            bind::Wire::Body => "The request body.".to_owned(),
        });
        quote! {
            #[doc = #doc]
            pub #ident: #ty,
        }
    });
    let (name, lifetimes) = (&params.name, &params.lifetimes);
    let generics = (!lifetimes.is_empty()).then(|| quote!(<#(#lifetimes),*>));
    let doc = format!(
        "The optional arguments of [`Client::{method}`](super::Client::{method}); `None` leaves one out.",
        method = bound.ident()
    );
    quote! {
        #[doc = #doc]
        #[derive(Clone, Debug, Default)]
        pub struct #name #generics {
            #(#fields)*
        }
    }
}

/// What progenitor's method docs say of each argument: the `- `name`: text` entries after its
/// `Arguments:` line, by the argument's Rust name.
fn argument_docs(attrs: &[Attribute]) -> HashMap<String, String> {
    let mut out = HashMap::new();
    let Some(text) = attrs.iter().find_map(arguments_doc) else { return out };
    let Some((_, list)) = text.split_once(ARGUMENTS) else { return out };
    let mut current: Option<(String, String)> = None;
    for line in list.lines() {
        if let Some(entry) = line.strip_prefix("- `")
            && let Some((name, text)) = entry.split_once("`: ")
        {
            out.extend(current.take());
            current = Some((name.to_owned(), text.trim().to_owned()));
        } else if let Some((_, text)) = &mut current
            && !line.trim().is_empty()
        {
            text.push(' ');
            text.push_str(line.trim());
        }
    }
    out.extend(current);
    out
}

/// `new(required...)` for every struct of `types` that request bodies reach, has required
/// fields, and lacks `Default`; as items to add to the `types` module.
pub fn body_constructors(file: &syn::File, operations: &[Bound<'_>]) -> Vec<Item> {
    let Some(types) = types_module(file) else { return Vec::new() };
    let by_name: HashMap<String, &Item> = types.iter().filter_map(|item| Some((type_name(item)?, item))).collect();
    let with_default: HashSet<String> = types.iter().filter_map(default_impl).collect();
    reached_from_bodies(types, operations)
        .iter()
        .filter(|name| !with_default.contains(*name))
        .filter_map(|name| match by_name.get(name) {
            Some(Item::Struct(s)) => constructor(s),
            _ => None,
        })
        .collect()
}

/// The name of every type a request body reaches, walking field types from the body types.
pub(crate) fn reached_from_bodies(types: &[Item], operations: &[Bound<'_>]) -> BTreeSet<String> {
    let by_name: HashMap<String, &Item> = types.iter().filter_map(|item| Some((type_name(item)?, item))).collect();
    // Every type a request body reaches, walking field types from the body types.
    let mut queue: VecDeque<String> = operations
        .iter()
        .flat_map(|b| &b.args)
        .filter(|a| a.wire == bind::Wire::Body)
        .flat_map(|a| named_types(&a.ty))
        .collect();
    let mut reached = BTreeSet::new();
    while let Some(name) = queue.pop_front() {
        let Some(item) = by_name.get(&name) else { continue };
        if !reached.insert(name) {
            continue;
        }
        let mut walk = Paths::default();
        walk.visit_item(item);
        queue.extend(walk.0);
    }
    reached
}

fn type_name(item: &Item) -> Option<String> {
    match item {
        Item::Struct(s) => Some(s.ident.to_string()),
        Item::Enum(e) => Some(e.ident.to_string()),
        _ => None,
    }
}

/// The type an item gives `Default`, by derive or by impl.
pub(crate) fn default_impl(item: &Item) -> Option<String> {
    match item {
        Item::Struct(s) if derives(&s.attrs, "Default") => Some(s.ident.to_string()),
        Item::Impl(block)
            if block
                .trait_
                .as_ref()
                .is_some_and(|(path, _)| path.segments.last().is_some_and(|s| s.ident == "Default")) =>
        {
            match &*block.self_ty {
                Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
                _ => None,
            }
        }
        _ => None,
    }
}

/// The last segment of every path in `ty` (`VideoInput` in `Vec<VideoInput>`).
fn named_types(ty: &Type) -> Vec<String> {
    let mut walk = Paths::default();
    walk.visit_type(ty);
    walk.0
}

#[derive(Default)]
struct Paths(Vec<String>);

impl Visit<'_> for Paths {
    fn visit_path(&mut self, path: &syn::Path) {
        if let Some(last) = path.segments.last() {
            self.0.push(last.ident.to_string());
        }
        syn::visit::visit_path(self, path);
    }
    // Attributes and impl bodies name serde helpers and std items, not field types.
    fn visit_attribute(&mut self, _: &Attribute) {}
}

/// `impl X { pub fn new(required...) -> Self }`, for a struct with both required fields and
/// fields that have a default.
fn constructor(s: &syn::ItemStruct) -> Option<Item> {
    let syn::Fields::Named(fields) = &s.fields else { return None };
    let mut required = Vec::new();
    let mut inits = Vec::new();
    for field in &fields.named {
        let ident = field.ident.as_ref()?;
        let value = if is_optional(&field.ty) {
            quote!(::std::option::Option::None)
        } else if is_flattened_map(field) {
            // The properties a schema leaves open (`additionalProperties`): none by default.
            quote!(::std::default::Default::default())
        } else {
            match serde_default(&field.attrs) {
                Some(None) => quote!(::std::default::Default::default()),
                Some(Some(function)) => quote!(#function()),
                None => {
                    required.push(field);
                    quote!(::std::convert::Into::into(#ident))
                }
            }
        };
        inits.push(quote!(#ident: #value));
    }
    if required.is_empty() || required.len() == fields.named.len() {
        return None;
    }
    let params = required.iter().map(|f| {
        let (ident, ty) = (&f.ident, &f.ty);
        quote!(#ident: impl ::std::convert::Into<#ty>)
    });
    let names: Vec<String> = required.iter().filter_map(|f| f.ident.as_ref()).map(|i| format!("`{i}`")).collect();
    let doc = format!(
        "The required fields ({}) as given, every other one unset or at its default; set more with \
         `{name} {{ field: ..., ..{name}::new(...) }}`.",
        names.join(", "),
        name = s.ident,
    );
    let name = &s.ident;
    Some(syn::parse_quote! {
        impl #name {
            #[doc = #doc]
            pub fn new(#(#params),*) -> Self {
                Self { #(#inits),* }
            }
        }
    })
}

/// The struct's type as a caller sees it, for the surface listing: `name: Type` of each field.
pub fn field_listing(file: &syn::File, ty: &Type) -> Option<Vec<String>> {
    let Type::Path(path) = ty else { return None };
    let segments: Vec<&syn::PathSegment> = path.path.segments.iter().collect();
    let [module, name] = segments.as_slice() else { return None };
    if module.ident != MODULE {
        return None;
    }
    let items = file.items.iter().find_map(|item| match item {
        Item::Mod(m) if m.ident == MODULE => m.content.as_ref().map(|(_, items)| items),
        _ => None,
    })?;
    let fields = items.iter().find_map(|item| match item {
        Item::Struct(s) if s.ident == name.ident => Some(&s.fields),
        _ => None,
    })?;
    Some(fields.iter().filter_map(|f| Some(format!("{}: {}", f.ident.as_ref()?, tidy(&f.ty)))).collect())
}

/// A struct literal of the operation's struct with every field given by `value`, its type
/// reached through `module` (the generated file's own module when `None`).
pub fn literal(module: Option<&syn::Path>, params: &Params, value: impl Fn(&Arg) -> TokenStream) -> TokenStream {
    let (inner, name) = (format_ident!("{MODULE}"), &params.name);
    let fields = params.fields.iter().map(|f| {
        let (ident, value) = (&f.ident, value(f));
        quote!(#ident: #value)
    });
    match module {
        Some(module) => quote!(#module::#inner::#name { #(#fields),* }),
        None => quote!(#inner::#name { #(#fields),* }),
    }
}
