//! Which documents a review compares, and where each side's text comes from: a file, a git
//! revision (`git show REV:path`) or the working tree.
//!
//! The repository holds two documents (`spec/heygen.yaml`, `spec/heygen-v3.yaml`), and a change
//! usually touches one. So, between two revisions (or a revision and the working tree), the
//! review covers every document under `spec/` that git says changed, each compared on its own
//! through [`super::diff_sources`]: the wire half, and the Rust half from the client generated
//! from each side (a 3.1 document is downgraded on load with its lines kept, like `generate`
//! does). `--spec` names one document instead. A file on either side is a one-document
//! comparison, as before: the file itself, against `--spec` (default `spec/heygen.yaml`) on the
//! other side when that side is a revision or the working tree.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde::Serialize;

use super::{DiffError, FailOn, Report};

/// The folder whose documents a review between revisions covers.
pub const SPEC_DIR: &str = "spec";

/// Where one side of a review is read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A file, read as it is, whatever document it is.
    File(PathBuf),
    /// A git revision: the document as committed there.
    Revision(String),
    /// The document in the working tree.
    WorkTree,
}

impl Source {
    /// `arg` is a file if one exists at that path, else a git revision; `None` is the working
    /// tree.
    pub fn parse(arg: Option<&str>) -> Self {
        match arg {
            None => Self::WorkTree,
            Some(arg) if Path::new(arg).is_file() => Self::File(PathBuf::from(arg)),
            Some(rev) => Self::Revision(rev.to_owned()),
        }
    }

    /// How the review names this side.
    pub fn label(&self) -> String {
        match self {
            Self::File(path) => path.display().to_string(),
            Self::Revision(rev) => rev.clone(),
            Self::WorkTree => "the working tree".to_owned(),
        }
    }

    /// The text of `document` (a path relative to `root`) on this side and the name errors give
    /// it; `None` when a revision or the working tree has no such file.
    fn read(&self, root: &Path, document: &str) -> Result<Option<(PathBuf, String)>, DiffError> {
        let (path, name) = match self {
            Self::File(path) => (path.clone(), path.clone()),
            // Named relative to the root, as in the house-rule errors of `cargo xtask generate`.
            Self::WorkTree => (root.join(document), PathBuf::from(document)),
            Self::Revision(rev) => return git_show(root, rev, document),
        };
        if matches!(self, Self::WorkTree) && !path.exists() {
            return Ok(None);
        }
        let source = std::fs::read_to_string(&path).map_err(|source| DiffError::Read { path, source })?;
        Ok(Some((name, source)))
    }
}

/// A review: one report per document compared.
#[derive(Debug, Clone, Serialize)]
pub struct Review {
    /// The sides as given: a file, a revision, or `the working tree`.
    pub base: String,
    pub head: String,
    pub documents: Vec<DocumentReport>,
    /// Documents that changed but exist on one side only, so have nothing to compare with.
    pub skipped: Vec<Skipped>,
}

/// The comparison of one document.
#[derive(Debug, Clone, Serialize)]
pub struct DocumentReport {
    /// The document under `spec/`, or `None` when both sides are files.
    pub spec: Option<String>,
    /// The names the two sides were read under (`main:spec/heygen-v3.yaml`, a file's path).
    pub base_file: String,
    pub head_file: String,
    #[serde(flatten)]
    pub report: Report,
}

/// A changed document with only one side.
#[derive(Debug, Clone, Serialize)]
pub struct Skipped {
    pub spec: String,
    pub reason: String,
}

impl Review {
    /// Whether any document has a change that reaches `fail_on`.
    pub fn fails(&self, fail_on: FailOn) -> bool {
        self.documents.iter().any(|d| d.report.fails(fail_on))
    }
}

/// The process exit code for a review: 2 for bad input, 1 when a change in any document reaches
/// `fail_on`, else 0.
pub fn review_exit_code(result: &Result<Review, DiffError>, fail_on: FailOn) -> u8 {
    match result {
        Err(_) => 2,
        Ok(review) if review.fails(fail_on) => 1,
        Ok(_) => 0,
    }
}

/// Reviews the documents selected by `base`, `head` and `spec` under the workspace `root` (see
/// the module's documentation).
pub fn review(root: &Path, base: &str, head: Option<&str>, spec: Option<&str>) -> Result<Review, DiffError> {
    let (base, head) = (Source::parse(Some(base)), Source::parse(head));
    let mut out = Review { base: base.label(), head: head.label(), documents: Vec::new(), skipped: Vec::new() };
    // Documents git found changed may exist on one side only; a named one must exist on both.
    let (documents, named) = match (spec, &base, &head) {
        (Some(spec), ..) => (vec![spec.to_owned()], true),
        (None, Source::File(_), _) | (None, _, Source::File(_)) => {
            (vec![crate::Document::Legacy.spec_path().to_owned()], true)
        }
        (None, ..) => (changed_documents(root, &base, &head)?, false),
    };
    let both_files = matches!((&base, &head), (Source::File(_), Source::File(_)));
    for document in documents {
        let sides = (base.read(root, &document)?, head.read(root, &document)?);
        let ((base_file, base_text), (head_file, head_text)) = match sides {
            (Some(base), Some(head)) => (base, head),
            (base_side, _) if !named => {
                let reason = if base_side.is_none() { "added at the head" } else { "removed at the head" };
                out.skipped.push(Skipped { spec: document, reason: format!("{reason}: nothing to compare it with") });
                continue;
            }
            (None, _) => return Err(missing(&base, &document)),
            (_, None) => return Err(missing(&head, &document)),
        };
        let report = super::diff_sources((&base_file, &base_text), (&head_file, &head_text))?;
        out.documents.push(DocumentReport {
            spec: (!both_files).then_some(document),
            base_file: base_file.display().to_string(),
            head_file: head_file.display().to_string(),
            report,
        });
    }
    Ok(out)
}

