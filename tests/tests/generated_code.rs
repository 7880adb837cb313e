//! The checked-in client is what the spec produces, and its public surface is reviewed.

use heygen_codegen::write::stale_files;
use heygen_tests::{Doc, workspace_root};

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
    insta::assert_snapshot!(surface(Doc::Legacy));
}

/// The same for the v3 client (`heygen_client::v3`).
#[test]
fn v3_api_surface() {
    insta::assert_snapshot!(surface(Doc::V3));
}

/// The surface listing of `doc`'s client, after checking that every operation has its method.
fn surface(doc: Doc) -> String {
    let document = doc.document();
    let spec_path = std::path::Path::new(document.spec);
    let generated = heygen_codegen::generate_spec_for(spec_path, doc.spec(), document.module).unwrap();
    let methods = generated.surface;
    for id in doc.operation_ids() {
        assert!(methods.iter().any(|m| m.name == id), "no method for {id}");
    }
    heygen_codegen::emit::surface::render(&methods)
}
