//! Render: the report as JSON for tools and as Markdown for a pull request.

use std::collections::BTreeMap;

use super::{Change, Note, NoteKind, Report, Severity, Side};

/// The report as pretty JSON: `{"semver", "changes": [...], "rust_api": [...], "notes": [...]}`.
pub fn json(report: &Report) -> String {
    serde_json::to_string_pretty(report).expect("the report serializes") + "\n"
}

/// The report as Markdown: a summary line, the wire changes grouped by operation with the most
/// severe operations first, then the Rust API changes with the semver bump they need, then the
/// notes on each side (long lists folded, so a review of a third-party document stays readable).
pub fn markdown(report: &Report) -> String {
    let mut out = String::from("## Spec changes\n\n");
    let count = |severity| report.changes.iter().filter(|c| c.severity == severity).count();
    let rust = match report.semver {
        Some(semver) => format!("the Rust API needs a **{}** version bump", semver.as_str()),
        None => "the Rust API was not compared (see the notes)".to_owned(),
    };
    out.push_str(&format!(
        "**{} breaking, {} warning, {} info** for HTTP callers; {rust}.\n",
        count(Severity::Breaking),
        count(Severity::Warning),
        count(Severity::Info),
    ));
    let mut by_operation: BTreeMap<&str, Vec<&Change>> = BTreeMap::new();
    for change in &report.changes {
        by_operation.entry(&change.operation).or_default().push(change);
    }
    let mut operations: Vec<(&str, Vec<&Change>)> = by_operation.into_iter().collect();
    for (_, changes) in &mut operations {
        changes.sort_by_key(|c| std::cmp::Reverse(c.severity));
    }
    operations.sort_by_key(|(_, changes)| std::cmp::Reverse(changes[0].severity));
    for (operation, changes) in &operations {
        out.push_str(&format!("\n### `{operation}` ({})\n\n", changes[0].severity.as_str()));
        for c in changes {
            out.push_str(&format!("- **{}** `{}`: {}\n", c.severity.as_str(), c.id, c.message));
            out.push_str(&format!("  - at `{}`\n", c.location));
            if report.semver.is_some() {
                out.push_str(&format!("  - Rust: {}\n", c.rust));
            }
        }
    }
    if report.changes.is_empty() {
        out.push_str("\nNo operation changed on the wire.\n");
    }
    rust_api(report, &mut out);
    notes(&report.notes, &mut out);
    out
}

fn rust_api(report: &Report, out: &mut String) {
    let Some(semver) = report.semver else {
        out.push_str("\n### Rust API (not compared)\n\nThe generated clients were not compared: see the notes.\n");
        return;
    };
    out.push_str(&format!("\n### Rust API ({})\n\n", semver.as_str()));
    if report.rust_api.is_empty() {
        out.push_str("No public item of the generated client changed.\n");
        return;
    }
    let mut rust: Vec<_> = report.rust_api.iter().collect();
    rust.sort_by_key(|c| std::cmp::Reverse(c.semver));
    out.push_str("| bump | item | change |\n|---|---|---|\n");
    for c in rust {
        out.push_str(&format!("| {} | `{}` | {} |\n", c.semver.as_str(), c.item, c.change.replace('|', "\\|")));
    }
}

/// The notes of each side: why the Rust half was skipped in full, the located ones as lists.
fn notes(notes: &[Note], out: &mut String) {
    if notes.is_empty() {
        return;
    }
    out.push_str("\n### Notes\n");
    for side in [Side::Base, Side::Head] {
        let of_side: Vec<&Note> = notes.iter().filter(|n| n.side == side).collect();
        let Some(first) = of_side.first() else { continue };
        out.push_str(&format!("\n#### {}: `{}`\n\n", side.as_str(), first.file));
        for note in of_side.iter().filter(|n| n.kind == NoteKind::RustNotCompared) {
            out.push_str(&format!("- {}\n", note.message));
        }
        for (kind, what) in [
            (NoteKind::HouseRule, "house-rule problem"),
            (NoteKind::Generator, "generator problem"),
            (NoteKind::Downgrade, "downgrade note"),
        ] {
            let listed: Vec<&&Note> = of_side.iter().filter(|n| n.kind == kind).collect();
            if listed.is_empty() {
                continue;
            }
            let plural = if listed.len() == 1 { "" } else { "s" };
            out.push_str(&format!("\n<details><summary>{} {what}{plural}</summary>\n\n", listed.len()));
            for note in listed {
                let pointer = if note.pointer.is_empty() { "/" } else { &note.pointer };
                let line = note.line.map(|line| format!("line {line}, ")).unwrap_or_default();
                out.push_str(&format!("- {line}`{pointer}`: {}\n", note.message));
            }
            out.push_str("\n</details>\n");
        }
    }
}
