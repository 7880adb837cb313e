//! OpenAPI 3.1 input (tests/fixtures/openapi31/): each golden 3.1 document downgrades to the
//! 3.0.3 snapshot beside it, and its client (kept in tests/golden/src/openapi31_<name>.rs by
//! the goldens test) compiles in the golden crate; broken 3.1 documents fail with
//! every problem located in the 3.1 source; mutated documents never panic; and a third-party 3.1
//! document from npm (rclone's RC API, pinned in tools/package.json) downgrades into what
//! openapi-spec-validator accepts as 3.0.
//!
//! After a deliberate change: `cargo insta review` for the snapshots,
//! `UPDATE_GOLDENS=1 cargo test -p heygen-tests --test it goldens::` for the clients.

use std::path::Path;
use std::process::Command;

use heygen_codegen::{Document, to_yaml};
use heygen_tests::mutate::{mutated, node_pointers};
use heygen_tests::{fixture, installed_tool};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{Value, json};

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// The 3.0.3 document as YAML, then the notes, as a reviewer would read them.
fn downgraded(name: &str, source: &str) -> String {
    let spec = heygen_codegen::load(Path::new(name), source).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(spec.downgraded_from.as_deref(), Some("3.1.0"));
    let mut out = to_yaml(&spec.json);
    for note in &spec.notes {
        out.push_str(&format!("# note: line {}: {}: {}\n", note.line, note.pointer, note.message));
    }
    out
}

fn golden(name: &str) {
    let path = fixture(&format!("openapi31/golden/{name}.yaml"));
    let source = read(&path);
    insta::assert_snapshot!(format!("openapi31_{name}"), downgraded(name, &source));
}

macro_rules! golden {
    ($($name:ident),* $(,)?) => {$(
        #[test]
        fn $name() {
            golden(stringify!($name));
        }
    )*};
}

golden!(nullable, const_and_discriminator, annotations, defs_and_document, binary_upload);

fn error_for(name: &str) -> String {
    let file = format!("openapi31/bad/{name}.yaml");
    match heygen_codegen::generate_from_source(Document::Legacy, Path::new(&file), &read(&fixture(&file))) {
        Ok(_) => panic!("{file} generated without error"),
        Err(e) => e.to_string(),
    }
}

/// Every construct 3.0 cannot say is reported at once, each at its line in the 3.1 source.
#[test]
fn untranslatable_constructs_are_located() {
    insta::assert_snapshot!(error_for("untranslatable"));
}

/// Problems found after the downgrade (here the house rules, on a path item that was inlined
/// and a schema lifted out of `$defs`) still name the line of the 3.1 source.
#[test]
fn later_problems_name_the_source_line() {
    let message = error_for("house_rules_after_downgrade");
    insta::assert_snapshot!(message);
    let source = read(&fixture("openapi31/bad/house_rules_after_downgrade.yaml"));
    let line_of = |needle: &str| source.lines().position(|l| l.contains(needle)).expect("in the fixture") + 1;
    assert!(message.contains(&format!(":{}: /paths/~1v1~1thing/get/operationId", line_of("operationId: getThing"))));
}

/// The v3 rule for `required` in replies: a required reply field without evidence, evidence
/// that is neither `heygen` nor `bodies`, and evidence for a field that is not required are each
/// reported at their line; a union's tag (`type`) needs none.
#[test]
fn required_reply_fields_need_evidence() {
    let message = error_for("required_without_evidence");
    insta::assert_snapshot!(message);
    assert!(!message.contains("`type`"), "a union's tag needs no evidence: {message}");
}

/// A 3.0 document is untouched: the stage runs only for 3.1.
#[test]
fn a_30_document_is_not_downgraded() {
    let spec = heygen_tests::spec();
    assert_eq!(spec.downgraded_from, None);
    assert!(spec.notes.is_empty());
    assert_eq!(spec.json["openapi"], "3.0.3");
}

/// The line index follows nodes that moved: a lifted `$defs` entry, a renamed `webhooks`, a
/// collapsed union branch, a `$ref` wrapped into `allOf`.
#[test]
fn moved_nodes_keep_their_source_lines() {
    let check = |name: &str, pointer: &str, needle: &str| {
        let source = read(&fixture(&format!("openapi31/golden/{name}.yaml")));
        let spec = heygen_codegen::load(Path::new(name), &source).unwrap();
        let expected = source.lines().position(|l| l.trim_start().starts_with(needle)).expect("needle") + 1;
        assert!(spec.json.pointer(pointer).is_some(), "{pointer} is not in the output");
        assert_eq!(spec.lines.line_of(pointer), expected, "{name}: {pointer}");
    };
    check("defs_and_document", "/components/schemas/Owner/properties/email", "email:");
    check("defs_and_document", "/x-webhooks/folder_created/post", "post:");
    check("defs_and_document", "/paths/~1v1~1folder/get/operationId", "operationId: get_folder");
    check(
        "nullable",
        "/components/schemas/Status/properties/detail/oneOf/0/$ref",
        "- $ref: '#/components/schemas/Detail'",
    );
    check("nullable", "/components/schemas/Status/properties/duration/type", "- type: number");
    check(
        "annotations",
        "/components/schemas/Speech/properties/voice/allOf/0/$ref",
        "$ref: '#/components/schemas/Voice'",
    );
}

