//! Facts: what the hand-written runtime needs to know about each operation, as data of its own
//! types (`crate::rt::Operation`, `Host`, `Credential`), and the `ClientHooks` impl that hands a
//! request to the runtime with its operation's facts. Generated methods call the runtime directly
//! with their facts by index (`transform`); the hooks serve a request sent by hand through them.
//!
//! Hosts and credentials reach the runtime as variants the model mapped from the spec's servers
//! and security schemes by what they are, so reordering servers or renaming a scheme changes no
//! hand-written code, and a server or scheme the runtime cannot serve fails at generation.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::model::{Api, IdempotencyKey};

/// The `operations` module and the hooks impl of the generated `Client`.
pub fn tokens(api: &Api) -> TokenStream {
    let servers = api.servers.iter().zip(&api.hosts).map(|(url, host)| {
        let host = format_ident!("{}", host.name());
        quote! { (crate::rt::Host::#host, #url) }
    });
    let server_count = api.servers.len();
    // Sorted by id, for the binary search in `operation`.
    let mut operations: Vec<_> = api.operations.iter().collect();
    operations.sort_by(|a, b| a.id.cmp(&b.id));
    let count = operations.len();
    let entries = operations.iter().map(|op| {
        let (id, path, idempotent) = (&op.id, &op.path, op.idempotent);
        let method = op.http_method();
        let host = format_ident!("{}", op.host.name());
        let credentials = op.credentials.iter().map(|c| format_ident!("{}", c.name()));
        let key = match &op.idempotency_key {
            None => quote! { None },
            Some(IdempotencyKey::Header) => quote! { Some(crate::rt::IdempotencyKey::Header) },
            Some(IdempotencyKey::Body { field }) => quote! { Some(crate::rt::IdempotencyKey::Body(#field)) },
        };
        quote! {
            crate::rt::Operation {
                id: #id,
                method: #method,
                path: #path,
                host: crate::rt::Host::#host,
                credentials: &[#(crate::rt::Credential::#credentials),*],
                idempotent: #idempotent,
                idempotency_key: #key,
            }
        }
    });
    quote! {
        /// What the runtime needs to know about each operation that the generated methods do not
        /// act on themselves. Internal: read by `crate::rt`.
        #[doc(hidden)]
        pub mod operations {
            /// The servers the spec declares, with the runtime host each one is.
            pub const SERVERS: [(crate::rt::Host, &str); #server_count] = [#(#servers),*];

            /// Every operation, sorted by id.
            pub static OPERATIONS: [crate::rt::Operation; #count] = [#(#entries),*];

            /// The operation at `index` of [`OPERATIONS`]: generated methods name theirs by index,
            /// so that no call searches the table; `id` is checked in debug builds.
            #[inline]
            pub fn at(index: usize, id: &str) -> &'static crate::rt::Operation {
                let operation = &OPERATIONS[index];
                debug_assert_eq!(operation.id, id, "the operations table and the methods disagree");
                operation
            }

            /// The operation whose `operationId` is `id`.
            pub fn operation(id: &str) -> Option<&'static crate::rt::Operation> {
                OPERATIONS.binary_search_by(|op| op.id.cmp(id)).ok().map(|index| &OPERATIONS[index])
            }
        }

        impl ClientHooks<crate::rt::ClientState> for Client {
            async fn pre<E>(
                &self,
                request: &mut reqwest::Request,
                info: &OperationInfo,
            ) -> ::std::result::Result<(), Error<E>> {
                crate::rt::pre(self.inner(), request, operations::operation(info.operation_id), None).map_err(Error::InvalidRequest)
            }

            async fn exec(&self, request: reqwest::Request, info: &OperationInfo) -> reqwest::Result<reqwest::Response> {
                crate::rt::exec(&self.client, self.inner(), request, info.operation_id, operations::operation(info.operation_id)).await
            }
        }
    }
}
