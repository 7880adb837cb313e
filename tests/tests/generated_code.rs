//! The checked-in client is what the spec produces, and its public surface is reviewed.

use heygen_codegen::write::stale_files;
use heygen_tests::workspace_root;

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
    let spec = heygen_tests::spec();
    let generated = heygen_codegen::generate_spec(std::path::Path::new(heygen_codegen::SPEC_PATH), spec).unwrap();
    let methods = generated.surface;
    for id in heygen_tests::operation_ids() {
        assert!(methods.iter().any(|m| m.name == id), "no method for {id}");
    }
    insta::assert_snapshot!(heygen_codegen::emit::surface::render(&methods));
}
