//! Shapes: two rewrites of typify's types that make requests readable Rust, run before the
//! body constructors are emitted (so the structs made here get theirs).
//!
//! - A nullable named scalar (`VideoTitle: {type: [string, 'null']}`) is a newtype of an
//!   `Option` to typify, so an optional field of it reads `Option<VideoTitle(Option<String>)>`
//!   and callers write `Some(VideoTitle(Some(..)))`. Such a field becomes `Option<String>`: its
//!   `None` already leaves the field out (or reads a `null`), which is all the inner `Option`
//!   said. The newtype stays for fields that are required.
//! - A variant with fields of a tagged union that a request body reaches
//!   (`CreateVideoRequest::Avatar { .. 25 fields }`) cannot be built with
//!   `..Default::default()`. Each becomes a newtype variant over a struct of its own, named by
//!   the variant's title in the spec where it has one (`CreateVideoFromAvatar`), else
//!   `<Union><Variant>`, with `From<struct> for <Union>`; the struct then gets `Default` (all
//!   fields optional) or `new(required...)` like any request struct. The JSON is the same:
//!   serde writes the tag into the variant's struct.

use std::collections::{BTreeSet, HashMap};

use quote::format_ident;
use syn::visit_mut::VisitMut;
use syn::{Fields, GenericArgument, Item, PathArguments, Type, parse_quote};

use crate::bind::Bound;
use crate::emit::params;