fn missing(source: &Source, document: &str) -> DiffError {
    let message = format!("{document} does not exist there");
    DiffError::Revision { arg: source.label(), path: document.to_owned(), message }
}

/// The documents under `spec/` (YAML or JSON) that git says differ between two revisions, or
/// between a revision and the working tree; renames count as a removal and an addition.
fn changed_documents(root: &Path, base: &Source, head: &Source) -> Result<Vec<String>, DiffError> {
    let mut command = Command::new("git");
    command.arg("-C").arg(root).args(["diff", "--name-only", "--no-renames"]);
    for source in [base, head] {
        if let Source::Revision(rev) = source {
            // `REV^{commit}` makes git refuse a name that is a path rather than a revision.
            command.arg(format!("{rev}^{{commit}}"));
        }
    }
    command.args(["--", SPEC_DIR]);
    let fail = |message: String| {
        let arg = [base, head].iter().map(|s| s.label()).collect::<Vec<_>>().join("..");
        DiffError::Git { arg, message }
    };
    let output = command.output().map_err(|e| fail(e.to_string()))?;
    if !output.status.success() {
        return Err(fail(String::from_utf8_lossy(&output.stderr).trim().to_owned()));
    }
    let names = String::from_utf8(output.stdout).map_err(|e| fail(e.to_string()))?;
    let is_document = |name: &&str| [".yaml", ".yml", ".json"].iter().any(|ext| name.ends_with(ext));
    let mut documents: Vec<String> = names.lines().filter(is_document).map(str::to_owned).collect();
    documents.sort();
    Ok(documents)
}

/// `git show REV:document`: its text and the name errors give it, or `None` when the revision
/// exists but has no such file.
pub(super) fn git_show(root: &Path, rev: &str, document: &str) -> Result<Option<(PathBuf, String)>, DiffError> {
    let object = format!("{rev}:{document}");
    let fail = |message: String| DiffError::Revision { arg: rev.to_owned(), path: document.to_owned(), message };
    let git = |args: &[&str]| Command::new("git").arg("-C").arg(root).args(args).output();
    let output = git(&["show", &object]).map_err(|e| fail(e.to_string()))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr).trim().to_owned();
        // The revision may exist without the file: then the document is absent, not an error.
        let commit = git(&["rev-parse", "--verify", "--quiet", &format!("{rev}^{{commit}}")]);
        if commit.is_ok_and(|c| c.status.success()) && stderr.contains(document) {
            return Ok(None);
        }
        return Err(fail(stderr));
    }
    let source = String::from_utf8(output.stdout).map_err(|e| fail(e.to_string()))?;
    Ok(Some((PathBuf::from(object), source)))
}

/// The review as pretty JSON: `{"base", "head", "documents": [{"spec", "base_file",
/// "head_file", "semver", "changes", "rust_api", "notes"}], "skipped": [{"spec", "reason"}]}`.
pub fn review_json(review: &Review) -> String {
    serde_json::to_string_pretty(review).expect("the review serializes") + "\n"
}

/// The review as Markdown: each document's report under a heading naming its two sides.
pub fn review_markdown(review: &Review) -> String {
    let mut out = String::new();
    if review.documents.is_empty() && review.skipped.is_empty() {
        let (base, head) = (&review.base, &review.head);
        out.push_str(&format!("No document under `{SPEC_DIR}/` changed between `{base}` and {}.\n", quoted(head)));
    }
    for document in &review.documents {
        let name = document.spec.as_deref().map(|spec| format!("`{spec}`: ")).unwrap_or_default();
        out.push_str(&format!("# {name}`{}` → `{}`\n\n", document.base_file, document.head_file));
        out.push_str(&super::markdown(&document.report));
        out.push('\n');
    }
    for skipped in &review.skipped {
        out.push_str(&format!("# `{}`: not compared\n\n{}.\n", skipped.spec, skipped.reason));
    }
    out
}

/// A side's label in prose: code for a revision or file, plain for the working tree.
fn quoted(label: &str) -> String {
    if label == Source::WorkTree.label() { label.to_owned() } else { format!("`{label}`") }
}
