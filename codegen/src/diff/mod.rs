//! Diff: what a change to the spec does to HTTP callers and to users of the Rust client, as one
//! report a reviewer can paste into a pull request.
//!
//! Wire tools rate changes by what crosses the network only; an `operationId` rename is harmless
//! to them but renames our Rust method. So the report has two halves computed independently:
//! `http` compares the two specs and rates each change for HTTP callers, and `rust` generates
//! the client for both specs and compares its public items, so the Rust half follows whatever
//! the generator does rather than a model of it. The two are then linked: each wire change names
//! the Rust items it altered, and the semver bump comes from the Rust half alone.
//!
//! Either side may be a document we did not write (HeyGen's published 3.1 `external-api.json`):
//! the wire half reads the model `model::build` builds even for a spec that breaks the
//! house rules, and such a side only loses the Rust half, with notes saying why.
//!
//! `revisions` ([`review`]) picks what to compare: every document under `spec/` that changed between two
//! git revisions (or one named document), each read at both and compared on its own.

mod http;
mod render;
mod revisions;
mod rust;
mod schema;
pub mod triage;

use std::path::{Path, PathBuf};
use std::str::FromStr;

use serde::Serialize;

use crate::{Document, Error, Problem, Spec, SpecError};

pub use render::{json, markdown};
pub use revisions::{DocumentReport, Review, Skipped, Source, review, review_exit_code, review_json, review_markdown};
pub use rust::RustChange;

/// How much a change matters to someone calling the HTTP API directly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Breaking,
}

/// The version bump the Rust API change needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Semver {
    None,
    Patch,
    Minor,
    Major,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Info => "info",
            Self::Warning => "warning",
            Self::Breaking => "breaking",
        }
    }
}

impl Semver {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Patch => "patch",
            Self::Minor => "minor",
            Self::Major => "major",
        }
    }
}

/// One change to the wire contract of one operation.
#[derive(Debug, Clone, Serialize)]
pub struct Change {
    /// Stable kebab-case kind, such as `parameter-made-required`.
    pub id: String,
    pub severity: Severity,
    /// The operationId (the head's, or the base's for a removed operation).
    pub operation: String,
    /// JSON pointer into the head spec, or into the base spec for what was removed.
    pub location: String,
    pub message: String,
    /// What the change did to the Rust API, from the generated code.
    pub rust: String,
    /// Which Rust items this change can have altered; used to fill `rust`.
    #[serde(skip)]
    link: Link,
}

/// Where a wire change shows up in the generated code.
#[derive(Debug, Clone)]
enum Link {
    /// Methods of `Client`, by name (the operationId).
    Methods(Vec<String>),
    /// A field or variant with wire name `wire`, of a type named like one of `types` (most
    /// specific first; typify names inline types after their parent and property).
    Member { types: Vec<String>, wire: String },
    /// Any change to the types with these names (a schema replaced as a whole).
    Types(Vec<String>),
    /// Nothing in the public API (hosts, security, status codes).
    Nothing,
}

/// The whole comparison of two specs.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The bump the Rust API needs; `None` when the Rust half was not compared because a side
    /// cannot be generated (the notes say why).
    pub semver: Option<Semver>,
    pub changes: Vec<Change>,
    /// Every change to the public Rust API, including those no single wire change explains
    /// (new types of a new operation, say).
    pub rust_api: Vec<RustChange>,
    /// What the comparison could not do or had to approximate, side by side: a third-party
    /// document breaks our house rules, a 3.1 construct was approximated, a side could not be
    /// generated.
    pub notes: Vec<Note>,
}

/// Which spec a note is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    Base,
    Head,
}

impl Side {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Base => "base",
            Self::Head => "head",
        }
    }
}

/// The kinds of note, as the JSON spells them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum NoteKind {
    /// The side cannot be generated, so the Rust half was skipped.
    RustNotCompared,
    /// A house rule or a limit of the generator that the side breaks (what `cargo xtask
    /// generate` would refuse); the wire comparison still covers the operation.
    HouseRule,
    /// A located problem the generator found after the house rules passed.
    Generator,
    /// What the rewrite of a 3.1 document into 3.0 approximated or dropped.
    Downgrade,
}

