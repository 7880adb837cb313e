//! `cargo xtask diff`: fixture spec pairs under tests/fixtures/diff/<case>/, one kind of change
//! each, with the changes they must produce and snapshots of both renderings; a spec diffed with
//! itself reports nothing; bad input is an error with its file, line and pointer (exit code 2).

use heygen_codegen::diff::{self, DiffError, FailOn, Report, Semver};
use heygen_tests::{fixture, workspace_root};

/// Fixture paths relative to the tests crate (the working directory of its tests), so that
/// file names in messages and snapshots do not depend on where the checkout is.
fn relative(path: &str) -> String {
    format!("fixtures/{path}")
}

fn case(name: &str) -> Report {
    let (base, head) = (relative(&format!("diff/{name}/base.yaml")), relative(&format!("diff/{name}/head.yaml")));
    diff::diff_revisions(workspace_root(), &base, Some(&head)).unwrap_or_else(|e| panic!("{e}"))
}

/// Each case: the `id@operation` of every change it must report, in report order.
macro_rules! cases {
    ($($name:ident: [$($change:literal),* $(,)?]),* $(,)?) => {$(
        #[test]
        fn $name() {
            let report = case(stringify!($name));
            let found: Vec<String> = report.changes.iter().map(|c| format!("{}@{}", c.id, c.operation)).collect();
            assert_eq!(found, [$($change),*], "changes of {}", stringify!($name));
            insta::assert_snapshot!(concat!(stringify!($name), "_markdown"), diff::markdown(&report));
            insta::assert_snapshot!(concat!(stringify!($name), "_json"), diff::json(&report));
        }
    )*};
}

cases! {
    operation_added: ["operation-added@list_things"],
    operation_removed: ["operation-removed@create_thing"],
    operation_deprecated: ["operation-deprecated@get_thing"],
    operation_id_renamed: ["operation-id-renamed@get_one_thing"],
    path_changed: ["path-changed@get_thing"],
    method_changed: ["method-changed@create_thing"],
    parameter_added: ["parameter-added-optional@get_thing", "parameter-added-required@get_thing"],
    parameter_removed: ["parameter-removed@get_thing"],
    parameter_made_required: ["parameter-made-required@get_thing"],
    parameter_type_changed: ["parameter-type-changed@get_thing"],
    request_property_added: ["request-property-added-required@create_thing", "request-property-added-optional@create_thing"],
    request_property_removed: ["request-property-removed@create_thing"],
    request_property_made_required: ["request-property-made-required@create_thing"],
    request_property_type_changed: ["request-property-type-changed@create_thing"],
    request_enum_values: ["request-enum-value-added@create_thing", "request-enum-value-removed@create_thing"],
    response_property_added: ["response-property-added@get_thing", "response-property-added@create_thing"],
    response_property_removed: ["response-property-removed@get_thing", "response-property-removed@create_thing"],
    response_property_type_changed: ["response-property-type-changed@get_thing", "response-property-type-changed@create_thing"],
    response_property_made_nullable: ["response-property-made-nullable@get_thing", "response-property-made-nullable@create_thing"],
    response_enum_value_added: ["response-enum-value-added@get_thing", "response-enum-value-added@create_thing"],
    success_status_changed: ["success-status-changed@create_thing"],
    error_schema_changed: ["error-schema-changed@get_thing", "error-schema-changed@create_thing"],
    security_changed: ["security-changed@get_thing"],
    server_changed: ["server-changed@create_thing"],
    // Tag is reached from both operations through Thing.tags[].items (and Thing.parent loops).
    shared_component: ["response-property-added@get_thing", "response-property-added@create_thing"],
}

#[test]
fn the_real_spec_diffed_with_itself_reports_nothing() {
    let spec = heygen_codegen::SPEC_PATH;
    let report = diff::diff_revisions(workspace_root(), &format!("../{spec}"), None).unwrap_or_else(|e| panic!("{e}"));
    assert!(report.changes.is_empty(), "{:?}", report.changes);
    assert!(report.rust_api.is_empty(), "{:?}", report.rust_api);
    assert_eq!(report.semver, Semver::None);
}

#[test]
fn every_fixture_diffed_with_itself_reports_nothing() {
    for entry in std::fs::read_dir(fixture("diff")).unwrap() {
        let head = entry.unwrap().path().join("head.yaml");
        let source = std::fs::read_to_string(&head).unwrap();
        let report = diff::diff_sources((&head, &source), (&head, &source)).unwrap_or_else(|e| panic!("{e}"));
        assert!(report.changes.is_empty() && report.rust_api.is_empty(), "{}: {report:?}", head.display());
        assert_eq!(report.semver, Semver::None, "{}", head.display());
    }
}

/// A git revision reads spec/heygen.yaml as committed there.
#[test]
fn a_revision_is_read_from_git() {
    let report = diff::diff_revisions(workspace_root(), "HEAD", Some("HEAD")).unwrap_or_else(|e| panic!("{e}"));
    assert!(report.changes.is_empty() && report.semver == Semver::None);
}

fn error(base: &str) -> String {
    match diff::diff_revisions(workspace_root(), base, Some(&relative("diff/parameter_added/base.yaml"))) {
        Ok(report) => panic!("{base} diffed without error: {report:?}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn an_invalid_spec_is_located() {
    insta::assert_snapshot!(error(&relative("bad/unknown_ref.yaml")));
}

#[test]
fn an_unknown_revision_names_the_argument() {
    let message = error("no-such-revision");
    assert!(
        message.starts_with("`no-such-revision` is neither a file nor a git revision with spec/heygen.yaml: "),
        "{message}"
    );
}

#[test]
fn an_unreadable_file_names_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("spec.yaml");
    std::fs::write(&path, b"openapi: \xff\xfe").unwrap();
    let message = error(path.to_str().unwrap());
    assert!(message.starts_with(&format!("cannot read {}: ", path.display())), "{message}");
}

#[test]
fn exit_codes() {
    let bad: Result<Report, DiffError> = diff::diff_revisions(workspace_root(), "no-such-revision", None);
    assert_eq!(diff::exit_code(&bad, FailOn::Never), 2);
    let breaking = Ok(case("parameter_made_required"));
    assert_eq!(diff::exit_code(&breaking, FailOn::Breaking), 1);
    assert_eq!(diff::exit_code(&breaking, FailOn::Never), 0);
    let warning = Ok(case("response_enum_value_added"));
    assert_eq!(diff::exit_code(&warning, FailOn::Breaking), 0);
    assert_eq!(diff::exit_code(&warning, FailOn::Warning), 1);
    let info = Ok(case("operation_added"));
    assert_eq!(diff::exit_code(&info, FailOn::Warning), 0);
}

#[test]
fn fail_on_and_format_parse_from_the_command_line() {
    assert_eq!("warning".parse::<FailOn>(), Ok(FailOn::Warning));
    assert_eq!("json".parse::<diff::Format>(), Ok(diff::Format::Json));
    assert!("loud".parse::<FailOn>().unwrap_err().contains("breaking, warning, never"));
}

/// The JSON has the fields tools rely on.
#[test]
fn json_shape() {
    let json: serde_json::Value = serde_json::from_str(&diff::json(&case("parameter_made_required"))).unwrap();
    assert_eq!(json["semver"], "major");
    let change = &json["changes"][0];
    for key in ["id", "severity", "operation", "location", "message", "rust"] {
        assert!(change[key].is_string(), "{key} in {change}");
    }
}
