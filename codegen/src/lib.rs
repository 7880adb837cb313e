//! heygen-codegen turns `spec/heygen.yaml` into the generated code of `heygen-client`.
//!
//! The pipeline mirrors the modules: [`load`] the YAML (keeping line numbers), [`validate`] the
//! house rules and progenitor's limits, [`generate`] with progenitor, [`transform`] its output
//! (error type, envelope checks, open enums, workflow methods), [`format`] with prettyplease,
//! then [`write`] the files atomically. [`calls`] also derives, from the spec and the generated
//! client, the table that lets test drivers call every operation by its `operationId`.
//! Everything but `write` and reading the
//! spec is pure, so tests and `cargo xtask check` run the same code in memory.

pub mod calls;
pub mod diff;
pub mod error;
mod example_rules;
pub mod format;
pub mod generate;
pub mod load;
pub mod surface;
pub mod transform;
pub mod validate;
pub mod workflows;
pub mod write;

use std::path::Path;

pub use error::{Error, Problem, SpecError};
pub use load::LoadedSpec;

/// The spec, relative to the workspace root.
pub const SPEC_PATH: &str = "spec/heygen.yaml";
/// The generated client code, relative to the workspace root.
pub const CLIENT_PATH: &str = "generated-client/src/generated.rs";
/// The dispatch table from `operationId` to a typed call, for the tests crate's drivers.
pub const CALLS_PATH: &str = "tests/src/generated_calls.rs";

/// A file the generator produces, with its path relative to the workspace root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    pub path: &'static str,
    pub contents: String,
}

/// Reads the spec under `root` and generates every file from it.
pub fn generate(root: &Path) -> Result<Vec<GeneratedFile>, Error> {
    let path = root.join(SPEC_PATH);
    let source = std::fs::read_to_string(&path).map_err(|source| Error::Read { path: path.clone(), source })?;
    generate_from_source(Path::new(SPEC_PATH), &source)
}

/// Generates every file from the spec under `root` and writes them, all or nothing: on any error
/// the files on disk stay as they were. Returns what was written.
pub fn generate_to_disk(root: &Path) -> Result<Vec<GeneratedFile>, Error> {
    let files = generate(root)?;
    write::write_files(root, &files).map_err(|source| Error::Write { path: root.to_owned(), source })?;
    Ok(files)
}

/// Generates every file from spec text; `file` only names the spec in error messages.
pub fn generate_from_source(file: &Path, source: &str) -> Result<Vec<GeneratedFile>, Error> {
    let spec = load_and_validate(file, source)?;
    let client = client_file(&spec)?;
    let calls: syn::File = syn::parse2(calls::calls_tokens(&spec.openapi, &client)?)?;
    Ok(vec![
        GeneratedFile { path: CLIENT_PATH, contents: format::format_file(&client) },
        GeneratedFile { path: CALLS_PATH, contents: format::format_file(&calls) },
    ])
}

/// Loads a spec and checks it against the house rules and progenitor's limits.
pub fn load_and_validate(file: &Path, source: &str) -> Result<LoadedSpec, SpecError> {
    let spec = load::load(file, source)?;
    let problems = validate::validate(&spec);
    if problems.is_empty() { Ok(spec) } else { Err(SpecError::new(file, problems)) }
}

/// The formatted client code for a validated spec.
pub fn client_code(spec: &LoadedSpec) -> Result<String, Error> {
    Ok(format::format_file(&client_file(spec)?))
}

/// The client code for a validated spec, as a syntax tree.
pub fn client_file(spec: &LoadedSpec) -> Result<syn::File, Error> {
    let tokens = generate::client_tokens(&spec.openapi)?;
    let mut file: syn::File = syn::parse2(tokens)?;
    let workflows = workflows::workflows(&spec.openapi)
        .map_err(|problems| Error::Generator(format!("invalid workflow extensions: {problems:?}")))?;
    transform::apply(&mut file, &generate::operation_facts(&spec.openapi), &workflows);
    Ok(file)
}