/// Something about one side that the reader of the report should know.
#[derive(Debug, Clone, Serialize)]
pub struct Note {
    pub side: Side,
    pub kind: NoteKind,
    /// The spec's name, as given.
    pub file: String,
    /// The 1-based line in that file, when the note is about one node.
    pub line: Option<usize>,
    /// JSON pointer of that node (empty for the whole document).
    pub pointer: String,
    pub message: String,
}

impl Report {
    /// Whether any change reaches `fail_on`.
    pub fn fails(&self, fail_on: FailOn) -> bool {
        let threshold = match fail_on {
            FailOn::Breaking => Severity::Breaking,
            FailOn::Warning => Severity::Warning,
            FailOn::Never => return false,
        };
        self.changes.iter().any(|c| c.severity >= threshold)
    }
}

/// The severity from which `cargo xtask diff` exits 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailOn {
    Breaking,
    Warning,
    Never,
}

impl FromStr for FailOn {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "breaking" => Ok(Self::Breaking),
            "warning" => Ok(Self::Warning),
            "never" => Ok(Self::Never),
            _ => Err(format!("`{s}` is not one of breaking, warning, never")),
        }
    }
}

/// How the report is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Markdown,
    Json,
}

impl FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "markdown" => Ok(Self::Markdown),
            "json" => Ok(Self::Json),
            _ => Err(format!("`{s}` is not one of markdown, json")),
        }
    }
}

/// Why there is no report: the input was bad (exit code 2).
#[derive(Debug, thiserror::Error)]
pub enum DiffError {
    #[error("cannot read {}: {source}", path.display())]
    Read { path: PathBuf, source: std::io::Error },
    #[error("`{arg}` is neither a file nor a git revision with {path}: {message}")]
    Revision { arg: String, path: String, message: String },
    #[error("cannot list the documents that changed between {arg}: {message}")]
    Git { arg: String, message: String },
    #[error(transparent)]
    Spec(#[from] SpecError),
}

/// The process exit code for a diff: 2 for bad input, 1 when a change reaches `fail_on`, else 0.
pub fn exit_code(result: &Result<Report, DiffError>, fail_on: FailOn) -> u8 {
    match result {
        Err(_) => 2,
        Ok(report) if report.fails(fail_on) => 1,
        Ok(_) => 0,
    }
}

/// Compares the specs named by `base` and `head` (see [`read_spec`]) under the workspace `root`.
pub fn diff_revisions(root: &Path, base: &str, head: Option<&str>) -> Result<Report, DiffError> {
    let (base_file, base_source) = read_spec(root, Some(base))?;
    let (head_file, head_source) = read_spec(root, head)?;
    diff_sources((&base_file, &base_source), (&head_file, &head_source))
}

/// The text of a spec and the name errors give it. `arg` is a file if one exists at that path,
/// otherwise a git revision whose `spec/heygen.yaml` is read; `None` is the working tree's spec.
pub fn read_spec(root: &Path, arg: Option<&str>) -> Result<(PathBuf, String), DiffError> {
    let spec = Document::Legacy.spec_path();
    let path = match arg {
        None => root.join(spec),
        Some(arg) if Path::new(arg).is_file() => PathBuf::from(arg),
        Some(rev) => {
            let found = revisions::git_show(root, rev, spec)?;
            let message = format!("{spec} does not exist there");
            let path = spec.to_owned();
            return found.ok_or_else(|| DiffError::Revision { arg: rev.to_owned(), path, message });
        }
    };
    let source = std::fs::read_to_string(&path).map_err(|source| DiffError::Read { path: path.clone(), source })?;
    Ok((path, source))
}

/// Compares two specs given as (name for errors, text). Only input that cannot be read as an
/// OpenAPI document (bad YAML or JSON, not OpenAPI, a 3.1 construct 3.0 cannot say) is an error;
/// a side that breaks the house rules is still compared on the wire, with its problems as notes.
pub fn diff_sources(base: (&Path, &str), head: (&Path, &str)) -> Result<Report, DiffError> {
    let base = Input::load(Side::Base, base.0, base.1)?;
    let head = Input::load(Side::Head, head.0, head.1)?;
    let mut notes = Vec::new();
    for input in [&base, &head] {
        notes.extend(input.spec.notes.iter().map(|note| input.note(NoteKind::Downgrade, note)));
        notes.extend(input.problems.iter().map(|problem| input.note(NoteKind::HouseRule, problem)));
    }
    let rust_api = rust_half(&base, &head, &mut notes);
    let (base, head) = (&base.spec, &head.spec);
    let mut changes = http::changes((&base.api, &base.json), (&head.api, &head.json));
    for change in &mut changes {
        change.rust = match &rust_api {
            Some((rust_api, _)) => rust::describe(rust_api, &change.link),
            None => NOT_COMPARED.to_owned(),
        };
    }
    notes.sort_by_key(|note| (note.side, note.kind));
    let (rust_api, semver) = match rust_api {
        Some((rust_api, semver)) => (rust_api, Some(semver)),
        None => (Vec::new(), None),
    };
    Ok(Report { semver, changes, rust_api, notes })
}

/// The `rust` text of every change when the Rust half was skipped.
pub const NOT_COMPARED: &str = "not compared";

/// One side as read: its model even when it breaks the house rules, and what it breaks.
struct Input {
    side: Side,
    file: PathBuf,
    /// Validated only when `problems` is empty, which is the only time it is generated.
    spec: Spec,
    problems: Vec<Problem>,
}

impl Input {
    fn load(side: Side, file: &Path, source: &str) -> Result<Self, DiffError> {
        let loaded = crate::load::load(file, source)?;
        let (api, problems) = crate::model::build(&loaded);
        Ok(Input { side, file: file.to_owned(), spec: Spec { loaded, api }, problems })
    }

