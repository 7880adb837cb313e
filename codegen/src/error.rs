//! Errors a maintainer sees: every spec problem names its file, line and JSON pointer.

use std::fmt;
use std::path::{Path, PathBuf};

// Re-exported: a problem is part of the error a maintainer sees, and the stages name it here.
pub use crate::source::Problem;

/// Everything wrong with a spec, so a maintainer can fix all of it in one pass.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecError {
    pub file: PathBuf,
    pub problems: Vec<Problem>,
}

impl SpecError {
    pub fn new(file: &Path, problems: Vec<Problem>) -> Self {
        Self { file: file.to_owned(), problems }
    }
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let count = self.problems.len();
        write!(f, "{} has {count} problem{}:", self.file.display(), if count == 1 { "" } else { "s" })?;
        for Problem { line, pointer, message } in &self.problems {
            let pointer = if pointer.is_empty() { "/" } else { pointer };
            write!(f, "\n  {}:{line}: {pointer}: {message}", self.file.display())?;
        }
        Ok(())
    }
}

impl std::error::Error for SpecError {}

/// Why generation failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot read {}: {source}", path.display())]
    Read { path: PathBuf, source: std::io::Error },
    #[error("cannot write the generated files under {}: {source}", path.display())]
    Write { path: PathBuf, source: std::io::Error },
    #[error(transparent)]
    Spec(#[from] SpecError),
    #[error("progenitor could not generate the client: {0}")]
    Generator(String),
    #[error("generated code does not parse as Rust: {0}")]
    Format(#[from] syn::Error),
}
