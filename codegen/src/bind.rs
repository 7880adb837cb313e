//! Bind: progenitor's generated items tied to the model, once.
//!
//! Each operation's method is found by the `operation_id` progenitor writes into its body, and
//! each argument by where the body sends it (`QueryParam::new("wire", &arg)`, a header
//! `append("Wire", arg...)`, `encode_path(&arg...)` in the URL, `.json(&arg)`). Reply fields are
//! found in the generated `types` by their `#[serde(rename)]` or identifier. So the Rust names
//! come from the generated items themselves, never from a copy of progenitor's or typify's
//! naming rules.
//!
//! Binding also plans each operation's parameters struct ([`Params`]) once, for `transform` and
//! the emitters to read: it is a fact about the bound method's arguments.

use std::collections::HashMap;

use proc_macro2::TokenStream;
use quote::{ToTokens, format_ident};
use syn::punctuated::Punctuated;
use syn::visit::Visit;
use syn::{Attribute, Expr, ImplItemFn, Item, Lit, Pat, Token, Type};

use crate::model::{Api, Location, Operation};
use crate::syntax::{client_methods, generic_arg, pascal_case, serde_value, typed_args, types_module};

/// An operation and the progenitor method that sends it.
#[derive(Clone)]
pub struct Bound<'m> {
    pub op: &'m Operation,
    /// progenitor's method, as generated.
    pub method: ImplItemFn,
    /// The method's arguments after `&self`, in order.
    pub args: Vec<Arg>,
    /// `X` in the method's `ResponseValue<types::X>`, for a JSON reply.
    pub reply: Option<syn::Ident>,
    /// The struct that holds the method's optional arguments, when it has too many of them.
    pub params: Option<Params>,
}

impl Bound<'_> {
    pub fn ident(&self) -> &syn::Ident {
        &self.method.sig.ident
    }
}

/// One argument of a generated method and where it goes on the wire.
#[derive(Clone)]
pub struct Arg {
    pub ident: syn::Ident,
    pub ty: Type,
    pub wire: Wire,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Wire {
    Parameter(Location, String),
    Body,
}

impl Wire {
    /// The name test inputs give the argument: the spec's parameter name, or `body`.
    pub fn key(&self) -> &str {
        match self {
            Wire::Parameter(_, name) => name,
            Wire::Body => "body",
        }
    }
}

/// A field of a generated struct, reached by its wire name.
#[derive(Clone)]
pub struct Field {
    pub ident: syn::Ident,
    /// The field's type without an `Option` around it.
    pub ty: Type,
    pub optional: bool,
}

/// Binds every operation of `api` to its method in `file` (progenitor's output).
pub fn bind<'m>(file: &syn::File, api: &'m Api) -> Result<Vec<Bound<'m>>, String> {
    let mut by_operation: HashMap<String, &ImplItemFn> = HashMap::new();
    for method in client_methods(file) {
        if let Some(id) = operation_id(method) {
            by_operation.insert(id, method);
        }
    }
    api.operations
        .iter()
        .map(|op| {
            let method = by_operation
                .get(&op.id)
                .ok_or_else(|| format!("{}: progenitor generated no method for this operation", op.id))?;
            let mut args = arguments(op, method)?;
            // The form body the transform stage adds (progenitor generated the method without it).
            if op.body.as_ref().is_some_and(|b| b.multipart) {
                let ty = syn::parse_quote!(reqwest::multipart::Form);
                args.push(Arg { ident: syn::parse_quote!(body), ty, wire: Wire::Body });
            }
            let mut bound = Bound { op, method: (*method).clone(), args, reply: reply_type(method), params: None };
            bound.params = plan(&bound);
            Ok(bound)
        })
        .collect()
}

