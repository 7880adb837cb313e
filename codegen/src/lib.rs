//! heygen-codegen turns `spec/heygen.yaml` into the generated code of `heygen-client`.
//!
//! The pipeline mirrors the modules:
//! 1. [`load`] the YAML or JSON, keeping the line of every node; an OpenAPI 3.1 document is
//!    rewritten as 3.0.3 by [`downgrade`] on the way;
//! 2. [`model::build`]: the one walk of the spec, which checks the house rules and progenitor's
//!    limits and records what later stages need in an [`Api`] model;
//! 3. [`generate`] progenitor's client from the spec;
//! 4. [`bind`] progenitor's methods and types to the model (Rust names come from the generated
//!    items, never from copied naming rules);
//! 5. [`emit`] what progenitor does not: per-operation facts, envelope checks, workflow methods,
//!    the test dispatch table and the API-surface listing, all from the model and the bindings;
//! 6. [`transform`] progenitor's syntax tree (the crate's error type, open enums, deprecations);
//! 7. [`format`] with prettyplease, then [`write`] the files atomically.
//!
//! [`diff`] compares two specs through the same stages. Everything but `write` and reading the
//! spec is pure, so tests and `cargo xtask check` run the same code in memory.

pub mod bind;
pub mod diff;
pub mod downgrade;
pub mod emit;
pub mod error;
pub mod format;
pub mod generate;
pub mod load;
pub mod model;
pub mod shapes;
pub mod source;
pub mod syntax;
pub mod transform;
pub mod write;
pub mod yaml;

use std::ops::Deref;
use std::path::Path;

pub use emit::surface::MethodSurface;
pub use error::{Error, Problem, SpecError};
pub use load::LoadedSpec;
pub use model::Api;

/// The legacy (v1/v2) spec, relative to the workspace root.
pub const SPEC_PATH: &str = "spec/heygen.yaml";
/// The client generated from it, relative to the workspace root.
pub const CLIENT_PATH: &str = "generated-client/src/legacy/generated.rs";
/// Its dispatch table from `operationId` to a typed call, for the tests crate's drivers.
pub const CALLS_PATH: &str = "tests/src/generated_calls.rs";
/// The v3 spec (HeyGen's OpenAPI 3.1 dialect), relative to the workspace root.
pub const V3_SPEC_PATH: &str = "spec/heygen-v3.yaml";

/// One API document the crate is generated from, and where its code goes.
#[derive(Debug, Clone, Copy)]
pub struct Document {
    pub spec: &'static str,
    pub client: &'static str,
    pub calls: &'static str,
    /// The module of `heygen-client` that exports the document's `Client` and `types`.
    pub module: &'static str,
}

/// HeyGen's legacy v1/v2 API: `heygen_client::legacy::Client` (feature `legacy`).
pub const LEGACY: Document =
    Document { spec: SPEC_PATH, client: CLIENT_PATH, calls: CALLS_PATH, module: "heygen_client::legacy" };
/// HeyGen's v3 API: `heygen_client::Client`, the crate's front door.
pub const V3: Document = Document {
    spec: V3_SPEC_PATH,
    client: "generated-client/src/v3/generated.rs",
    calls: "tests/src/generated_calls_v3.rs",
    module: "heygen_client",
};
/// Every document, each generated into its own module of the one crate.
pub const DOCUMENTS: [Document; 2] = [LEGACY, V3];

/// The generator's golden inputs: folders of small specs, one feature each. Their client code is
/// written to [`GOLDEN_CRATE`], a crate that compiles it against the real runtime, so a golden
/// output that does not compile fails the build, as progenitor's own outputs do.
pub const GOLDEN_INPUTS: [(&str, &str); 2] =
    [("tests/fixtures/golden", ""), ("tests/fixtures/openapi31/golden", "openapi31_")];
/// The source folder of the crate that holds the golden outputs.
pub const GOLDEN_CRATE: &str = "tests/golden/src";

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
pub struct Generated {
    /// The client code.
    pub client: syn::File,
    /// The dispatch table for test drivers.
    pub calls: syn::File,
    /// The public methods of the client, as reviewers see them.
    pub surface: Vec<MethodSurface>,
    /// The typed stubs of `heygen-mock` (written for the v3 document only).
    pub stubs: syn::File,
}

/// Reads the spec under `root` and generates every file from it, and the golden outputs of the
/// golden inputs found under `root`.
pub fn generate(root: &Path) -> Result<Vec<GeneratedFile>, Error> {
    let mut files = Vec::new();
    let mut models = Vec::new();
    for document in DOCUMENTS {
        let path = root.join(document.spec);
        // A root that holds only the legacy spec (a test's scratch copy) generates just that.
        if document.spec != SPEC_PATH && !path.exists() {
            continue;
        }
        let file = Path::new(document.spec);
        let spec = load_and_validate(file, &read(&path)?)?;
        files.extend(generate_files_of(file, &spec, &document)?);
        if document.spec == V3_SPEC_PATH {
            let contents = model::required::markdown(&spec.json);
            files.push(GeneratedFile { path: model::required::PATH.into(), contents });
        }
        models.push(spec);
    }
    if let [legacy, v3] = models.as_slice() {
        let problems = emit::migration::check(&legacy.api, &v3.api, |pointer| legacy.lines.line_of(pointer));
        if !problems.is_empty() {
            return Err(SpecError::new(Path::new(SPEC_PATH), problems).into());
        }
        let contents = emit::migration::markdown(&legacy.api, &v3.api);
        files.push(GeneratedFile { path: emit::migration::PATH.into(), contents });
    }
    files.extend(goldens(root)?);
    Ok(files)
}

