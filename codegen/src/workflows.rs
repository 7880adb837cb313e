//! Workflows: the spec's `x-pagination` and `x-waiter` extensions become `<operation>_stream`
//! and `wait_for_<job>` methods, so every paged list and every background job gets them alike.
//!
//! ```yaml
//! x-pagination:          # on a list operation
//!   cursor-param: token  # the query parameter that takes the cursor
//!   next-cursor: data.token  # the reply field with the next cursor (null or empty at the end)
//!   items: data.videos   # the reply field with the page's items (an array of a named schema)
//! x-waiter:              # on the status operation of a background job
//!   job: video           # -> wait_for_video
//!   result: data         # the reply field returned when the job is done (a named schema)
//!   status: data.status  # the reply field with the job's state
//!   succeeded: [completed]
//!   failed: [failed]     # any other state means "still running"
//!   reason: data.error   # optional: the reply field that says why the job failed
//! ```

use openapiv3::{OpenAPI, Operation, Parameter, ReferenceOr, Schema, SchemaKind, Type};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde::Deserialize;
use serde_json::Value;
use syn::{FnArg, ImplItem, ImplItemFn, Item, Pat, parse_quote};

use crate::load::escape_segment;

pub const PAGINATION: &str = "x-pagination";
pub const WAITER: &str = "x-waiter";

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Pagination {
    pub cursor_param: String,
    pub next_cursor: String,
    pub items: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Waiter {
    pub job: String,
    pub result: String,
    pub status: String,
    pub succeeded: Vec<String>,
    pub failed: Vec<String>,
    pub reason: Option<String>,
}

/// A workflow method to generate, with the Rust type its items or result have.
#[derive(Debug, Clone)]
pub struct Workflow {
    pub operation: String,
    pub method: String,
    pub path: String,
    pub summary: String,
    pub deprecated: bool,
    pub kind: Kind,
}

#[derive(Debug, Clone)]
pub enum Kind {
    Pages { spec: Pagination, item_type: String },
    Wait { spec: Waiter, result_type: String },
}

/// Every workflow the spec declares, or the problems with them as `(JSON pointer, message)`.
pub fn workflows(openapi: &OpenAPI) -> Result<Vec<Workflow>, Vec<(String, String)>> {
    let mut found = Vec::new();
    let mut problems = Vec::new();
    for (path, item) in openapi.paths.iter() {
        let Some(item) = item.as_item() else { continue };
        for (method, op) in item.iter() {
            let pointer = format!("/paths/{}/{method}", escape_segment(path));
            for (extension, value) in &op.extensions {
                let at = format!("{pointer}/{extension}");
                let kind = match extension.as_str() {
                    PAGINATION => pages(openapi, op, value),
                    WAITER => wait(openapi, op, value),
                    _ => continue,
                };
                match (kind, &op.operation_id) {
                    (Ok(kind), Some(id)) => found.push(Workflow {
                        operation: id.clone(),
                        method: method.to_uppercase(),
                        path: path.clone(),
                        summary: op.summary.clone().unwrap_or_default(),
                        deprecated: op.deprecated,
                        kind,
                    }),
                    (Ok(_), None) => {}
                    (Err(message), _) => problems.push((at, message)),
                }
            }
        }
    }
    if problems.is_empty() { Ok(found) } else { Err(problems) }
}

fn pages(openapi: &OpenAPI, op: &Operation, value: &Value) -> Result<Kind, String> {
    let spec: Pagination = serde_json::from_value(value.clone()).map_err(|e| format!("invalid {PAGINATION}: {e}"))?;
    let cursor = op.parameters.iter().filter_map(ReferenceOr::as_item).find_map(|p| match p {
        Parameter::Query { parameter_data, .. } if parameter_data.name == spec.cursor_param => Some(parameter_data),
        _ => None,
    });
    match cursor {
        Some(data) if !data.required => {}
        Some(_) => return Err(format!("cursor parameter `{}` must be optional", spec.cursor_param)),
        None => {
            return Err(format!("cursor parameter `{}` is not a query parameter of this operation", spec.cursor_param));
        }
    }
    let success = success_schema(op).ok_or("the operation has no JSON success schema")?;
    success.field(openapi, &spec.next_cursor)?;
    let items = success.field(openapi, &spec.items)?;
    let item_type = match items.resolve(openapi).map(|s| &s.schema_kind) {
        Some(SchemaKind::Type(Type::Array(array))) => array.items.as_ref().and_then(|i| Node::from(i).name()),
        _ => None,
    };
    let item_type = item_type.ok_or_else(|| format!("`{}` must be an array of a named schema", spec.items))?;
    Ok(Kind::Pages { spec, item_type })
}

fn wait(openapi: &OpenAPI, op: &Operation, value: &Value) -> Result<Kind, String> {
    let spec: Waiter = serde_json::from_value(value.clone()).map_err(|e| format!("invalid {WAITER}: {e}"))?;
    if !spec.job.chars().all(|c| c.is_ascii_lowercase() || c == '_') || spec.job.is_empty() {
        return Err(format!("job `{}` must be snake_case", spec.job));
    }
    if spec.succeeded.is_empty() || spec.failed.is_empty() {
        return Err("list at least one `succeeded` and one `failed` state".into());
    }
    let success = success_schema(op).ok_or("the operation has no JSON success schema")?;
    success.field(openapi, &spec.status)?;
    if let Some(reason) = &spec.reason {
        success.field(openapi, reason)?;
    }
    let result_type = success.field(openapi, &spec.result)?.name();
    let result_type = result_type.ok_or_else(|| format!("`{}` must be a named schema", spec.result))?;
    Ok(Kind::Wait { spec, result_type })
}

fn success_schema(op: &Operation) -> Option<Node<'_>> {
    op.responses
        .responses
        .iter()
        .filter(|(code, _)| code.to_string().starts_with('2'))
        .filter_map(|(_, r)| r.as_item())
        .find_map(|r| r.content.get("application/json")?.schema.as_ref())
        .map(Node::from)
}

