//! Syntax: small questions and edits on `syn` trees that belong to no stage (a serde attribute's
//! value, a type's generic argument, the typed arguments of a method, display text of tokens),
//! and the one case rule for names the generator makes up itself (`pascal_case`).
//! A leaf: it imports nothing from the crate, so every stage can use it without a cycle.

use quote::ToTokens;
use syn::punctuated::Punctuated;
use syn::{Attribute, Expr, FnArg, GenericArgument, ImplItem, ImplItemFn, Item, Meta, Pat, PathArguments, Token, Type};

/// The inherent methods of `Client` in `file`.
pub fn client_methods(file: &syn::File) -> impl Iterator<Item = &ImplItemFn> {
    file.items
        .iter()
        .filter_map(|item| match item {
            Item::Impl(block) if is_inherent_client_impl(block) => Some(block),
            _ => None,
        })
        .flat_map(|block| &block.items)
        .filter_map(|member| match member {
            ImplItem::Fn(method) => Some(method),
            _ => None,
        })
}

pub fn is_inherent_client_impl(block: &syn::ItemImpl) -> bool {
    block.trait_.is_none() && matches!(&*block.self_ty, Type::Path(p) if p.path.is_ident("Client"))
}

/// The typed arguments of `sig` after `&self` that bind a plain name, as `(name, type)`.
pub fn typed_args(sig: &syn::Signature) -> impl Iterator<Item = (&syn::Ident, &Type)> {
    sig.inputs.iter().filter_map(|arg| match arg {
        FnArg::Typed(arg) => match &*arg.pat {
            Pat::Ident(ident) => Some((&ident.ident, &*arg.ty)),
            _ => None,
        },
        FnArg::Receiver(_) => None,
    })
}

/// `T` when `ty` is `Name<T, ...>` (by the last path segment).
pub fn generic_arg<'t>(ty: &'t Type, name: &str) -> Option<&'t Type> {
    let Type::Path(path) = ty else { return None };
    let last = path.path.segments.last().filter(|s| s.ident == name)?;
    let PathArguments::AngleBracketed(args) = &last.arguments else { return None };
    match args.args.first()? {
        GenericArgument::Type(inner) => Some(inner),
        _ => None,
    }
}

/// The items of the `types` module in `file` (typify's output inside progenitor's).
pub fn types_module(file: &syn::File) -> Option<&[Item]> {
    file.items.iter().find_map(|item| match item {
        Item::Mod(m) if m.ident == "types" => m.content.as_ref().map(|(_, items)| items.as_slice()),
        _ => None,
    })
}

/// The string value of `key = "..."` in an item's `#[serde(...)]` attributes.
pub fn serde_value(attrs: &[Attribute], key: &str) -> Option<String> {
    attrs.iter().filter(|a| a.path().is_ident("serde")).find_map(|a| {
        let Meta::List(list) = &a.meta else { return None };
        let tokens: Vec<_> = list.tokens.clone().into_iter().collect();
        tokens.windows(3).find_map(|w| match (&w[0], &w[2]) {
            (proc_macro2::TokenTree::Ident(k), proc_macro2::TokenTree::Literal(v)) if k == key => {
                syn::parse_str::<syn::LitStr>(&v.to_string()).ok().map(|lit| lit.value())
            }
            _ => None,
        })
    })
}

/// Whether an item's `#[serde(...)]` attributes mention `key` (`tag`, `untagged`).
pub fn has_serde(attrs: &[Attribute], key: &str) -> bool {
    attrs.iter().filter(|a| a.path().is_ident("serde")).any(|a| match &a.meta {
        Meta::List(list) => list.tokens.clone().into_iter().any(|t| t.to_string() == key),
        _ => false,
    })
}

/// `Some(None)` for `#[serde(default)]`, `Some(Some(path))` for `#[serde(default = "path")]`.
pub fn serde_default(attrs: &[Attribute]) -> Option<Option<syn::ExprPath>> {
    let mut found = None;
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("default") {
                found = Some(if meta.input.peek(syn::Token![=]) {
                    let path: syn::LitStr = meta.value()?.parse()?;
                    Some(path.parse()?)
                } else {
                    None
                });
            } else if meta.input.peek(syn::Token![=]) {
                meta.value()?.parse::<Expr>()?;
            }
            Ok(())
        });
    }
    found
}

/// `#[serde(flatten)]` on a map: typify's home for `additionalProperties`.
pub fn is_flattened_map(field: &syn::Field) -> bool {
    let flattened = field.attrs.iter().filter(|a| a.path().is_ident("serde")).any(|a| {
        let mut found = false;
        let _ = a.parse_nested_meta(|meta| {
            found |= meta.path.is_ident("flatten");
            if meta.input.peek(syn::Token![=]) {
                meta.value()?.parse::<Expr>()?;
            }
            Ok(())
        });
        found
    });
    let map = matches!(&field.ty, Type::Path(p) if p.path.segments.last().is_some_and(|s| ["BTreeMap", "HashMap", "Map"].contains(&s.ident.to_string().as_str())));
    flattened && map
}

/// Whether an item derives `name` (by the last segment of the derived path).
pub fn derives(attrs: &[Attribute], name: &str) -> bool {
    attrs.iter().filter(|a| a.path().is_ident("derive")).any(|a| {
        let mut found = false;
        let _ = a.parse_nested_meta(|meta| {
            found |= meta.path.segments.last().is_some_and(|s| s.ident == name);
            Ok(())
        });
        found
    })
}

/// Takes `name` out of an item's derives.
pub fn remove_derive(attrs: &mut [Attribute], name: &str) {
    for attr in attrs.iter_mut().filter(|a| a.path().is_ident("derive")) {
        if let Meta::List(list) = &mut attr.meta {
            let kept: Punctuated<syn::Path, Token![,]> = list
                .parse_args_with(Punctuated::<syn::Path, Token![,]>::parse_terminated)
                .map(|paths| paths.into_iter().filter(|p| p.segments.last().is_none_or(|s| s.ident != name)).collect())
                .unwrap_or_default();
            list.tokens = quote::quote!(#kept);
        }
    }
}

/// Token text with the spaces `to_string` puts around punctuation removed, for display.
pub fn tidy(tokens: &impl ToTokens) -> String {
    let text = tokens.to_token_stream().to_string();
    let mut text = text.replace(" :: ", "::").replace(":: ", "::").replace(" < ", "<").replace("< ", "<");
    text = text.replace(" >", ">").replace(" ,", ",").replace("& ", "&").replace("' ", "'");
    text.replace("impl::", "impl ::").replace(",>", ">")
}

/// `create_video` as `CreateVideo`: the one case rule, for names the generator makes up itself
/// (`bind`'s `{Method}Params` structs, heygen-mock's per-operation stub markers). Names of
/// progenitor's items are read from the items, never derived with it.
pub fn pascal_case(id: &str) -> String {
    id.split(['_', '-', '.'])
        .filter(|part| !part.is_empty())
        .map(|part| {
            let mut chars = part.chars();
            chars.next().map(|c| c.to_ascii_uppercase().to_string() + chars.as_str()).unwrap_or_default()
        })
        .collect()
}
