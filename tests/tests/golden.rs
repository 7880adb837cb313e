//! Golden output of the generator for small specs under tests/fixtures/golden/, one feature each.
//! Review changes with `cargo insta review`.

use std::path::Path;

use heygen_tests::fixture;

fn generate(name: &str) -> String {
    let path = fixture(&format!("golden/{name}.yaml"));
    let source = std::fs::read_to_string(&path).unwrap();
    let files = heygen_codegen::generate_from_source(Path::new(name), &source).unwrap_or_else(|e| panic!("{e}"));
    files.into_iter().map(|f| f.contents).collect()
}

macro_rules! golden {
    ($($name:ident),* $(,)?) => {$(
        #[test]
        fn $name() {
            insta::assert_snapshot!(generate(stringify!($name)));
        }
    )*};
}

golden!(auth_and_hosts, raw_upload, enums, nullable_fields, one_of, error_responses, deprecated, workflows);