/// Both rewrites, for documents in HeyGen's v3 dialect (OpenAPI 3.1, `v3_dialect`) only: the
/// retired legacy client keeps the shapes its users wrote code against, and in it a newtype of
/// an `Option` can carry meaning (`update_webhook_endpoint`'s `events: null` subscribes to
/// every event, unlike leaving `events` out), which v3 requests do not give `null`.
pub fn apply(file: &mut syn::File, operations: &[Bound<'_>], v3_dialect: bool) {
    let Some(types) = types_mut(file) else { return };
    if !v3_dialect {
        return;
    }
    unwrap_optional_newtypes(types);
    let reached = params::reached_from_bodies(types, operations);
    split_request_unions(types, &reached);
}

fn types_mut(file: &mut syn::File) -> Option<&mut Vec<Item>> {
    file.items.iter_mut().find_map(|item| match item {
        Item::Mod(m) if m.ident == "types" => m.content.as_mut().map(|(_, items)| items),
        _ => None,
    })
}

/// `T` in `Option<T>` (any path ending in `Option`).
pub(crate) fn option_inner(ty: &Type) -> Option<&Type> {
    let Type::Path(path) = ty else { return None };
    let last = path.path.segments.last()?;
    if last.ident != "Option" {
        return None;
    }
    match &last.arguments {
        PathArguments::AngleBracketed(args) => match args.args.first()? {
            GenericArgument::Type(inner) => Some(inner),
            _ => None,
        },
        _ => None,
    }
}

/// Every `struct X(pub Option<T>)`: `X` -> `T`.
pub(crate) fn optional_newtypes(types: &[Item]) -> HashMap<String, Type> {
    types
        .iter()
        .filter_map(|item| match item {
            Item::Struct(s) => match &s.fields {
                Fields::Unnamed(fields) if fields.unnamed.len() == 1 => {
                    let inner = option_inner(&fields.unnamed[0].ty)?;
                    Some((s.ident.to_string(), inner.clone()))
                }
                _ => None,
            },
            _ => None,
        })
        .collect()
}

fn unwrap_optional_newtypes(types: &mut [Item]) {
    struct Unwrap(HashMap<String, Type>);
    impl VisitMut for Unwrap {
        fn visit_type_mut(&mut self, ty: &mut Type) {
            if let Some(inner) = option_inner(ty)
                && let Type::Path(p) = inner
                && p.qself.is_none()
                && let Some(last) = p.path.segments.last()
                && p.path.segments.len() == 1
                && let Some(unwrapped) = self.0.get(&last.ident.to_string())
            {
                *ty = parse_quote!(::std::option::Option<#unwrapped>);
                return;
            }
            syn::visit_mut::visit_type_mut(self, ty);
        }
    }
    let mut unwrap = Unwrap(optional_newtypes(types));
    for item in types.iter_mut() {
        match item {
            // Only the fields of data types: the newtypes' own impls keep their `Option`s.
            Item::Struct(s) => {
                for field in s.fields.iter_mut() {
                    unwrap.visit_type_mut(&mut field.ty);
                }
            }
            Item::Enum(e) => {
                for variant in &mut e.variants {
                    for field in variant.fields.iter_mut() {
                        unwrap.visit_type_mut(&mut field.ty);
                    }
                }
            }
            _ => {}
        }
    }
}

fn split_request_unions(types: &mut Vec<Item>, reached: &BTreeSet<String>) {
    let mut names: BTreeSet<String> = types
        .iter()
        .filter_map(|item| match item {
            Item::Struct(s) => Some(s.ident.to_string()),
            Item::Enum(e) => Some(e.ident.to_string()),
            _ => None,
        })
        .collect();
    let mut added = Vec::new();
    for item in types.iter_mut() {
        let Item::Enum(e) = item else { continue };
        let tagged = crate::syntax::serde_value(&e.attrs, "tag").is_some();
        if !tagged || !reached.contains(&e.ident.to_string()) {
            continue;
        }
        let union = e.ident.clone();
        let derives: Vec<syn::Attribute> = e.attrs.iter().filter(|a| a.path().is_ident("derive")).cloned().collect();
        for variant in &mut e.variants {
            let Fields::Named(fields) = &variant.fields else { continue };
            let title = title_of(&variant.attrs).filter(|t| !names.contains(t));
            let name = title.unwrap_or_else(|| format!("{union}{}", variant.ident));
            if !names.insert(name.clone()) {
                continue;
            }
            let ident = format_ident!("{name}");
            let docs: Vec<&syn::Attribute> = variant.attrs.iter().filter(|a| a.path().is_ident("doc")).collect();
            let fields = fields.clone();
            let all_optional = fields.named.iter().all(|f| option_inner(&f.ty).is_some());
            let default: Option<syn::Attribute> = all_optional.then(|| parse_quote!(#[derive(Default)]));
            let mut structure: syn::ItemStruct = parse_quote! {
                #(#docs)*
                #(#derives)*
                #default
                pub struct #ident #fields
            };
            for field in structure.fields.iter_mut() {
                field.vis = parse_quote!(pub);
            }
            added.push(Item::Struct(structure));
            let variant_ident = &variant.ident;
            let doc = format!("A [`{name}`] is a `{union}::{variant_ident}`.");
            added.push(parse_quote! {
                #[doc = #doc]
                impl ::std::convert::From<#ident> for #union {
                    fn from(value: #ident) -> Self {
                        Self::#variant_ident(value)
                    }
                }
            });
            variant.fields = Fields::Unnamed(parse_quote!((#ident)));
        }
    }
    types.extend(added);
}

/// The title typify puts first in a variant's docs (`CreateVideoFromAvatar`), when it is a
/// Rust type name.
fn title_of(attrs: &[syn::Attribute]) -> Option<String> {
    let first = attrs.iter().find_map(|a| match &a.meta {
        syn::Meta::NameValue(nv) if nv.path.is_ident("doc") => match &nv.value {
            syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(text), .. }) => Some(text.value()),
            _ => None,
        },
        _ => None,
    })?;
    let line = first.lines().next()?.trim().to_owned();
    let is_type_name =
        line.chars().next().is_some_and(|c| c.is_ascii_uppercase()) && line.chars().all(|c| c.is_ascii_alphanumeric());
    is_type_name.then_some(line)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Document;

    /// Issue 25: no field of the checked-in v3 client is an `Option` of a newtype of an `Option`
    /// (`Option<VideoCallbackId(Option<String>)>`, which made callers write
    /// `Some(VideoCallbackId(Some(..)))`), and no request union has a variant with inline fields,
    /// which could not be built with `..Default::default()` or `new(...)`. The checked-in file is
    /// what generation gives (the freshness test), so reading it tests both rewrites end to end.
    #[test]
    fn v3_requests_are_plain_rust() {
        let workspace =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("codegen/ is in the workspace");
        let path = workspace.join(Document::V3.client_path());
        let source = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let mut file: syn::File = syn::parse_file(&source).unwrap();
        let types = types_mut(&mut file).expect("a types module");
        let newtypes = optional_newtypes(types);
        assert!(newtypes.contains_key("VideoCallbackId"), "the check finds the newtypes: {:?}", newtypes.keys());
        let mut found = Vec::new();
        for item in types.iter() {
            let (name, fields): (&syn::Ident, Vec<&syn::Field>) = match item {
                Item::Struct(s) => (&s.ident, s.fields.iter().collect()),
                Item::Enum(e) => (&e.ident, e.variants.iter().flat_map(|v| v.fields.iter()).collect()),
                _ => continue,
            };
            for field in fields {
                let Some(Type::Path(inner)) = option_inner(&field.ty) else { continue };
                if let Some(last) = inner.path.segments.last()
                    && newtypes.contains_key(&last.ident.to_string())
                {
                    found.push(format!("{name}: {}", last.ident));
                }
            }
        }
        assert!(found.is_empty(), "Option of a newtype of an Option: {found:#?}");
        let request = types
            .iter()
            .find_map(|item| match item {
                Item::Enum(e) if e.ident == "CreateVideoRequest" => Some(e),
                _ => None,
            })
            .expect("CreateVideoRequest");
        for variant in &request.variants {
            assert!(
                !matches!(variant.fields, Fields::Named(_)),
                "CreateVideoRequest::{} has inline fields",
                variant.ident
            );
        }
    }
}
