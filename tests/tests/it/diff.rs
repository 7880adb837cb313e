//! `cargo xtask diff`: fixture spec pairs under tests/fixtures/diff/<case>/, one kind of change
//! each, with the changes they must produce and snapshots of both renderings; a spec diffed with
//! itself reports nothing; unreadable input is an error with its file, line and pointer (exit
//! code 2), while a spec that breaks the house rules (a third-party document: 3.1, camelCase
//! operationIds, inline schemas, operations without operationId) is compared on the wire, with
//! its problems as notes and the Rust half skipped.

use heygen_codegen::Document;
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
    let spec = Document::Legacy.spec_path();
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
    let (document, _) = heygen_codegen::parse(&path, &source).unwrap();
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

/// A scratch git repository holding copies of both real documents under `spec/`, committed.
struct Repo(tempfile::TempDir);

impl Repo {
    fn new() -> Self {
        let repo = Repo(tempfile::tempdir().unwrap());
        std::fs::create_dir(repo.path().join("spec")).unwrap();
        for document in Document::ALL {
            std::fs::copy(workspace_root().join(document.spec_path()), repo.path().join(document.spec_path())).unwrap();
        }
        repo.git(&["init", "--quiet"]);
        repo.commit("both documents");
        repo
    }

    fn path(&self) -> &std::path::Path {
        self.0.path()
    }

    fn git(&self, args: &[&str]) {
        let identity =
            ["-c", "user.name=diff test", "-c", "user.email=diff@test.invalid", "-c", "commit.gpgsign=false"];
        let output =
            std::process::Command::new("git").arg("-C").arg(self.path()).args(identity).args(args).output().unwrap();
        assert!(output.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&output.stderr));
    }

    fn commit(&self, message: &str) {
        self.git(&["add", "--all"]);
        self.git(&["commit", "--quiet", "-m", message]);
    }

    /// Replaces the one `operationId: {operation}` line of `document` in the working tree.
    fn edit_operation(&self, document: &str, operation: &str, with: &str) {
        let path = self.path().join(document);
        let text = read(&path);
        let line = format!("      operationId: {operation}\n");
        assert_eq!(text.matches(&line).count(), 1, "{operation} in {document}");
        std::fs::write(&path, text.replace(&line, with)).unwrap();
    }

    /// Marks `operation` of `document` deprecated in the working tree.
    fn deprecate(&self, document: &str, operation: &str) {
        let with = format!("      operationId: {operation}\n      deprecated: true\n");
        self.edit_operation(document, operation, &with);
    }
}

fn review(repo: &Repo, base: &str, head: Option<&str>, spec: Option<&str>) -> diff::Review {
    diff::review(repo.path(), base, head, spec).unwrap_or_else(|e| panic!("{e}"))
}

/// The `id@operation` of each change, and each change's Rust text, of a review's one document.
fn only_document(review: &diff::Review, spec: &str) -> (Vec<String>, Vec<String>, Option<Semver>) {
    let [document] = review.documents.as_slice() else { panic!("one document expected: {review:?}") };
    assert_eq!(document.spec.as_deref(), Some(spec));
    let report = &document.report;
    let found = report.changes.iter().map(|c| format!("{}@{}", c.id, c.operation)).collect();
    (found, report.changes.iter().map(|c| c.rust.clone()).collect(), report.semver)
}

/// `cargo xtask diff --base HEAD~1` after a commit that changed only the v3 document reviews that
/// document alone, read from both commits (a 3.1 document downgraded on load): the wire change
/// names the operation, and the Rust half, from the v3 client generated from each commit, names
/// the method and its bump. The legacy document, unchanged, is not reviewed.
#[test]
fn a_v3_change_between_two_commits_is_reviewed_with_its_rust_half() {
    let repo = Repo::new();
    repo.deprecate(Document::V3.spec_path(), "get_current_user");
    repo.commit("v3: get_current_user deprecated");

    let review = review(&repo, "HEAD~1", None, None);
    let (found, rust, semver) = only_document(&review, Document::V3.spec_path());
    assert_eq!(found, ["operation-deprecated@get_current_user"]);
    assert_eq!(rust, ["minor: `Client::get_current_user` is now `#[deprecated]`"]);
    assert_eq!(semver, Some(Semver::Minor));
    assert!(review.skipped.is_empty());
    let document = &review.documents[0];
    assert_eq!(document.base_file, "HEAD~1:spec/heygen-v3.yaml");
    // The working tree is HEAD here, so the head's name is the document's path.
    assert_eq!(document.head_file, Document::V3.spec_path());

    let markdown = diff::review_markdown(&review);
    assert!(markdown.starts_with("# `spec/heygen-v3.yaml`: `HEAD~1:spec/heygen-v3.yaml` → `spec/heygen-v3.yaml`\n"));
    assert!(markdown.contains("### `get_current_user` (warning)"), "{markdown}");
    assert!(markdown.contains("| minor | `Client::get_current_user` | is now `#[deprecated]` |"), "{markdown}");
    let json: serde_json::Value = serde_json::from_str(&diff::review_json(&review)).unwrap();
    assert_eq!(json["documents"][0]["spec"], Document::V3.spec_path());
    assert_eq!(json["documents"][0]["semver"], "minor");
    assert_eq!(json["documents"][0]["changes"][0]["operation"], "get_current_user");
    assert_eq!(diff::review_exit_code(&Ok(review), FailOn::Never), 0);
}

