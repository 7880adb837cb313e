//! Facts: what the hand-written hooks need to know about each operation that the generated
//! methods do not act on themselves.

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::Api;

/// The `operations` module: `SERVERS`, `operation_server`, `operation_security` and
/// `operation_idempotent`.
pub fn tokens(api: &Api) -> TokenStream {
    let servers = &api.servers;
    let count = servers.len();
    let overrides = api.operations.iter().filter(|op| op.server != 0).map(|op| {
        let (id, index) = (&op.id, op.server);
        quote! { #id => #index, }
    });
    let global_security = &api.default_security;
    let security = api.operations.iter().filter(|op| &op.security != global_security).map(|op| {
        let (id, schemes) = (&op.id, &op.security);
        quote! { #id => &[#(#schemes),*], }
    });
    let idempotent = api.operations.iter().filter(|op| op.idempotent).map(|op| &op.id);
    quote! {
        /// Facts about each operation that the generated methods do not act on themselves.
        pub mod operations {
            /// The servers the spec declares. The first is every operation's default host.
            pub const SERVERS: [&str; #count] = [#(#servers),*];

            /// Index into [`SERVERS`] of the host `operation_id` is sent to.
            pub fn operation_server(operation_id: &str) -> usize {
                match operation_id {
                    #(#overrides)*
                    _ => 0,
                }
            }

            /// Names of the security schemes `operation_id` accepts, any one of which will do.
            pub fn operation_security(operation_id: &str) -> &'static [&'static str] {
                match operation_id {
                    #(#security)*
                    _ => &[#(#global_security),*],
                }
            }

            /// Whether sending `operation_id` twice has the same effect as sending it once, so a
            /// failed attempt may be retried even when the server may have acted on it.
            pub fn operation_idempotent(operation_id: &str) -> bool {
                matches!(operation_id, #(#idempotent)|*)
            }
        }
    }
}
