//! Drift triage as data: the differences between a document HeyGen publishes and ours that we
//! accept, each with its reason, in a checked-in file (`spec/heygen-v3.triage.yaml`). A filter
//! over a diff [`Report`]: every change must be accepted by exactly one entry, and every entry
//! must accept a change, so the next document HeyGen publishes is reviewed difference by
//! difference, and a difference that goes away takes its entry with it.
//!
//! ```yaml
//! reasons:
//!   operation-ids: Our operationIds follow the house rule (snake_case, verb first).
//! accepted:
//!   - {id: operation-id-renamed, operation: list_videos, location: /paths/~1v3~1videos/get,
//!      message: 'operationId changed from `listVideos` to `list_videos`', reason: operation-ids}
//! ```
//!
//! An entry matches a change by its kind (`id`), operation, location and message, all exactly:
//! two changes at one location (two new enum values) differ by their message.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use super::{Change, Report};
use crate::error::SpecError;

/// The triage of HeyGen's v3 document against `spec/heygen-v3.yaml`, relative to the root.
pub const V3_TRIAGE_PATH: &str = "spec/heygen-v3.triage.yaml";

/// A triage file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Triage {
    /// Reasons by key, each said once and named by the entries it covers.
    pub reasons: BTreeMap<String, String>,
    pub accepted: Vec<Accepted>,
}

/// One accepted difference.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Accepted {
    pub id: String,
    pub operation: String,
    pub location: String,
    pub message: String,
    /// A key of [`Triage::reasons`].
    pub reason: String,
}

impl Accepted {
    fn matches(&self, change: &Change) -> bool {
        self.id == change.id
            && self.operation == change.operation
            && self.location == change.location
            && self.message == change.message
    }
}

/// What a triage says of a report.
#[derive(Debug, Default)]
pub struct Outcome<'a> {
    /// Changes no entry accepts.
    pub unaccepted: Vec<&'a Change>,
    /// Entries that accept no change (the difference is gone): remove them.
    pub stale: Vec<&'a Accepted>,
}

impl Outcome<'_> {
    pub fn is_clean(&self) -> bool {
        self.unaccepted.is_empty() && self.stale.is_empty()
    }
}

/// Reads a triage file (YAML); a malformed file, an entry naming a reason the file does not
/// give, an empty reason and an entry listed twice are located errors.
pub fn parse(file: &Path, source: &str) -> Result<Triage, SpecError> {
    let (json, lines) = crate::load::parse(file, source)?;
    let triage: Triage = serde_path_to_error::deserialize(&json).map_err(|e| {
        let pointer = crate::load::pointer_of(e.path());
        let message = format!("not a triage file: {}", e.inner());
        SpecError::new(file, vec![lines.problem(pointer, message)])
    })?;
    let mut problems = Vec::new();
    let mut report = |pointer: String, message: String| problems.push(lines.problem(pointer, message));
    for (key, reason) in &triage.reasons {
        if reason.trim().is_empty() {
            report(format!("/reasons/{key}"), format!("reason `{key}` says nothing"));
        }
    }
    for (i, entry) in triage.accepted.iter().enumerate() {
        if !triage.reasons.contains_key(&entry.reason) {
            report(format!("/accepted/{i}/reason"), format!("`{}` is not one of the file's reasons", entry.reason));
        }
        if triage.accepted[..i].contains(entry) {
            report(format!("/accepted/{i}"), "this difference is accepted twice".to_owned());
        }
    }
    if problems.is_empty() { Ok(triage) } else { Err(SpecError::new(file, problems)) }
}

/// The changes of `report` that `triage` does not accept, and its entries that accept none.
pub fn apply<'a>(report: &'a Report, triage: &'a Triage) -> Outcome<'a> {
    let unaccepted =
        report.changes.iter().filter(|change| !triage.accepted.iter().any(|a| a.matches(change))).collect();
    let stale = triage.accepted.iter().filter(|a| !report.changes.iter().any(|change| a.matches(change))).collect();
    Outcome { unaccepted, stale }
}

/// `change` as a triage entry, for pasting into the file once its reason is decided.
pub fn entry(change: &Change, reason: &str) -> String {
    let quote = |text: &str| format!("'{}'", text.replace('\'', "''"));
    format!(
        "  - {{id: {}, operation: {}, location: {}, message: {}, reason: {reason}}}",
        change.id,
        change.operation,
        quote(&change.location),
        quote(&change.message)
    )
}
