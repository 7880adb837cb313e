//! `cargo xtask diff`: fixture spec pairs under tests/fixtures/diff/<case>/, one kind of change
//! each, with the changes they must produce and snapshots of both renderings; a spec diffed with
//! itself reports nothing; unreadable input is an error with its file, line and pointer (exit
//! code 2), while a spec that breaks the house rules (a third-party document: 3.1, camelCase
//! operationIds, inline schemas, operations without operationId) is compared on the wire, with
//! its problems as notes and the Rust half skipped.

use heygen_codegen::diff::{self, DiffError, FailOn, NoteKind, Report, Semver, Side};
use heygen_tests::mutate::{mutated, node_pointers};
use heygen_tests::{fixture, installed_tool, workspace_root};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::json;

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
    // Both sides 3.1: `type: [string, 'null']` and `anyOf` with `{type: 'null'}` make properties
    // nullable; a `$ref` with a sibling description and an `examples` array change nothing.
    openapi31_pair: [
        "response-property-made-nullable@get_thing",
        "response-property-made-nullable@get_thing",
        "response-enum-value-added@get_thing",
        "response-property-made-nullable@create_thing",
        "response-property-made-nullable@create_thing",
        "response-enum-value-added@create_thing",
    ],
    // Ours against another author's JSON 3.1 document: paired by method and path (a path
    // parameter's name aside), `getThing` is `get_thing` in another case style (no rename),
    // `deleteThing` moved to another path, and the head's house-rule problems are notes.
    third_party_camel_case: [
        "response-property-added@getThing",
        "response-property-made-nullable@getThing",
        "response-property-made-nullable@getThing",
        "path-changed@deleteThing",
        "operation-id-renamed@createThingV2",
        "request-property-removed@createThingV2",
        "response-property-added@createThingV2",
        "response-property-made-nullable@createThingV2",
        "response-property-made-nullable@createThingV2",
        "operation-added@listThings",
    ],
    house_rule_problems: ["parameter-added-required@get_thing"],
    // An operation without operationId is keyed by its method and path.
    no_operation_id: [
        "parameter-added-optional@GET /v1/thing/{thing_id}",
        "operation-id-renamed@POST /v1/thing",
        "operation-added@DELETE /v1/thing/{thing_id}",
    ],
}

#[test]
fn the_real_spec_diffed_with_itself_reports_nothing() {
    let spec = heygen_codegen::SPEC_PATH;
    let report = diff::diff_revisions(workspace_root(), &format!("../{spec}"), None).unwrap_or_else(|e| panic!("{e}"));
    assert!(report.changes.is_empty(), "{:?}", report.changes);
    assert!(report.rust_api.is_empty(), "{:?}", report.rust_api);
    assert_eq!(report.semver, Some(Semver::None));
}

#[test]
fn every_fixture_diffed_with_itself_reports_nothing() {
    for entry in std::fs::read_dir(fixture("diff")).unwrap() {
        let head = entry.unwrap().path().join("head.yaml");
        let source = std::fs::read_to_string(&head).unwrap();
        let report = diff::diff_sources((&head, &source), (&head, &source)).unwrap_or_else(|e| panic!("{e}"));
        assert!(report.changes.is_empty() && report.rust_api.is_empty(), "{}: {report:?}", head.display());
        let generated = !report.notes.iter().any(|n| n.kind == NoteKind::RustNotCompared);
        assert_eq!(report.semver, generated.then_some(Semver::None), "{}", head.display());
    }
}

/// A git revision reads spec/heygen.yaml as committed there.
#[test]
fn a_revision_is_read_from_git() {
    let report = diff::diff_revisions(workspace_root(), "HEAD", Some("HEAD")).unwrap_or_else(|e| panic!("{e}"));
    assert!(report.changes.is_empty() && report.semver == Some(Semver::None));
}

fn error(base: &str) -> String {
    match diff::diff_revisions(workspace_root(), base, Some(&relative("diff/parameter_added/base.yaml"))) {
        Ok(report) => panic!("{base} diffed without error: {report:?}"),
        Err(e) => e.to_string(),
    }
}

/// Only input that cannot be read as an OpenAPI document is an error: bad YAML, not OpenAPI,
/// a 3.1 construct 3.0 cannot say. Each names its file, line and pointer.
#[test]
fn unreadable_input_is_a_located_error() {
    let bad = ["bad/invalid_yaml.yaml", "bad/not_openapi.yaml", "openapi31/bad/untranslatable.yaml"];
    let messages: Vec<String> = bad.iter().map(|file| error(&relative(file))).collect();
    insta::assert_snapshot!(messages.join("\n"));
}

/// A spec that breaks the house rules is compared all the same; its problems are notes with
/// their lines, every change says the Rust half was not compared, and the exit code follows
/// the changes alone.
#[test]
fn house_rule_problems_are_notes_not_errors() {
    let (base, head) = (relative("bad/unknown_ref.yaml"), relative("diff/parameter_added/base.yaml"));
    let result = diff::diff_revisions(workspace_root(), &base, Some(&head));
    let report = result.as_ref().unwrap_or_else(|e| panic!("{e}"));
    let problem = report.notes.iter().find(|n| n.kind == NoteKind::HouseRule).expect("a house-rule note");
    assert_eq!((problem.side, problem.file.as_str(), problem.line), (Side::Base, base.as_str(), Some(30)));
    assert!(problem.message.contains("#/components/schemas/Missing points at nothing"), "{problem:?}");
    let skipped: Vec<Side> =
        report.notes.iter().filter(|n| n.kind == NoteKind::RustNotCompared).map(|n| n.side).collect();
    assert_eq!(skipped, [Side::Base]);
    assert_eq!(report.semver, None);
    assert!(!report.changes.is_empty() && report.changes.iter().all(|c| c.rust == diff::NOT_COMPARED));
    assert!(report.rust_api.is_empty());
    assert_eq!(diff::exit_code(&result, FailOn::Never), 0);
    let markdown = diff::markdown(report);
    assert!(markdown.contains("the Rust API was not compared (see the notes)"), "{markdown}");
    assert!(!markdown.contains("  - Rust: "), "{markdown}");
}

