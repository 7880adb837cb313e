//! Render: the report as JSON for tools and as Markdown for a pull request.

use std::collections::BTreeMap;

use super::{Change, Report, Severity};

/// The report as pretty JSON: `{"semver", "changes": [...], "rust_api": [...]}`.
pub fn json(report: &Report) -> String {
    serde_json::to_string_pretty(report).expect("the report serializes") + "\n"
}

/// The report as Markdown: a summary line, the wire changes grouped by operation with the most
/// severe operations first, then the Rust API changes with the semver bump they need.
pub fn markdown(report: &Report) -> String {
    let mut out = String::from("## Spec changes\n\n");
    let count = |severity| report.changes.iter().filter(|c| c.severity == severity).count();
    out.push_str(&format!(
        "**{} breaking, {} warning, {} info** for HTTP callers; the Rust API needs a **{}** version bump.\n",
        count(Severity::Breaking),
        count(Severity::Warning),
        count(Severity::Info),
        report.semver.as_str(),
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
            out.push_str(&format!("  - at `{}`\n  - Rust: {}\n", c.location, c.rust));
        }
    }
    if report.changes.is_empty() {
        out.push_str("\nNo operation changed on the wire.\n");
    }
    out.push_str(&format!("\n### Rust API ({})\n\n", report.semver.as_str()));
    if report.rust_api.is_empty() {
        out.push_str("No public item of the generated client changed.\n");
        return out;
    }
    let mut rust: Vec<_> = report.rust_api.iter().collect();
    rust.sort_by_key(|c| std::cmp::Reverse(c.semver));
    out.push_str("| bump | item | change |\n|---|---|---|\n");
    for c in rust {
        out.push_str(&format!("| {} | `{}` | {} |\n", c.semver.as_str(), c.item, c.change.replace('|', "\\|")));
    }
    out
}