/// The legacy document still goes through: an uncommitted change to it is reviewed against a
/// revision (the head defaults to the working tree), beside the committed v3 change when the
/// base is older; `--spec` picks one document, changed or not.
#[test]
fn documents_are_picked_by_what_changed_or_by_spec() {
    let repo = Repo::new();
    repo.deprecate(Document::V3.spec_path(), "get_current_user");
    repo.commit("v3: get_current_user deprecated");
    // Every legacy method with a v3 successor is `#[deprecated]` already; a rename shows.
    repo.edit_operation(Document::Legacy.spec_path(), "list_avatars", "      operationId: list_all_avatars\n");

    let (found, rust, semver) = only_document(&review(&repo, "HEAD", None, None), Document::Legacy.spec_path());
    assert_eq!(found, ["operation-id-renamed@list_all_avatars"]);
    let methods = "minor: `Client::list_all_avatars` method added; major: `Client::list_avatars` method removed";
    assert_eq!(rust, [methods]);
    assert_eq!(semver, Some(Semver::Major));

    let both = review(&repo, "HEAD~1", None, None);
    let specs: Vec<Option<&str>> = both.documents.iter().map(|d| d.spec.as_deref()).collect();
    assert_eq!(specs, [Some(Document::V3.spec_path()), Some(Document::Legacy.spec_path())]);

    let (found, _, semver) = only_document(&review(&repo, "HEAD~1", Some("HEAD"), None), Document::V3.spec_path());
    assert_eq!(found, ["operation-deprecated@get_current_user"]);
    assert_eq!(semver, Some(Semver::Minor));

    let unchanged = review(&repo, "HEAD", Some("HEAD"), Some(Document::V3.spec_path()));
    let (found, _, semver) = only_document(&unchanged, Document::V3.spec_path());
    assert!(found.is_empty() && semver == Some(Semver::None), "{found:?} {semver:?}");

    let nothing = review(&repo, "HEAD", Some("HEAD"), None);
    assert!(nothing.documents.is_empty() && nothing.skipped.is_empty(), "{nothing:?}");
    assert_eq!(diff::review_markdown(&nothing), "No document under `spec/` changed between `HEAD` and `HEAD`.\n");
}

/// A document added or removed between the revisions has nothing to compare with: it is listed
/// as skipped, not an error; named with `--spec`, it is an error naming the revision and path.
#[test]
fn a_document_on_one_side_only_is_skipped_unless_named() {
    let repo = Repo::new();
    let added = "spec/heygen-v4.yaml";
    std::fs::copy(fixture("diff/operation_added/head.yaml"), repo.path().join(added)).unwrap();
    repo.commit("a third document");

    let review_of_added = review(&repo, "HEAD~1", Some("HEAD"), None);
    assert!(review_of_added.documents.is_empty(), "{review_of_added:?}");
    let skipped: Vec<(&str, &str)> =
        review_of_added.skipped.iter().map(|s| (s.spec.as_str(), s.reason.as_str())).collect();
    assert_eq!(skipped, [(added, "added at the head: nothing to compare it with")]);

    let removed = review(&repo, "HEAD", Some("HEAD~1"), None);
    assert_eq!(removed.skipped[0].reason, "removed at the head: nothing to compare it with");

    let error = diff::review(repo.path(), "HEAD~1", Some("HEAD"), Some(added)).unwrap_err().to_string();
    assert_eq!(
        error,
        "`HEAD~1` is neither a file nor a git revision with spec/heygen-v4.yaml: spec/heygen-v4.yaml does not exist there"
    );
    let unknown = diff::review(repo.path(), "no-such-revision", None, None);
    let message = unknown.as_ref().unwrap_err().to_string();
    assert!(message.starts_with("cannot list the documents that changed between no-such-revision.."), "{message}");
    assert_eq!(diff::review_exit_code(&unknown, FailOn::Never), 2);
}

/// Two files are one comparison, whatever `spec/` holds; a file against a revision reads the
/// `--spec` document there (`spec/heygen.yaml` without it), as before documents were selected.
#[test]
fn a_file_side_compares_one_document() {
    let repo = Repo::new();
    let (base, head) = (relative("diff/operation_added/base.yaml"), relative("diff/operation_added/head.yaml"));
    let files = review(&repo, &base, Some(&head), None);
    let [document] = files.documents.as_slice() else { panic!("{files:?}") };
    assert_eq!((document.spec.as_deref(), document.base_file.as_str()), (None, base.as_str()));
    assert_eq!(document.report.changes[0].operation, "list_things");

    let v3 = workspace_root().join(Document::V3.spec_path());
    let against_head = review(&repo, v3.to_str().unwrap(), Some("HEAD"), Some(Document::V3.spec_path()));
    let (found, _, semver) = only_document(&against_head, Document::V3.spec_path());
    assert!(found.is_empty() && semver == Some(Semver::None), "{found:?}");
    let legacy = review(&repo, &base, Some("HEAD"), None);
    assert_eq!(legacy.documents[0].head_file, "HEAD:spec/heygen.yaml");

    repo.git(&["rm", "--quiet", Document::Legacy.spec_path()]);
    repo.commit("no legacy document");
    let error = diff::review(repo.path(), &base, Some("HEAD"), None).unwrap_err().to_string();
    assert!(error.ends_with("spec/heygen.yaml does not exist there"), "{error}");
}