fn read(path: &Path) -> Result<String, Error> {
    std::fs::read_to_string(path).map_err(|source| Error::Read { path: path.to_owned(), source })
}

/// The client code of every golden input under `root`, and the golden crate's `lib.rs` that
/// declares them; nothing when `root` has no golden inputs.
fn goldens(root: &Path) -> Result<Vec<GeneratedFile>, Error> {
    let mut files = Vec::new();
    for (dir, prefix) in GOLDEN_INPUTS {
        let Ok(entries) = std::fs::read_dir(root.join(dir)) else { continue };
        let mut inputs: Vec<_> = entries.filter_map(|e| Some(e.ok()?.path())).collect();
        inputs.retain(|p| p.extension().is_some_and(|e| e == "yaml"));
        inputs.sort();
        for input in inputs {
            let Some(name) = input.file_stem().and_then(|s| s.to_str()) else { continue };
            let label = format!("{dir}/{name}.yaml");
            let spec = load_and_validate(Path::new(&label), &read(&input)?)?;
            let client = generate_spec(Path::new(&label), &spec)?.client;
            let contents = format::format_file(&client, &label);
            files.push(GeneratedFile { path: format!("{GOLDEN_CRATE}/{prefix}{name}.rs"), contents });
        }
    }
    if files.is_empty() {
        return Ok(files);
    }
    let modules: String = files
        .iter()
        .filter_map(|f| Path::new(&f.path).file_stem()?.to_str().map(str::to_owned))
        .map(|name| format!("#[rustfmt::skip]\npub mod {name};\n"))
        .collect();
    let lib = format!(
        "{}//! The generator's golden outputs, compiled against the real runtime of `heygen-client`.\n\
         #![allow(dead_code, deprecated, clippy::all)]\n\n\
         // What generated code reaches through `crate::`, as it does inside `heygen-client`.\n\
         pub use heygen_client::{{Error, WaitOptions, rt}};\n\n{modules}",
        format::header("the golden inputs under tests/fixtures")
    );
    files.push(GeneratedFile { path: format!("{GOLDEN_CRATE}/lib.rs"), contents: lib });
    Ok(files)
}

/// Generates every file from the spec under `root` and writes them, all or nothing: on any error
/// the files on disk stay as they were. Returns what was written.
pub fn generate_to_disk(root: &Path) -> Result<Vec<GeneratedFile>, Error> {
    let files = generate(root)?;
    write::write_files(root, &files).map_err(|source| Error::Write { path: root.to_owned(), source })?;
    Ok(files)
}

/// Generates the legacy document's files from spec text; `file` only names the spec in error
/// messages.
pub fn generate_from_source(file: &Path, source: &str) -> Result<Vec<GeneratedFile>, Error> {
    generate_files(file, source, &LEGACY)
}

/// Generates `document`'s files from its spec text.
pub fn generate_document(document: &Document, source: &str) -> Result<Vec<GeneratedFile>, Error> {
    generate_files(Path::new(document.spec), source, document)
}

fn generate_files(file: &Path, source: &str, document: &Document) -> Result<Vec<GeneratedFile>, Error> {
    generate_files_of(file, &load_and_validate(file, source)?, document)
}

fn generate_files_of(file: &Path, spec: &Spec, document: &Document) -> Result<Vec<GeneratedFile>, Error> {
    let generated = generate_spec_for(file, spec, document.module)?;
    let source = &file.display().to_string();
    let mut files = vec![
        GeneratedFile { path: document.client.into(), contents: format::format_file(&generated.client, source) },
        GeneratedFile { path: document.calls.into(), contents: format::format_file(&generated.calls, source) },
    ];
    // heygen-mock stubs the v3 API only (the legacy client is on its way out).
    if document.spec == V3_SPEC_PATH {
        let contents = format::format_file(&generated.stubs, source);
        files.push(GeneratedFile { path: emit::stubs::PATH.into(), contents });
    }
    Ok(files)
}

/// Loads a spec, checks it against the house rules and progenitor's limits, and models it.
pub fn load_and_validate(file: &Path, source: &str) -> Result<Spec, SpecError> {
    let loaded = load::load(file, source)?;
    let (api, problems) = model::build(&loaded);
    if problems.is_empty() { Ok(Spec { loaded, api }) } else { Err(SpecError::new(file, problems)) }
}

/// Generates the client, the dispatch table and the surface listing for a validated spec.
/// `file` names the spec in errors about workflows the generated code cannot support.
pub fn generate_spec(file: &Path, spec: &Spec) -> Result<Generated, Error> {
    generate_spec_for(file, spec, LEGACY.module)
}

/// [`generate_spec`] for a client exported from `module` (which the dispatch table imports).
pub fn generate_spec_for(file: &Path, spec: &Spec, module: &str) -> Result<Generated, Error> {
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

/// The formatted client code for a validated spec.
pub fn client_code(file: &Path, spec: &Spec) -> Result<String, Error> {
    Ok(format::format_file(&generate_spec(file, spec)?.client, &file.display().to_string()))
}