/// The `operation_id: "..."` progenitor writes into each method's `OperationInfo`.
fn operation_id(method: &ImplItemFn) -> Option<String> {
    #[derive(Default)]
    struct Find(Option<String>);
    impl Visit<'_> for Find {
        fn visit_expr_struct(&mut self, e: &syn::ExprStruct) {
            if e.path.segments.last().is_some_and(|s| s.ident == "OperationInfo") {
                for field in &e.fields {
                    if let (syn::Member::Named(name), Expr::Lit(lit)) = (&field.member, &field.expr)
                        && name == "operation_id"
                        && let Lit::Str(s) = &lit.lit
                    {
                        self.0 = Some(s.value());
                    }
                }
            }
            syn::visit::visit_expr_struct(self, e);
        }
    }
    let mut find = Find::default();
    find.visit_block(&method.block);
    find.0
}

/// Where each argument of `method` goes, from what its body does with it.
fn arguments(op: &Operation, method: &ImplItemFn) -> Result<Vec<Arg>, String> {
    let params: Vec<(syn::Ident, Type)> =
        typed_args(&method.sig).map(|(ident, ty)| (ident.clone(), ty.clone())).collect();
    let names: Vec<String> = params.iter().map(|(ident, _)| ident.to_string()).collect();
    let mut uses = Uses { names: &names, aliases: HashMap::new(), wire: HashMap::new(), path_args: Vec::new() };
    uses.visit_block(&method.block);
    // The URL's placeholders after the base URL follow the path template's parameters in order.
    let template: Vec<&str> =
        op.path.split('{').skip(1).filter_map(|s| s.split_once('}')).map(|(name, _)| name).collect();
    if uses.path_args.len() != template.len() {
        return Err(format!(
            "{}: the generated URL has {} path arguments, the path {}",
            op.id,
            uses.path_args.len(),
            template.len()
        ));
    }
    for (arg, name) in uses.path_args.iter().zip(template) {
        uses.wire.insert(arg.clone(), Wire::Parameter(Location::Path, name.to_owned()));
    }
    params
        .into_iter()
        .map(|(ident, ty)| {
            let wire = uses
                .wire
                .remove(&ident.to_string())
                .ok_or_else(|| format!("{}: argument `{ident}` is not sent anywhere by the generated method", op.id))?;
            Ok(Arg { ident, ty, wire })
        })
        .collect()
}

struct Uses<'n> {
    names: &'n [String],
    /// Names bound from an argument (`if let Some(value) = idempotency_key`), to that argument.
    aliases: HashMap<String, String>,
    wire: HashMap<String, Wire>,
    /// Arguments passed to `encode_path` in the URL, in order.
    path_args: Vec<String>,
}

impl Uses<'_> {
    /// The first of the method's arguments that `tokens` mentions.
    fn argument_in(&self, tokens: TokenStream) -> Option<String> {
        tokens.into_iter().find_map(|token| match token {
            proc_macro2::TokenTree::Ident(ident) => {
                let name = ident.to_string();
                self.aliases.get(&name).cloned().or_else(|| self.names.contains(&name).then_some(name))
            }
            proc_macro2::TokenTree::Group(group) => self.argument_in(group.stream()),
            _ => None,
        })
    }
}

impl Visit<'_> for Uses<'_> {
    fn visit_expr_let(&mut self, binding: &syn::ExprLet) {
        if let Some(argument) = self.argument_in(binding.expr.to_token_stream()) {
            let mut bound = Vec::new();
            collect_idents(&binding.pat, &mut bound);
            for name in bound {
                self.aliases.insert(name, argument.clone());
            }
        }
        syn::visit::visit_expr_let(self, binding);
    }

    fn visit_expr_call(&mut self, call: &syn::ExprCall) {
        if let Expr::Path(func) = &*call.func {
            let segments: Vec<String> = func.path.segments.iter().map(|s| s.ident.to_string()).collect();
            let is_query = segments.ends_with(&["QueryParam".into(), "new".into()]);
            if let (true, Some(Expr::Lit(name)), Some(value)) = (is_query, call.args.first(), call.args.get(1))
                && let Lit::Str(name) = &name.lit
                && let Some(arg) = self.argument_in(value.to_token_stream())
            {
                self.wire.insert(arg, Wire::Parameter(Location::Query, name.value()));
            }
        }
        syn::visit::visit_expr_call(self, call);
    }

