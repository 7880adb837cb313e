//! Envelopes: `impl Envelope` for every success type, saying which of HeyGen's envelope fields
//! (`code`, `error`, `message`, `msg`) it has, so the runtime can turn a 200 that reports
//! failure into an error.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::bind::Bound;
use crate::model::EnvelopeFields;

/// One impl per success type of `operations`, named as the generated methods return it.
pub fn tokens(operations: &[Bound<'_>]) -> TokenStream {
    let success_types: BTreeMap<String, EnvelopeFields> = operations
        .iter()
        .filter_map(|bound| Some((bound.reply.as_ref()?.to_string(), bound.op.success.as_ref()?.envelope)))
        .collect();
    let impls = success_types.into_iter().map(|(name, fields)| {
        let code = match fields.code {
            Some(true) => quote! { Some(self.code) },
            Some(false) => quote! { self.code },
            None => quote! { None },
        };
        let error = if fields.error {
            quote! { self.error.as_ref() }
        } else {
            quote! { None }
        };
        let message = match (fields.message, fields.msg) {
            (true, true) => quote! { self.message.as_deref().or(self.msg.as_deref()) },
            (true, false) => quote! { self.message.as_deref() },
            (false, true) => quote! { self.msg.as_deref() },
            (false, false) => quote! { None },
        };
        let ty = format_ident!("{name}");
        quote! {
            impl crate::envelope::Envelope for types::#ty {
                fn outcome(&self) -> crate::envelope::Outcome<'_> {
                    crate::envelope::Outcome { code: #code, error: #error, message: #message }
                }
            }
        }
    });
    quote! { #(#impls)* }
}