    fn note(&self, kind: NoteKind, problem: &Problem) -> Note {
        Note {
            side: self.side,
            kind,
            file: self.file.display().to_string(),
            line: Some(problem.line),
            pointer: problem.pointer.clone(),
            message: problem.message.clone(),
        }
    }

    fn not_compared(&self, why: String) -> Note {
        let message = format!("the Rust API was not compared: {why}");
        let file = self.file.display().to_string();
        Note { side: self.side, kind: NoteKind::RustNotCompared, file, line: None, pointer: String::new(), message }
    }
}

/// Generates the client from both sides and compares their public items, with the bump that
/// needs; `None`, with a note per side that stopped it, when a side breaks the house rules or
/// the generator fails on it.
fn rust_half(base: &Input, head: &Input, notes: &mut Vec<Note>) -> Option<(Vec<RustChange>, Semver)> {
    let mut skipped = false;
    for input in [base, head].into_iter().filter(|input| !input.problems.is_empty()) {
        let count = input.problems.len();
        let rules = if count == 1 { "rule" } else { "rules" };
        let why = format!(
            "the {} breaks {count} house {rules}, and the generator runs only on a spec that follows them",
            input.side.as_str()
        );
        notes.push(input.not_compared(why));
        skipped = true;
    }
    if skipped {
        return None;
    }
    // The two generations are independent and dominate the run time.
    let snapshot = |input: &Input| {
        crate::generate_spec_for(&input.file, &input.spec, Document::Legacy.module()).map(|g| rust::Snapshot::of(&g))
    };
    let (base_code, head_code) = std::thread::scope(|scope| {
        let base_code = scope.spawn(|| snapshot(base));
        let head_code = snapshot(head);
        (base_code.join().expect("generation does not panic past catch_unwind"), head_code)
    });
    let (base_code, head_code) = match (base_code, head_code) {
        (Ok(base_code), Ok(head_code)) => (base_code, head_code),
        (base_code, head_code) => {
            for (input, error) in [(base, base_code.err()), (head, head_code.err())] {
                let Some(error) = error else { continue };
                if let Error::Spec(located) = &error {
                    notes.extend(located.problems.iter().map(|problem| input.note(NoteKind::Generator, problem)));
                }
                let first = error.to_string().lines().next().unwrap_or_default().to_owned();
                notes.push(input.not_compared(format!("the generator failed on the {}: {first}", input.side.as_str())));
            }
            return None;
        }
    };
    let rust_api = rust::changes(&base_code, &head_code);
    let semver = match rust_api.iter().map(|c| c.semver).max() {
        Some(semver) => semver,
        None if base_code.tokens != head_code.tokens => Semver::Patch,
        None => Semver::None,
    };
    Some((rust_api, semver))
}