/// Snippets of 3.1 that a mutation drops into a golden document.
fn snippet() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(json!({"type": ["string", "null"]})),
        Just(json!({"type": ["string", "integer", "number", "null"], "enum": [1, "a", null]})),
        Just(json!({"anyOf": [{"type": "null"}, {"$ref": "#/components/schemas/Missing"}]})),
        Just(json!({"oneOf": [true, {"type": "null"}]})),
        Just(json!({"const": null})),
        Just(json!({"const": 3, "enum": [1, 2]})),
        Just(json!({"examples": "not a list", "exclusiveMinimum": "x", "exclusiveMaximum": 1e300})),
        Just(json!({"$defs": {"A": {"$defs": {"B": false}}}, "$ref": "#/components/schemas/A"})),
        Just(json!({"$defs": []})),
        Just(json!({"prefixItems": [{"type": "string"}], "items": false, "maxItems": "x"})),
        Just(json!({"patternProperties": {"^x": true}, "additionalProperties": {"type": "string"}})),
        Just(json!({"$ref": "#/components/schemas/Folder/$defs/Owner/properties/name", "description": "d"})),
        Just(json!({"$id": "x", "$schema": "https://example.com/dialect", "$comment": 1})),
        Just(json!({"contentEncoding": 7, "contentMediaType": null, "contentSchema": {}})),
        Just(json!({"$ref": "#/components/pathItems/Folder", "summary": "s"})),
        Just(json!(true)),
        Just(json!(false)),
        Just(json!(null)),
        Just(json!([])),
        any::<i64>().prop_map(Value::from),
        "[a-z$#/{}]{0,8}".prop_map(Value::from),
    ]
}

/// Mutated 3.1 documents go through the downgrade and the whole generator: `Ok`, or an error
/// whose problems all have a line inside the mutated text.
#[test]
fn mutated_31_documents_downgrade_or_fail_with_located_problems() {
    let documents: Vec<Value> =
        ["nullable", "const_and_discriminator", "annotations", "defs_and_document", "binary_upload"]
            .iter()
            .map(|name| {
                let source = read(&fixture(&format!("openapi31/golden/{name}.yaml")));
                heygen_codegen::parse(Path::new(name), &source).unwrap().0
            })
            .collect();
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(48);
    let mut runner = TestRunner::new(Config { cases, failure_persistence: None, ..Config::default() });
    let strategy = (0..documents.len(), any::<prop::sample::Index>(), proptest::option::of(snippet()), 1..3usize);
    let result = runner.run(&strategy, |(which, at, with, times)| {
        let mut doc = documents[which].clone();
        for _ in 0..times {
            let mut pointers = Vec::new();
            node_pointers(&doc, String::new(), &mut pointers);
            doc = mutated(doc, &pointers[at.index(pointers.len())], with.clone());
        }
        let text = serde_json::to_string_pretty(&doc).unwrap();
        let line_count = text.lines().count();
        match heygen_codegen::generate_from_source(Document::Legacy, Path::new("mutated.json"), &text) {
            Ok(files) => prop_assert!(files.iter().all(|f| f.contents.starts_with("// @generated"))),
            Err(heygen_codegen::Error::Spec(e)) => {
                prop_assert!(!e.problems.is_empty(), "a spec error without problems");
                prop_assert!(
                    e.problems.iter().all(|p| (1..=line_count).contains(&p.line)),
                    "a problem off the text: {e}"
                );
            }
            Err(_) => {}
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        (-1e300f64..1e300).prop_map(Value::from),
        ".{0,12}".prop_map(Value::from),
        prop::sample::select(vec![
            "yes",
            "No",
            "1e3",
            "2024-01-01",
            "0x1F",
            "~",
            "",
            " a",
            "a: b",
            "- x",
            "a\nb\n",
            "\tx",
            "#",
            "@"
        ])
        .prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(".{0,6}", inner, 0..4).prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// The YAML the command writes reads back as the same value.
#[test]
fn yaml_output_reads_back_as_the_same_value() {
    let mut runner = TestRunner::new(Config { cases: 256, failure_persistence: None, ..Config::default() });
    let result = runner.run(&json_value(), |value| {
        let yaml = to_yaml(&value);
        let (back, _) = heygen_codegen::parse(Path::new("out.yaml"), &yaml)
            .map_err(|e| TestCaseError::fail(format!("{e}\n{yaml}")))?;
        prop_assert_eq!(back, value, "{}", yaml);
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}

/// rclone's RC API (npm `rclone-openapi`, pinned in tools/package.json): an OpenAPI 3.1 document
/// of 101 operations that none of us wrote. Its downgrade, as JSON and as YAML, is valid 3.0 to
/// openapi-spec-validator.
#[test]
fn a_third_party_31_document_downgrades_to_valid_30() {
    let package = installed_tool("npm/node_modules/rclone-openapi");
    let validator = installed_tool("venv/bin/openapi-spec-validator");
    let dir = tempfile::tempdir().unwrap();
    for input in ["openapi.json", "openapi.yaml"] {
        let path = package.join(input);
        let spec = heygen_codegen::load(&path, &read(&path)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(spec.downgraded_from.as_deref(), Some("3.1.0"));
        let operations: usize =
            spec.openapi.paths.iter().filter_map(|(_, item)| item.as_item()).map(|item| item.iter().count()).sum();
        assert!(operations >= 40, "{input}: only {operations} operations");
        let json_out = dir.path().join(format!("{input}.out.json"));
        let yaml_out = dir.path().join(format!("{input}.out.yaml"));
        std::fs::write(&json_out, serde_json::to_string_pretty(&spec.json).unwrap()).unwrap();
        std::fs::write(&yaml_out, to_yaml(&spec.json)).unwrap();
        let run = Command::new(&validator).args(["--schema", "3.0"]).arg(&json_out).arg(&yaml_out).output().unwrap();
        assert!(
            run.status.success(),
            "openapi-spec-validator rejected the downgrade of {input}:\n{}{}",
            String::from_utf8_lossy(&run.stdout),
            String::from_utf8_lossy(&run.stderr)
        );
    }
}
