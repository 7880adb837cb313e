//! Broken specs under tests/fixtures/bad/: each gets an error naming the file, line and JSON
//! pointer, and generating from it leaves the generated files byte for byte as they were.

use std::path::Path;

use heygen_tests::{Document, fixture};

fn error_for(name: &str) -> String {
    let source = std::fs::read_to_string(fixture(&format!("bad/{name}.yaml"))).unwrap();
    let file = format!("bad/{name}.yaml");
    match heygen_codegen::generate_from_source(Document::Legacy, Path::new(&file), &source) {
        Ok(_) => panic!("{file} generated without error"),
        Err(e) => e.to_string(),
    }
}

macro_rules! bad_spec {
    ($($name:ident),* $(,)?) => {$(
        #[test]
        fn $name() {
            insta::assert_snapshot!(error_for(stringify!($name)));
        }
    )*};
}

bad_spec!(
    invalid_yaml,
    not_openapi,
    unsupported_version,
    unknown_ref,
    missing_operation_id,
    duplicate_operation_id,
    operation_id_not_snake_case,
    two_success_schemas,
    two_error_schemas,
    unsupported_media_type,
    multipart_body,
    inline_request_schema,
    missing_docs_and_tag,
    undeclared_path_parameter,
    nullable_named_union,
    unknown_server,
    unroutable_server,
    unsupported_security,
    invalid_extensions,
    raw_upload_without_content_type,
    required_not_in_example,
    illustrative_enum_not_open,
);

/// `cargo xtask generate` on a bad spec writes nothing: the old generated files stay.
#[test]
fn generate_to_disk_leaves_files_untouched_on_error() {
    let root = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(root.path().join("spec")).unwrap();
    let client = root.path().join(Document::Legacy.client_path());
    std::fs::create_dir_all(client.parent().unwrap()).unwrap();
    let before = "// the previous generated code\n";
    std::fs::write(&client, before).unwrap();
    for bad in std::fs::read_dir(fixture("bad")).unwrap() {
        let bad = bad.unwrap().path();
        std::fs::copy(&bad, root.path().join(Document::Legacy.spec_path())).unwrap();
        assert!(heygen_codegen::generate_to_disk(root.path()).is_err(), "{} generated", bad.display());
        assert_eq!(std::fs::read_to_string(&client).unwrap(), before, "{} changed the files", bad.display());
        let leftovers = std::fs::read_dir(client.parent().unwrap()).unwrap().count();
        assert_eq!(leftovers, 1, "{} left temporary files", bad.display());
    }
    // And a good spec does replace them.
    std::fs::copy(fixture("golden/raw_upload.yaml"), root.path().join(Document::Legacy.spec_path())).unwrap();
    heygen_codegen::generate_to_disk(root.path()).unwrap();
    assert!(std::fs::read_to_string(&client).unwrap().starts_with("// @generated"));
}