    fn visit_expr_method_call(&mut self, call: &syn::ExprMethodCall) {
        let method = call.method.to_string();
        match (method.as_str(), call.args.first(), call.args.get(1)) {
            ("append", Some(Expr::Lit(name)), Some(value)) => {
                if let Lit::Str(name) = &name.lit
                    && let Some(arg) = self.argument_in(value.to_token_stream())
                {
                    self.wire.insert(arg, Wire::Parameter(Location::Header, name.value()));
                }
            }
            ("json" | "body" | "form_urlencoded", Some(value), None) => {
                if let Some(arg) = self.argument_in(value.to_token_stream()) {
                    self.wire.insert(arg, Wire::Body);
                }
            }
            _ => {}
        }
        syn::visit::visit_expr_method_call(self, call);
    }

    fn visit_macro(&mut self, mac: &syn::Macro) {
        if mac.path.is_ident("format")
            && let Ok(args) = mac.parse_body_with(Punctuated::<Expr, Token![,]>::parse_terminated)
        {
            for arg in args.iter().skip(1) {
                if let Expr::Call(call) = arg
                    && matches!(&*call.func, Expr::Path(f) if f.path.is_ident("encode_path"))
                    && let Some(name) = self.argument_in(call.args.to_token_stream())
                {
                    self.path_args.push(name);
                }
            }
        }
    }
}

/// The names a pattern binds.
fn collect_idents(pat: &Pat, out: &mut Vec<String>) {
    struct Names<'o>(&'o mut Vec<String>);
    impl Visit<'_> for Names<'_> {
        fn visit_pat_ident(&mut self, ident: &syn::PatIdent) {
            self.0.push(ident.ident.to_string());
        }
    }
    Names(out).visit_pat(pat);
}

/// `X` in `Result<ResponseValue<types::X>, _>`.
fn reply_type(method: &ImplItemFn) -> Option<syn::Ident> {
    let syn::ReturnType::Type(_, ty) = &method.sig.output else { return None };
    let ok = generic_arg(ty, "Result")?;
    let inner = generic_arg(ok, "ResponseValue")?;
    match inner {
        Type::Path(path) if path.path.segments.len() == 2 && path.path.segments[0].ident == "types" => {
            Some(path.path.segments[1].ident.clone())
        }
        _ => None,
    }
}

/// The fields along the dotted wire `path` (`data.videos`) from the generated struct `start`.
pub fn field_path(file: &syn::File, start: &syn::Ident, path: &str) -> Result<Vec<Field>, String> {
    let types = types_module(file).ok_or("the generated code has no `types` module")?;
    let mut current = start.clone();
    let mut fields = Vec::new();
    for name in path.split('.') {
        let field = struct_field(types, &current, name)
            .ok_or_else(|| format!("`{path}`: the generated type `{current}` has no field for `{name}`"))?;
        current = match &field.ty {
            Type::Path(p) => p.path.segments.last().map(|s| s.ident.clone()).unwrap_or(current),
            _ => current,
        };
        fields.push(field);
    }
    Ok(fields)
}

/// `X` when `ty` is `Vec<X>` (of a generated type).
pub fn vec_item(ty: &Type) -> Option<&syn::Ident> {
    match generic_arg(ty, "Vec")? {
        Type::Path(p) => p.path.segments.last().map(|s| &s.ident),
        _ => None,
    }
}

