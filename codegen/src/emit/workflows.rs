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
//!
//! The model has checked the extensions against the spec; here they are bound to the generated
//! code: the cursor argument by its wire name, reply fields by their serde names, so a field
//! such as `nextToken` or `type` is reached by whatever Rust name typify gave it.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::parse_quote;

use crate::bind::{self, Bound, Field, Wire};
use crate::emit::params;
use crate::model::{Location, Pagination, Waiter, Workflow};

/// A workflow method, and the name it has.
pub struct Method {
    pub name: syn::Ident,
    /// The operation it calls.
    pub operation: String,
    pub tokens: TokenStream,
}

/// Every workflow method of `operations`, in document order; or, for a workflow the generated
/// code cannot support, `(JSON pointer, message)` problems.
pub fn methods(file: &syn::File, operations: &[Bound<'_>]) -> Result<Vec<Method>, Vec<(String, String)>> {
    let mut methods = Vec::new();
    let mut problems = Vec::new();
    for bound in operations {
        for workflow in &bound.op.workflows {
            let (extension, method) = match workflow {
                Workflow::Pages(spec) => (crate::model::PAGINATION, stream_method(file, bound, spec)),
                Workflow::Wait(spec) => (crate::model::WAITER, wait_method(file, bound, spec)),
            };
            match method {
                Ok(method) => methods.push(method),
                Err(message) => problems.push((format!("{}/{extension}", bound.op.pointer), message)),
            }
        }
    }
    if problems.is_empty() { Ok(methods) } else { Err(problems) }
}

/// The workflow methods as one `impl Client` block.
pub fn impl_block(methods: &[Method]) -> Option<syn::Item> {
    let tokens = methods.iter().map(|m| &m.tokens);
    (!methods.is_empty()).then(|| {
        parse_quote! {
            #[allow(clippy::all, deprecated)]
            impl Client {
                #(#tokens)*
            }
        }
    })
}

fn deprecated(bound: &Bound<'_>) -> Option<TokenStream> {
    bound.op.deprecation.as_ref().map(|note| quote! { #[deprecated(note = #note)] })
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
    matches!(ty, syn::Type::Reference(_))
        || matches!(crate::syntax::generic_arg(ty, "Option"), Some(syn::Type::Reference(_)))
}

/// The reply fields along `path`, from the operation's reply type.
fn fields(file: &syn::File, bound: &Bound<'_>, path: &str) -> Result<Vec<Field>, String> {
    let reply = bound.reply.as_ref().ok_or("the generated method has no JSON reply type")?;
    bind::field_path(file, reply, path)
}

/// Moves the field at the end of `fields` out of `reply`; `Option<T>` when any field on the way
/// is optional.
fn take(fields: &[Field]) -> (TokenStream, bool) {
    let mut expr = quote! { reply };
    let mut optional = false;
    for Field { ident, optional: this, .. } in fields {
        expr = match (optional, this) {
            (false, _) => quote! { #expr.#ident },
            (true, true) => quote! { #expr.and_then(|v| v.#ident) },
            (true, false) => quote! { #expr.map(|v| v.#ident) },
        };
        optional |= this;
    }
    (expr, optional)
}

/// A reference to the field at the end of `fields` in `reply` (`&T`, or `&Option<&T>` when a
/// field on the way to it is optional), for the runtime's `text` and `reason`, which take any
/// serializable value.
fn borrow(fields: &[Field]) -> TokenStream {
    let on_the_way = fields.split_last().map_or(&[][..], |(_, rest)| rest);
    if !on_the_way.iter().any(|f| f.optional) {
        let idents = fields.iter().map(|f| &f.ident);
        return quote! { &reply #(.#idents)* };
    }
    let mut expr = quote! { reply };
    let mut optional = false;
    for Field { ident, optional: this, .. } in fields {
        expr = match (optional, this) {
            (false, false) => quote! { #expr.#ident },
            (false, true) => quote! { #expr.#ident.as_ref() },
            (true, true) => quote! { #expr.and_then(|v| v.#ident.as_ref()) },
            (true, false) => quote! { #expr.map(|v| &v.#ident) },
        };
        optional |= this;
    }
    quote! { &#expr }
}

fn stream_method(file: &syn::File, bound: &Bound<'_>, spec: &Pagination) -> Result<Method, String> {
    let op = bound.op;
    let name = format_ident!("{}_stream", bound.ident());
    let call = bound.ident();
    let cursor = Wire::Parameter(Location::Query, spec.cursor_param.clone());
    let params = &bound.params;
    let is_cursor = |name: &syn::Ident| bound.args.iter().any(|a| &a.ident == name && a.wire == cursor);
    let all = params::public_args(bound);
    // A cursor in the parameters struct stays there: when set, the stream starts from it.
    let kept: Vec<(syn::Ident, syn::Type)> = all.iter().filter(|(name, _)| !is_cursor(name)).cloned().collect();
    let (kept_names, kept_types): (Vec<_>, Vec<_>) = kept.iter().cloned().unzip();
    let copies = owned_copies(&kept);
    let args = all.iter().map(|(ident, _)| match &params {
        _ if is_cursor(ident) => quote! { cursor.as_deref() },
        Some(params) if ident == &params.arg => params::literal(None, params, |field| {
            let name = &field.ident;
            if field.wire == cursor {
                quote! { cursor.as_deref().or(#ident.#name) }
            } else {
                quote! { #ident.#name }
            }
        }),
        _ => quote! { #ident },
    });
    let start = params.as_ref().and_then(|p| p.fields.iter().find(|f| f.wire == cursor)).map(|field| {
        let arg = params.as_ref().map(|p| p.arg.to_string()).unwrap_or_default();
        format!(" When `{arg}.{}` is set, the stream starts at that cursor instead of the first page.", field.ident)
    });
    let item_fields = fields(file, bound, &spec.items)?;
    let (items, items_optional) = take(&item_fields);
    let items = if items_optional {
        quote! { #items.unwrap_or_default() }
    } else {
        items
    };
    let item_type = item_fields
        .last()
        .and_then(|f| bind::vec_item(&f.ty))
        .ok_or_else(|| format!("`{}` is not a list in the generated type", spec.items))?;
    let (next, _) = take(&fields(file, bound, &spec.next_cursor)?);
    // A reply that says there are no more pages ends the stream, whatever its cursor; one that
    // says there are more but gives no cursor ends it with an error (see `rt::next_cursor`).
    let op_id = &op.id;
    let next = match &spec.has_more {
        Some(path) => {
            let (has_more, optional) = take(&fields(file, bound, path)?);
            let has_more = if optional {
                has_more
            } else {
                quote! { Some(#has_more) }
            };
            quote! { crate::rt::next_cursor(#op_id, #has_more, ::std::convert::Into::into(#next)) }
        }
        None => quote! { ::std::convert::Into::<Option<String>>::into(#next) },
    };
    let doc = format!(
        "{}, as a stream of every item across all pages.\n\nPages are fetched lazily, one request per page, \
         following `{}`; the stream ends after the last page, and an error ends it after being yielded.{}\n\n\
         Sends a `{}` request to `{}` for each page",
        op.summary.trim_end_matches('.'),
        spec.next_cursor,
        start.unwrap_or_default(),
        op.http_method(),
        op.path,
    );
    let deprecated = deprecated(bound);
    let tokens = quote! {
        #deprecated
        #[doc = #doc]
        pub fn #name<'a>(&'a self, #(#kept_names: #kept_types),*)
            -> impl ::futures_core::Stream<Item = Result<types::#item_type, crate::Error>> + Unpin + 'a
        {
            crate::rt::by_cursor(move |cursor: Option<String>| {
                #copies
                async move {
                    let reply = self.#call(#(#args),*).await?.into_inner();
                    Ok((#items, #next))
                }
            })
        }
    };
    Ok(Method { name, operation: op.id.clone(), tokens })
}

fn wait_method(file: &syn::File, bound: &Bound<'_>, spec: &Waiter) -> Result<Method, String> {
    let op = bound.op;
    let name = format_ident!("wait_for_{}", spec.job);
    let call = bound.ident();
    let op_id = &op.id;
    // A status read that also pages (a batch) is polled from its first page: the cursor is no
    // argument of the waiter, and left out of its parameters struct when it is there.
    let cursor = op.workflows.iter().find_map(|w| match w {
        Workflow::Pages(pages) => Some(Wire::Parameter(Location::Query, pages.cursor_param.clone())),
        Workflow::Wait(_) => None,
    });
    let is_cursor = |name: &syn::Ident| bound.args.iter().any(|a| &a.ident == name && Some(&a.wire) == cursor.as_ref());
    let params = &bound.params;
    let all = params::public_args(bound);
    let kept: Vec<(syn::Ident, syn::Type)> = all.iter().filter(|(name, _)| !is_cursor(name)).cloned().collect();
    let copies = owned_copies(&kept);
    let (names, types): (Vec<_>, Vec<_>) = kept.into_iter().unzip();
    let call_args = all.iter().map(|(ident, _)| match &params {
        _ if is_cursor(ident) => quote! { None },
        Some(params) if ident == &params.arg && params.fields.iter().any(|f| Some(&f.wire) == cursor.as_ref()) => {
            params::literal(None, params, |field| {
                let name = &field.ident;
                if Some(&field.wire) == cursor.as_ref() {
                    quote! { None }
                } else {
                    quote! { #ident.#name }
                }
            })
        }
        _ => quote! { #ident },
    });
    let unused = params.as_ref().and_then(|p| {
        p.fields
            .iter()
            .find(|f| Some(&f.wire) == cursor.as_ref())
            .map(|f| format!(" `{}.{}` is not used: each poll reads the first page.", p.arg, f.ident))
    });
    let status = borrow(&fields(file, bound, &spec.status)?);
    let result_fields = fields(file, bound, &spec.result)?;
    let (result, result_optional) = take(&result_fields);
    if result_optional {
        return Err(format!(
            "`{}` is optional in the reply; the result of a finished job must be required",
            spec.result
        ));
    }
    let result_type = result_fields.last().map(|f| in_types(&f.ty)).ok_or("empty `result` path")?;
    let reason = match &spec.reason {
        Some(path) => {
            let field = borrow(&fields(file, bound, path)?);
            quote! { crate::rt::reason(#field) }
        }
        None => quote! { None },
    };
    let (succeeded, failed, needs_action) = (&spec.succeeded, &spec.failed, &spec.needs_action);
    let waits_for_caller = (!needs_action.is_empty()).then(|| {
        quote! { #(#needs_action)|* => crate::rt::JobState::NeedsAction, }
    });
    let doc = format!(
        "Waits until the job ends: polls `{op_id}` with growing intervals until the state is {} \
         (returns the result) or {} (an [`Error::JobFailed`](crate::Error::JobFailed) with HeyGen's \
         reason), or until `options.timeout` has passed ([`Error::WaitTimeout`](crate::Error::WaitTimeout)). \
         Dropping the future cancels the wait.{}\n\nSends a `{}` request to `{}` on each poll",
        quoted(succeeded),
        quoted(failed),
        unused.unwrap_or_default(),
        op.http_method(),
        op.path
    );
    let deprecated = deprecated(bound);
    let tokens = quote! {
        #deprecated
        #[doc = #doc]
        pub async fn #name<'a>(&'a self, #(#names: #types,)* options: &crate::WaitOptions) -> Result<#result_type, crate::Error> {
            crate::rt::wait(#op_id, options, move || {
                #copies
                async move {
                    let reply = self.#call(#(#call_args),*).await?.into_inner();
                    let status = crate::rt::text(#status);
                    let state = match status.as_str() {
                        #(#succeeded)|* => crate::rt::JobState::Succeeded,
                        #(#failed)|* => crate::rt::JobState::Failed(#reason),
                        #waits_for_caller
                        _ => crate::rt::JobState::Running,
                    };
                    Ok((status, state, #result))
                }
            })
            .await
        }
    };
    Ok(Method { name, operation: op.id.clone(), tokens })
}

/// A type named inside the generated `types` module, as seen from outside it.
fn in_types(ty: &syn::Type) -> TokenStream {
    match ty {
        syn::Type::Path(p) if p.qself.is_none() && p.path.leading_colon.is_none() && p.path.segments.len() == 1 => {
            quote! { types::#ty }
        }
        _ => quote! { #ty },
    }
}

fn quoted(states: &[String]) -> String {
    states.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(" or ")
}