/// A schema as written: a `$ref`, or inline. (Properties and items box their schemas; this
/// view treats both alike.)
#[derive(Clone, Copy)]
enum Node<'s> {
    Ref(&'s str),
    Inline(&'s Schema),
}

impl<'s> From<&'s ReferenceOr<Schema>> for Node<'s> {
    fn from(schema: &'s ReferenceOr<Schema>) -> Self {
        match schema {
            ReferenceOr::Reference { reference } => Node::Ref(reference),
            ReferenceOr::Item(schema) => Node::Inline(schema),
        }
    }
}

impl<'s> From<&'s ReferenceOr<Box<Schema>>> for Node<'s> {
    fn from(schema: &'s ReferenceOr<Box<Schema>>) -> Self {
        match schema {
            ReferenceOr::Reference { reference } => Node::Ref(reference),
            ReferenceOr::Item(schema) => Node::Inline(schema),
        }
    }
}

impl<'s> Node<'s> {
    /// The named schema this node refers to, if it is a `$ref`.
    fn name(self) -> Option<String> {
        match self {
            Node::Ref(reference) => schema_name(reference),
            Node::Inline(_) => None,
        }
    }

    fn resolve(self, openapi: &'s OpenAPI) -> Option<&'s Schema> {
        match self {
            Node::Inline(schema) => Some(schema),
            Node::Ref(reference) => {
                let name = schema_name(reference)?;
                Node::from(openapi.components.as_ref()?.schemas.get(&name)?).resolve(openapi)
            }
        }
    }

    /// The schema of the dotted `path` (`data.videos`) inside this one, through `$ref`s and `allOf`.
    fn field(self, openapi: &'s OpenAPI, path: &str) -> Result<Node<'s>, String> {
        path.split('.').try_fold(self, |current, name| {
            current.property(openapi, name).ok_or_else(|| format!("`{path}`: no field `{name}` in the reply schema"))
        })
    }

    fn property(self, openapi: &'s OpenAPI, name: &str) -> Option<Node<'s>> {
        match &self.resolve(openapi)?.schema_kind {
            SchemaKind::Type(Type::Object(object)) => object.properties.get(name).map(Node::from),
            SchemaKind::AllOf { all_of } => all_of.iter().find_map(|member| Node::from(member).property(openapi, name)),
            _ => None,
        }
    }
}

fn schema_name(reference: &str) -> Option<String> {
    reference.strip_prefix("#/components/schemas/").map(str::to_owned)
}

/// Adds the workflow methods to the generated client, next to the operations they call.
pub fn add_methods(file: &mut syn::File, workflows: &[Workflow]) {
    let client_methods: Vec<&ImplItemFn> = file
        .items
        .iter()
        .filter_map(|item| match item {
            Item::Impl(block) if crate::transform::is_inherent_client_impl(block) => Some(block),
            _ => None,
        })
        .flat_map(|block| &block.items)
        .filter_map(|member| match member {
            ImplItem::Fn(method) => Some(method),
            _ => None,
        })
        .collect();
    let methods: Vec<TokenStream> = workflows
        .iter()
        .filter_map(|w| {
            let operation = client_methods.iter().find(|m| m.sig.ident == w.operation)?;
            let method = match &w.kind {
                Kind::Pages { spec, item_type } => stream_method(w, operation, spec, item_type),
                Kind::Wait { spec, result_type } => wait_method(w, operation, spec, result_type),
            };
            let deprecated =
                w.deprecated.then(|| quote! { #[deprecated(note = "HeyGen marks this endpoint as deprecated")] });
            Some(quote! { #deprecated #method })
        })
        .collect();
    if !methods.is_empty() {
        file.items.push(parse_quote! {
            #[allow(clippy::all, deprecated)]
            impl Client {
                #(#methods)*
            }
        });
    }
}

/// The typed parameters of `method` after `&self`, as `(name, type)`.
fn params(method: &ImplItemFn) -> Vec<(syn::Ident, syn::Type)> {
    method
        .sig
        .inputs
        .iter()
        .filter_map(|arg| match arg {
            FnArg::Typed(arg) => match &*arg.pat {
                Pat::Ident(ident) => Some((ident.ident.clone(), (*arg.ty).clone())),
                _ => None,
            },
            FnArg::Receiver(_) => None,
        })
        .collect()
}

/// `let name = name.clone();` for the parameters a polling closure must own anew for each
/// request (references are copied as they are).
fn owned_copies<'p>(params: impl IntoIterator<Item = &'p (syn::Ident, syn::Type)>) -> TokenStream {
    let owned =
        params.into_iter().filter(|(_, ty)| !is_borrowed(ty)).map(|(name, _)| quote! { let #name = #name.clone(); });
    quote! { #(#owned)* }
}

/// `&T` or `Option<&T>`.
fn is_borrowed(ty: &syn::Type) -> bool {
    match ty {
        syn::Type::Reference(_) => true,
        syn::Type::Path(path) => path.path.segments.last().is_some_and(|last| {
            last.ident == "Option"
                && matches!(&last.arguments, syn::PathArguments::AngleBracketed(args)
                    if matches!(args.args.first(), Some(syn::GenericArgument::Type(syn::Type::Reference(_)))))
        }),
        _ => false,
    }
}

/// `reply.data.videos` for `data.videos`, with Rust keywords renamed the way typify does.
fn access(path: &str) -> TokenStream {
    let fields = path.split('.').map(|name| match name {
        "type" | "ref" | "self" | "move" | "match" | "loop" | "use" | "fn" | "mod" | "impl" => format_ident!("{name}_"),
        _ => format_ident!("{name}"),
    });
    quote! { reply #(.#fields)* }
}

fn stream_method(w: &Workflow, operation: &ImplItemFn, spec: &Pagination, item_type: &str) -> TokenStream {
    let name = format_ident!("{}_stream", w.operation);
    let call = &operation.sig.ident;
    let all = params(operation);
    let kept: Vec<_> = all.iter().filter(|(ident, _)| ident != &spec.cursor_param).collect();
    let (kept_names, kept_types): (Vec<_>, Vec<_>) = kept.iter().map(|(n, t)| (n, t)).unzip();
    let copies = owned_copies(kept.iter().copied());
    let args = all.iter().map(|(ident, _)| {
        if ident == &spec.cursor_param {
            quote! { cursor.as_deref() }
        } else {
            quote! { #ident }
        }
    });
    let (items, next) = (access(&spec.items), access(&spec.next_cursor));
    let item = format_ident!("{item_type}");
    let doc = format!(
        "{}, as a stream of every item across all pages.\n\nPages are fetched lazily, one request per page, \
         following `{}`; the stream ends after the last page, and an error ends it after being yielded.\n\n\
         Sends a `{}` request to `{}` for each page",
        w.summary.trim_end_matches('.'),
        spec.next_cursor,
        w.method,
        w.path
    );
    quote! {
        #[doc = #doc]
        pub fn #name<'a>(&'a self, #(#kept_names: #kept_types),*)
            -> impl ::futures_core::Stream<Item = Result<types::#item, crate::Error>> + Unpin + 'a
        {
            crate::pagination::by_cursor(move |cursor: Option<String>| {
                #copies
                async move {
                    let reply = self.#call(#(#args),*).await?.into_inner();
                    Ok((#items, ::std::convert::Into::into(#next)))
                }
            })
        }
    }
}

fn wait_method(w: &Workflow, operation: &ImplItemFn, spec: &Waiter, result_type: &str) -> TokenStream {
    let name = format_ident!("wait_for_{}", spec.job);
    let call = &operation.sig.ident;
    let op_id = &w.operation;
    let all = params(operation);
    let copies = owned_copies(&all);
    let (names, types): (Vec<_>, Vec<_>) = all.into_iter().unzip();
    let (status, result) = (access(&spec.status), access(&spec.result));
    let reason = match &spec.reason {
        Some(path) => {
            let field = access(path);
            quote! { crate::waiter::reason(&#field) }
        }
        None => quote! { None },
    };
    let (succeeded, failed) = (&spec.succeeded, &spec.failed);
    let ty = format_ident!("{result_type}");
    let doc = format!(
        "Waits until the job ends: polls `{op_id}` with growing intervals until the state is {} \
         (returns the result) or {} (an [`Error::JobFailed`](crate::Error::JobFailed) with HeyGen's \
         reason), or until `options.timeout` has passed ([`Error::WaitTimeout`](crate::Error::WaitTimeout)). \
         Dropping the future cancels the wait.\n\nSends a `{}` request to `{}` on each poll",
        quoted(succeeded),
        quoted(failed),
        w.method,
        w.path
    );
    quote! {
        #[doc = #doc]
        pub async fn #name<'a>(&'a self, #(#names: #types,)* options: &crate::WaitOptions) -> Result<types::#ty, crate::Error> {
            crate::waiter::wait(#op_id, options, move || {
                #copies
                async move {
                    let reply = self.#call(#(#names),*).await?.into_inner();
                    let status = crate::waiter::text(&#status);
                    let state = match status.as_str() {
                        #(#succeeded)|* => crate::waiter::JobState::Succeeded,
                        #(#failed)|* => crate::waiter::JobState::Failed(#reason),
                        _ => crate::waiter::JobState::Running,
                    };
                    Ok((status, state, #result))
                }
            })
            .await
        }
    }
}

fn quoted(states: &[String]) -> String {
    states.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(" or ")
}
