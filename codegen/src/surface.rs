//! The public API surface of generated client code, one entry per operation: what a reviewer
//! needs to see when the spec changes (HTTP method and path, Rust method, parameters, body,
//! success and error types).

use quote::ToTokens;
use syn::{FnArg, ImplItem, Item, Type};

/// One operation's method as the generated client exposes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MethodSurface {
    pub name: String,
    /// `POST /v2/video/generate`, from the method's doc comment.
    pub http: String,
    /// `name: Type` for each parameter after `&self`.
    pub params: Vec<String>,
    /// The declared return type.
    pub output: String,
    pub deprecated: bool,
}

/// The methods of `impl Client` in `source` (generated client code), in source order.
pub fn methods(source: &str) -> syn::Result<Vec<MethodSurface>> {
    let file = syn::parse_file(source)?;
    let blocks = file.items.iter().filter_map(|item| match item {
        Item::Impl(block) if block.trait_.is_none() && is_client(&block.self_ty) => Some(block),
        _ => None,
    });
    let mut methods = Vec::new();
    for member in blocks.flat_map(|block| &block.items) {
        let ImplItem::Fn(method) = member else { continue };
        let doc: String = method
            .attrs
            .iter()
            .filter(|a| a.path().is_ident("doc"))
            .filter_map(|a| a.meta.require_name_value().ok())
            .map(|nv| nv.value.to_token_stream().to_string())
            .collect();
        let Some(http) = http_line(&doc) else { continue };
        let params = method
            .sig
            .inputs
            .iter()
            .filter_map(|arg| match arg {
                FnArg::Typed(arg) => Some(format!("{}: {}", tidy(&arg.pat), tidy(&arg.ty))),
                FnArg::Receiver(_) => None,
            })
            .collect();
        let output = match &method.sig.output {
            syn::ReturnType::Default => "()".to_owned(),
            syn::ReturnType::Type(_, ty) => tidy(ty),
        };
        let deprecated = method.attrs.iter().any(|a| a.path().is_ident("deprecated"));
        methods.push(MethodSurface { name: method.sig.ident.to_string(), http, params, output, deprecated });
    }
    Ok(methods)
}

/// A stable, readable text listing of `methods`, one block per operation.
pub fn render(methods: &[MethodSurface]) -> String {
    let mut out = String::new();
    for m in methods {
        let deprecated = if m.deprecated { " (deprecated)" } else { "" };
        out.push_str(&format!("{}{deprecated}\n  {}\n", m.http, m.name));
        for param in &m.params {
            out.push_str(&format!("  - {param}\n"));
        }
        out.push_str(&format!("  -> {}\n\n", m.output));
    }
    out
}

fn is_client(ty: &Type) -> bool {
    matches!(ty, Type::Path(p) if p.path.is_ident("Client"))
}

/// Finds "Sends a `POST` request to `/path`" in progenitor's doc comment.
fn http_line(doc: &str) -> Option<String> {
    let rest = &doc[doc.find("Sends a `")? + "Sends a `".len()..];
    let (method, rest) = rest.split_once('`')?;
    let rest = &rest[rest.find('`')? + 1..];
    let (path, _) = rest.split_once('`')?;
    Some(format!("{method} {path}"))
}

/// Token text with the spaces `to_string` puts around punctuation removed.
pub(crate) fn tidy(tokens: &impl ToTokens) -> String {
    let text = tokens.to_token_stream().to_string();
    let mut text = text.replace(" :: ", "::").replace(":: ", "::").replace(" < ", "<").replace("< ", "<");
    text = text.replace(" >", ">").replace(" ,", ",").replace("& ", "&").replace("' ", "'");
    text.replace("impl::", "impl ::").replace(",>", ">")
}
