//! The public API surface of the generated client, one entry per method: what a reviewer needs
//! to see when the spec changes (HTTP method and path, Rust method, parameters, body, success and
//! error types). Built from the model and the finished syntax tree, never from doc text.

use syn::ImplItemFn;

use crate::bind::Bound;
use crate::emit::{params, workflows};
use crate::syntax::{client_methods, tidy, typed_args};

/// One method as the generated client exposes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MethodSurface {
    pub name: String,
    /// `POST /v2/video/generate`: what the method sends.
    pub http: String,
    /// `name: Type` for each parameter after `&self`.
    pub params: Vec<String>,
    /// The declared return type.
    pub output: String,
    pub deprecated: bool,
}

/// Every operation method, then every workflow method, as they stand in `file` (the finished
/// client code).
pub fn methods(file: &syn::File, operations: &[Bound<'_>], workflows: &[workflows::Method]) -> Vec<MethodSurface> {
    let public: Vec<&ImplItemFn> =
        client_methods(file).filter(|m| matches!(m.vis, syn::Visibility::Public(_))).collect();
    let find = |name: &syn::Ident| public.iter().find(|m| &m.sig.ident == name).copied();
    let http = |bound: &Bound<'_>| format!("{} {}", bound.op.http_method(), bound.op.path);
    let ops = operations.iter().filter_map(|bound| Some((find(bound.ident())?, http(bound))));
    let flows = workflows.iter().filter_map(|w| {
        let bound = operations.iter().find(|b| b.op.id == w.operation)?;
        Some((find(&w.name)?, http(bound)))
    });
    ops.chain(flows).map(|(method, http)| surface(file, method, http)).collect()
}

fn surface(file: &syn::File, method: &ImplItemFn, http: String) -> MethodSurface {
    // A parameters struct is listed with its fields (`params.limit: Option<i32>`), so that a
    // parameter added or changed in it shows as a change of the method.
    let params = typed_args(&method.sig)
        .flat_map(|(name, ty)| {
            let fields = params::field_listing(file, ty).unwrap_or_default();
            let fields = fields.into_iter().map(|field| format!("{name}.{field}")).collect::<Vec<_>>();
            std::iter::once(format!("{name}: {}", tidy(ty))).chain(fields)
        })
        .collect();
    let output = match &method.sig.output {
        syn::ReturnType::Default => "()".to_owned(),
        syn::ReturnType::Type(_, ty) => tidy(ty),
    };
    let deprecated = method.attrs.iter().any(|a| a.path().is_ident("deprecated"));
    MethodSurface { name: method.sig.ident.to_string(), http, params, output, deprecated }
}

/// A stable, readable text listing of `methods`, one block per method.
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