fn read(path: &std::path::Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// rclone's RC API (npm `rclone-openapi`, pinned in tools/package.json): a 3.1 document of 101
/// operations that follows none of our house rules. Its JSON and YAML renderings diffed with
/// each other report nothing; with one path deleted, exactly that path's operations are gone.
#[test]
fn a_third_party_31_document_diffed_with_itself_reports_nothing() {
    let package = installed_tool("npm/node_modules/rclone-openapi");
    let (json, yaml) = (package.join("openapi.json"), package.join("openapi.yaml"));
    let (json_text, yaml_text) = (read(&json), read(&yaml));
    let report = diff::diff_sources((&json, &json_text), (&yaml, &yaml_text)).unwrap_or_else(|e| panic!("{e}"));
    assert!(report.changes.is_empty() && report.rust_api.is_empty(), "{:?}", report.changes);
    assert_eq!(report.semver, None);
    for side in [Side::Base, Side::Head] {
        let problems = report.notes.iter().filter(|n| n.side == side && n.kind == NoteKind::HouseRule).count();
        assert!(problems > 100, "{side:?}: {problems} house-rule notes");
    }

    let mut document: serde_json::Value = serde_json::from_str(&json_text).unwrap();
    let paths = document["paths"].as_object_mut().unwrap();
    let path = paths.keys().next().unwrap().clone();
    let item = paths.remove(&path).unwrap();
    let mut gone: Vec<String> = item.as_object().unwrap().values().map(|op| op["operationId"].to_string()).collect();
    let head = serde_json::to_string(&document).unwrap();
    let report = diff::diff_sources((&json, &json_text), (&json, &head)).unwrap_or_else(|e| panic!("{e}"));
    let mut removed: Vec<String> = report.changes.iter().map(|c| format!("\"{}\"", c.operation)).collect();
    gone.sort();
    removed.sort();
    assert_eq!(removed, gone, "after deleting {path}");
    assert!(report.changes.iter().all(|c| c.id == "operation-removed"), "{:?}", report.changes);
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

/// Nodes a mutation drops into a third-party document: wrong types, dangling and circular
/// references, and the wrappers the wire comparison looks through.
fn snippet() -> impl Strategy<Value = serde_json::Value> {
    prop::sample::select(vec![
        json!(null),
        json!(true),
        json!([]),
        json!({}),
        json!("x"),
        json!(7),
        json!({"$ref": "#/components/schemas/Missing"}),
        json!({"$ref": "#"}),
        json!({"allOf": [{"$ref": "#/components/schemas/Thing"}]}),
        json!({"anyOf": [{"type": "null"}, {"$ref": "#/components/schemas/Thing"}]}),
        json!({"oneOf": [{"type": "null"}, {"enum": [null]}]}),
        json!({"type": ["string", "null"], "enum": [null, "a", 1]}),
        json!({"type": "object", "properties": {"type": {"const": "a"}}, "required": "type"}),
    ])
}

/// Mutated third-party documents (a node replaced or removed, once or twice) diffed with the
/// document they came from: a report whose notes name lines of their side's text, or an error
/// whose problems do; never a panic.
#[test]
fn mutated_third_party_documents_diff_or_fail_with_located_problems() {
    let path = fixture("diff/third_party_camel_case/head.yaml");
    let source = read(&path);
    let (document, _) = heygen_codegen::load::parse(&path, &source).unwrap();
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(64);
    let mut runner = TestRunner::new(Config { cases, failure_persistence: None, ..Config::default() });
    let strategy = (any::<prop::sample::Index>(), proptest::option::of(snippet()), 1..3usize);
    let result = runner.run(&strategy, |(at, with, times)| {
        let mut doc = document.clone();
        for _ in 0..times {
            let mut pointers = Vec::new();
            node_pointers(&doc, String::new(), &mut pointers);
            doc = mutated(doc, &pointers[at.index(pointers.len())], with.clone());
        }
        let text = serde_json::to_string_pretty(&doc).unwrap();
        let mutant = std::path::Path::new("mutated.json");
        let lines = |side: Side| if side == Side::Base { source.lines().count() } else { text.lines().count() };
        match diff::diff_sources((&path, &source), (mutant, &text)) {
            Ok(report) => {
                for note in &report.notes {
                    let line = note.line.unwrap_or(1);
                    prop_assert!((1..=lines(note.side)).contains(&line), "a note off the text: {note:?}");
                }
            }
            Err(DiffError::Spec(e)) => {
                prop_assert!(!e.problems.is_empty(), "a spec error without problems");
                let off = e.problems.iter().find(|p| !(1..=text.lines().count()).contains(&p.line));
                prop_assert!(off.is_none(), "a problem off the text: {e}");
            }
            Err(other) => prop_assert!(false, "{other}"),
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}