/// The field of struct `ty` whose wire name is `wire`.
fn struct_field(types: &[Item], ty: &syn::Ident, wire: &str) -> Option<Field> {
    let fields = types.iter().find_map(|item| match item {
        Item::Struct(s) if &s.ident == ty => match &s.fields {
            syn::Fields::Named(named) => Some(&named.named),
            _ => None,
        },
        _ => None,
    })?;
    let field = fields.iter().find(|f| {
        let renamed = serde_value(&f.attrs, "rename");
        let ident = f.ident.as_ref().map(ToString::to_string);
        renamed.or(ident).as_deref() == Some(wire)
    })?;
    let (ty, optional) = match generic_arg(&field.ty, "Option") {
        Some(inner) => (inner.clone(), true),
        None => (field.ty.clone(), false),
    };
    Some(Field { ident: field.ident.clone()?, ty, optional })
}

/// The most optional arguments a generated method takes positionally.
pub const MAX_POSITIONAL_OPTIONAL: usize = 2;
/// The module of the generated file that holds the parameters structs.
pub const MODULE: &str = "params";

/// The parameters struct of one operation: planned once, here, and read by `transform` (the
/// public method takes it) and the emitters (the struct, workflows, the dispatch table).
#[derive(Clone)]
pub struct Params {
    /// `ListAssetsParams`.
    pub name: syn::Ident,
    /// The method's argument that takes the struct.
    pub arg: syn::Ident,
    /// The optional arguments it holds, in the method's order.
    pub fields: Vec<Arg>,
    /// The lifetimes its fields borrow for (progenitor's `'a`), in order of appearance.
    pub lifetimes: Vec<syn::Lifetime>,
}

impl Params {
    /// `params::ListAssetsParams<'a>`: the type as written in the generated file.
    pub fn ty(&self) -> Type {
        let (module, name, lifetimes) = (format_ident!("{MODULE}"), &self.name, &self.lifetimes);
        if lifetimes.is_empty() {
            syn::parse_quote!(#module::#name)
        } else {
            syn::parse_quote!(#module::#name<#(#lifetimes),*>)
        }
    }

    /// Whether `arg` is one of the struct's fields.
    pub fn holds(&self, arg: &Arg) -> bool {
        self.fields.iter().any(|f| f.ident == arg.ident)
    }
}

/// The operation's struct, when its method would otherwise take more than
/// [`MAX_POSITIONAL_OPTIONAL`] optional arguments.
fn plan(bound: &Bound<'_>) -> Option<Params> {
    let fields: Vec<Arg> = bound.args.iter().filter(|a| is_optional(&a.ty)).cloned().collect();
    if fields.len() <= MAX_POSITIONAL_OPTIONAL {
        return None;
    }
    let mut lifetimes = Lifetimes::default();
    for field in &fields {
        lifetimes.visit_type(&field.ty);
    }
    // The argument is `params` unless a positional argument already has that name.
    let taken = |name: &str| bound.args.iter().any(|a| !is_optional(&a.ty) && a.ident == name);
    let arg = if taken("params") { format_ident!("optional_params") } else { format_ident!("params") };
    Some(Params {
        name: format_ident!("{}Params", pascal_case(&bound.ident().to_string())),
        arg,
        fields,
        lifetimes: lifetimes.0,
    })
}

/// `Option<T>`: an argument the caller may leave out.
pub fn is_optional(ty: &Type) -> bool {
    generic_arg(ty, "Option").is_some()
}

#[derive(Default)]
struct Lifetimes(Vec<syn::Lifetime>);

impl Visit<'_> for Lifetimes {
    fn visit_lifetime(&mut self, lifetime: &syn::Lifetime) {
        if !self.0.contains(lifetime) {
            self.0.push(lifetime.clone());
        }
    }
}

/// The text of the doc attribute with progenitor's `Arguments:` list; later stages add docs of
/// their own in attributes of their own, which stay as they are.
pub(crate) fn arguments_doc(attr: &Attribute) -> Option<String> {
    let syn::Meta::NameValue(nv) = &attr.meta else { return None };
    let Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. }) = &nv.value else { return None };
    let text = s.value();
    (attr.path().is_ident("doc") && text.contains(ARGUMENTS)).then_some(text)
}

pub(crate) const ARGUMENTS: &str = "\nArguments:\n";
