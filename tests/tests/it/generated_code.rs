//! The checked-in client is what the spec produces, and its public surface is reviewed.

use heygen_codegen::stale_files;
use heygen_tests::{Document, DocumentExt, workspace_root};

#[test]
fn generated_client_is_fresh() {
    let files = heygen_codegen::generate(workspace_root()).unwrap_or_else(|e| panic!("{e}"));
    let stale = stale_files(workspace_root(), &files);
    assert!(stale.is_empty(), "generated code is stale: {stale:?}\nfix: run `cargo xtask generate`");
}

/// One entry per operation: HTTP method and path, Rust method, parameters and body, and the
/// success and error types. A spec change that alters the Rust API shows up here in review.
#[test]
fn api_surface() {
    insta::assert_snapshot!(surface(Document::Legacy));
}

/// The same for the v3 client (`heygen_client::v3`).
#[test]
fn v3_api_surface() {
    insta::assert_snapshot!(surface(Document::V3));
}

/// The surface listing of `doc`'s client, after checking that every operation has its method.
fn surface(doc: Document) -> String {
    let methods = heygen_codegen::surface(doc, doc.spec()).unwrap();
    for id in doc.operation_ids() {
        assert!(methods.iter().any(|m| m.name == id), "no method for {id}");
    }
    heygen_codegen::render_surface(&methods)
}

/// Issue 20: no method of either client takes more than two optional arguments positionally;
/// an operation with more takes them in its parameters struct.
#[test]
fn no_method_takes_more_than_two_optional_arguments_positionally() {
    for document in Document::ALL {
        let mut with_struct = 0;
        for method in &heygen_codegen::surface(document, document.spec()).unwrap() {
            let positional_optional =
                method.params.iter().filter(|p| !p.contains('.') && p.contains(": Option<")).count();
            assert!(positional_optional <= 2, "{}: {} takes {positional_optional}", document.spec_path(), method.name);
            with_struct += usize::from(method.params.iter().any(|p| p.contains("Params")));
        }
        assert!(with_struct > 0, "{}: no method takes a parameters struct", document.spec_path());
    }
}

/// Issue 25: no progenitor plumbing is reachable from outside the crate: the constructors that
/// take a `ClientState` (which bypass the builder's checks) are crate-private in both generated
/// clients, and the crate exports neither `ClientState` nor progenitor's `ClientInfo`. The
/// client's parts are read through `syn`, so a later change of formatting cannot hide one.
#[test]
fn no_progenitor_plumbing_is_public() {
    let root = workspace_root();
    for document in Document::ALL {
        let file: syn::File =
            syn::parse_file(&std::fs::read_to_string(root.join(document.client_path())).unwrap()).unwrap();
        let mut constructors = 0;
        for item in &file.items {
            let syn::Item::Impl(block) = item else { continue };
            if block.trait_.is_some() {
                continue;
            }
            for member in &block.items {
                let syn::ImplItem::Fn(method) = member else { continue };
                if method.sig.ident == "new" || method.sig.ident == "new_with_client" {
                    constructors += 1;
                    assert!(
                        !matches!(method.vis, syn::Visibility::Public(_)),
                        "{}: `Client::{}` is public",
                        document.client_path(),
                        method.sig.ident
                    );
                }
            }
        }
        assert_eq!(constructors, 2, "{}: progenitor's two constructors were not found", document.client_path());
    }
    let lib: syn::File =
        syn::parse_file(&std::fs::read_to_string(root.join("generated-client/src/lib.rs")).unwrap()).unwrap();
    let mut exported = Vec::new();
    for item in &lib.items {
        if let syn::Item::Use(used) = item
            && matches!(used.vis, syn::Visibility::Public(_))
        {
            exported.push(quote::quote!(#used).to_string());
        }
    }
    assert!(!exported.is_empty());
    for plumbing in ["ClientState", "ClientInfo"] {
        assert!(exported.iter().all(|line| !line.contains(plumbing)), "the crate exports {plumbing}: {exported:?}");
    }
}
