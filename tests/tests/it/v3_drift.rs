//! Drift triage as data: `cargo xtask diff` of HeyGen's published v3 document (read from
//! `../shared/heygen-api/v3/` at test time; skipped with a message when absent) against
//! `spec/heygen-v3.yaml` must consist of exactly the differences `spec/heygen-v3.triage.yaml`
//! accepts, each with its reason. A new difference fails with its location and the entry to
//! paste once its reason is decided; an entry whose difference is gone fails too.

use std::path::Path;

use heygen_codegen::diff::{self, triage};
use heygen_tests::{Document, DocumentExt, fixture, heygen_doc, workspace_root};

fn read(relative: &str) -> String {
    let path = workspace_root().join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn v3_triage() -> triage::Triage {
    let path = triage::V3_TRIAGE_PATH;
    triage::parse(Path::new(path), &read(path)).unwrap_or_else(|e| panic!("{e}"))
}

/// The triage file is well formed whether or not HeyGen's document is at hand: every entry
/// names a reason the file gives, no reason is empty, no difference is accepted twice.
#[test]
fn the_triage_file_is_well_formed() {
    let triage = v3_triage();
    assert!(!triage.accepted.is_empty());
}

#[test]
fn every_difference_from_heygens_document_is_triaged() {
    if heygen_doc::load("the drift triage").is_none() {
        return;
    }
    let theirs = workspace_root().join(heygen_doc::RELATIVE_PATH);
    let theirs_text = std::fs::read_to_string(&theirs).expect("read above");
    let ours = Document::V3.spec_path();
    let report =
        diff::diff_sources((Path::new(heygen_doc::RELATIVE_PATH), &theirs_text), (Path::new(ours), &read(ours)))
            .unwrap_or_else(|e| panic!("{e}"));
    let triage = v3_triage();
    let outcome = triage::apply(&report, &triage);
    let lines = &Document::V3.spec().lines;
    let mut failures = Vec::new();
    for change in &outcome.unaccepted {
        // A change locates itself in our spec, or in HeyGen's for what only HeyGen has.
        let at = if Document::V3.spec().json.pointer(&change.location).is_some() {
            format!("{ours}:{}: {}", lines.line_of(&change.location), change.location)
        } else {
            format!("{}: {}", heygen_doc::RELATIVE_PATH, change.location)
        };
        failures.push(format!(
            "not triaged: {at}: {} ({}, {}); to accept it:\n{}",
            change.message,
            change.id,
            change.severity.as_str(),
            triage::entry(change, "<reason>")
        ));
    }
    for entry in &outcome.stale {
        failures.push(format!(
            "{}: accepts a difference that is gone, remove it: {} {} {} {}",
            triage::V3_TRIAGE_PATH,
            entry.id,
            entry.operation,
            entry.location,
            entry.message
        ));
    }
    assert!(failures.is_empty(), "{} problems with the drift triage:\n{}", failures.len(), failures.join("\n"));
    assert!(report.changes.len() > 100, "only {} differences: is the base HeyGen's document?", report.changes.len());
}

/// The filter on a small pair: an accepted change passes, an unaccepted one and a stale entry
/// are reported, and a triage that names an unknown reason or says nothing is refused with its
/// line.
#[test]
fn the_triage_reports_unaccepted_changes_and_stale_entries() {
    let base = fixture("diff/operation_added/base.yaml");
    let head = fixture("diff/operation_added/head.yaml");
    let report = diff::diff_sources(
        (&base, &std::fs::read_to_string(&base).unwrap()),
        (&head, &std::fs::read_to_string(&head).unwrap()),
    )
    .unwrap();
    let change = report.changes.first().expect("the pair differs");
    let accepting = format!("reasons:\n  r: a reason\naccepted:\n{}\n", triage::entry(change, "r"));
    let triage_file = triage::parse(Path::new("t.yaml"), &accepting).unwrap();
    let outcome = triage::apply(&report, &triage_file);
    assert_eq!(outcome.unaccepted.len(), report.changes.len() - 1);
    assert!(outcome.stale.is_empty());

    let stale = "reasons:\n  r: a reason\naccepted:\n  - {id: x, operation: y, location: /z, message: m, reason: r}\n";
    let triage_file = triage::parse(Path::new("t.yaml"), stale).unwrap();
    let outcome = triage::apply(&report, &triage_file);
    assert_eq!(outcome.stale.len(), 1);
    assert_eq!(outcome.unaccepted.len(), report.changes.len());
    assert!(!outcome.is_clean());

    let unknown = "reasons:\n  r: ''\naccepted:\n  - {id: x, operation: y, location: /z, message: m, reason: q}\n";
    let error = triage::parse(Path::new("t.yaml"), unknown).unwrap_err().to_string();
    assert!(error.contains("t.yaml:2: /reasons/r: reason `r` says nothing"), "{error}");
    assert!(error.contains("t.yaml:4: /accepted/0/reason: `q` is not one of the file's reasons"), "{error}");
}
