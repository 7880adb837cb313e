//! heygen-codegen turns the API documents in `spec/` into the generated code of `heygen-client`.
//!
//! The front is small: [`Document`] names each document and where its code goes; [`generate`]
//! (and [`generate_to_disk`]) produce every file, [`stale_files`] compares them with the files
//! on disk, [`generate_from_source`] generates one document from spec text, [`load`] and
//! [`load_and_validate`] read a document, [`surface`] lists a client's methods for review,
//! [`diff`] compares two documents and [`model`] is what the generator knows of a document.
//!
//! Behind it, one private module per stage, in the order they run:
//! 1. `load` the YAML or JSON, keeping the line of every node; an OpenAPI 3.1 document is
//!    rewritten as 3.0.3 by `downgrade` on the way;
//! 2. `model::build`: the one walk of the spec, which checks the house rules and progenitor's
//!    limits and records what later stages need in an [`Api`] model;
//! 3. `generate` progenitor's client from the spec;
//! 4. `bind` progenitor's methods and types to the model (Rust names come from the generated
//!    items, never from copied naming rules);
//! 5. `emit` what progenitor does not: per-operation facts, envelope checks, workflow methods,
//!    the test dispatch table and the API-surface listing, all from the model and the bindings;
//! 6. `transform` progenitor's syntax tree (the crate's error type, open enums, deprecations);
//! 7. `format` with prettyplease, then `write` the files atomically.
//!
//! [`diff`] compares two specs through the same stages. Everything but `write` and reading the
//! spec is pure, so tests and `cargo xtask check` run the same code in memory.

mod bind;
pub mod diff;
mod document;
mod downgrade;
mod emit;
mod error;
mod format;
mod generate;
mod load;
pub mod model;
mod shapes;
mod source;
mod syntax;
mod transform;
mod write;
mod yaml;

use std::ops::Deref;
use std::path::Path;

pub use document::Document;
pub use emit::surface::{MethodSurface, render as render_surface};
pub use error::{Error, SpecError};
pub use load::{LoadedSpec, load, parse};
pub use model::Api;
pub use source::{LineIndex, Problem};
pub use write::{Stale, stale_files};
pub use yaml::to_yaml;

/// A file the generator produces, with its path relative to the workspace root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    pub path: String,
    pub contents: String,
}

/// A spec that passed validation, with its model.
pub struct Spec {
    pub loaded: LoadedSpec,
    pub api: Api,
}

impl Deref for Spec {
    type Target = LoadedSpec;
    fn deref(&self) -> &LoadedSpec {
        &self.loaded
    }
}

/// Everything generated from one spec, before formatting.
pub(crate) struct Generated {
    /// The client code.
    pub(crate) client: syn::File,
    /// The dispatch table for test drivers.
    pub(crate) calls: syn::File,
    /// The public methods of the client, as reviewers see them.
    pub(crate) surface: Vec<MethodSurface>,
    /// The typed stubs of `heygen-mock` (written for the v3 document only).
    pub(crate) stubs: syn::File,
}

/// Reads every document under `root` and generates every file from them: each client, its
/// dispatch table, heygen-mock's stubs, the list of required v3 reply fields and the migration
/// guide.
pub fn generate(root: &Path) -> Result<Vec<GeneratedFile>, Error> {
    let mut files = Vec::new();
    let mut models = Vec::new();
    for document in Document::ALL {
        let path = root.join(document.spec_path());
        // A root that holds only the legacy spec (a test's scratch copy) generates just that.
        if document != Document::Legacy && !path.exists() {
            continue;
        }
        let file = Path::new(document.spec_path());
        let spec = load_and_validate(file, &read(&path)?)?;
        files.extend(generate_files_of(file, &spec, document)?);
        if document == Document::V3 {
            let contents = model::required::markdown(&spec.json);
            files.push(GeneratedFile { path: model::required::PATH.into(), contents });
        }
        models.push(spec);
    }
    if let [legacy, v3] = models.as_slice() {
        let problems = emit::migration::check(&legacy.api, &v3.api, |pointer| legacy.lines.line_of(pointer));
        if !problems.is_empty() {
            return Err(SpecError::new(Path::new(Document::Legacy.spec_path()), problems).into());
        }
        let contents = emit::migration::markdown(&legacy.api, &v3.api);
        files.push(GeneratedFile { path: emit::migration::PATH.into(), contents });
    }
    Ok(files)
}

fn read(path: &Path) -> Result<String, Error> {
    std::fs::read_to_string(path).map_err(|source| Error::Read { path: path.to_owned(), source })
}

/// Generates every file from the documents under `root` and writes them, all or nothing: on any
/// error the files on disk stay as they were. Returns what was written.
pub fn generate_to_disk(root: &Path) -> Result<Vec<GeneratedFile>, Error> {
    let files = generate(root)?;
    write::write_files(root, &files).map_err(|source| Error::Write { path: root.to_owned(), source })?;
    Ok(files)
}

/// Generates `document`'s files (client, dispatch table, stubs) from spec text; `file` names the
/// spec in error messages and in each file's `@generated` header.
pub fn generate_from_source(document: Document, file: &Path, source: &str) -> Result<Vec<GeneratedFile>, Error> {
    generate_files_of(file, &load_and_validate(file, source)?, document)
}

fn generate_files_of(file: &Path, spec: &Spec, document: Document) -> Result<Vec<GeneratedFile>, Error> {
    let generated = generate_spec_for(file, spec, document.module())?;
    let source = &file.display().to_string();
    let mut files = vec![
        GeneratedFile { path: document.client_path().into(), contents: format::format_file(&generated.client, source) },
        GeneratedFile { path: document.calls_path().into(), contents: format::format_file(&generated.calls, source) },
    ];
    if let Some(path) = document.stubs_path() {
        files.push(GeneratedFile { path: path.into(), contents: format::format_file(&generated.stubs, source) });
    }
    Ok(files)
}

/// Loads a spec, checks it against the house rules and progenitor's limits, and models it.
pub fn load_and_validate(file: &Path, source: &str) -> Result<Spec, SpecError> {
    let loaded = load::load(file, source)?;
    let (api, problems) = model::build(&loaded);
    if problems.is_empty() { Ok(Spec { loaded, api }) } else { Err(SpecError::new(file, problems)) }
}

/// The public methods of `document`'s client generated from `spec`, as a reviewer sees them
/// (render them with [`render_surface`]).
pub fn surface(document: Document, spec: &Spec) -> Result<Vec<MethodSurface>, Error> {
    Ok(generate_spec_for(Path::new(document.spec_path()), spec, document.module())?.surface)
}

/// Generates the client, the dispatch table and the surface listing for a validated spec whose
/// client is exported from `module` (which the dispatch table imports). `file` names the spec in
/// errors about workflows the generated code cannot support.
pub(crate) fn generate_spec_for(file: &Path, spec: &Spec, module: &str) -> Result<Generated, Error> {
    let mut client: syn::File = syn::parse2(generate::progenitor_tokens(&spec.openapi, &spec.api)?)?;
    let bound = bind::bind(&client, &spec.api).map_err(Error::Generator)?;
    shapes::apply(&mut client, &bound, spec.loaded.downgraded_from.is_some());
    let workflows = emit::workflows::methods(&client, &bound).map_err(|problems| {
        let problems = problems
            .into_iter()
            .map(|(pointer, message)| Problem { line: spec.lines.line_of(&pointer), pointer, message })
            .collect();
        SpecError::new(file, problems)
    })?;
    let constructors = emit::params::body_constructors(&client, &bound);
    transform::apply(&mut client, &bound);
    add_to_types(&mut client, constructors);
    client.items.extend(emit::params::module(&bound));
    client.items.extend(syn::parse2::<syn::File>(emit::facts::tokens(&spec.api))?.items);
    client.items.extend(emit::workflows::impl_block(&workflows));
    let calls = syn::parse2(emit::calls::tokens(module, &bound))?;
    let stubs = syn::parse2(emit::stubs::tokens(module, &bound, &spec.json))?;
    let surface = emit::surface::methods(&client, &bound, &workflows);
    Ok(Generated { client, calls, surface, stubs })
}

/// Appends `items` to the generated `types` module.
fn add_to_types(client: &mut syn::File, items: Vec<syn::Item>) {
    let types = client.items.iter_mut().find_map(|item| match item {
        syn::Item::Mod(m) if m.ident == "types" => m.content.as_mut(),
        _ => None,
    });
    if let Some((_, types)) = types {
        types.extend(items);
    }
}
