//! Tidy: the project's own checks of its hand-written Rust, read as text. Each check is an
//! architecture invariant of `docs/architecture.md`.
//!
//! - The files of each crate import one another without a cycle. An import is a `use crate::…`,
//!   `use super::…` or `use self::…` leaf, or an inline `crate::…` / `super::…` path; it points
//!   at the file of the longest module path it names. Not read as imports: comments, string and
//!   char literals, `quote!` bodies (emitted code, not this crate's), `#[cfg(test)]` items (a
//!   test module may reach anywhere), imports of the crate root (`lib.rs`/`main.rs` is the front
//!   that declares everything), and a parent naming its own child module without
//!   `crate::`/`self::` (declaring and calling children is the parent's job). These are the
//!   rules of `../shared/tools/import-cycles.py`, except that this test also skips string
//!   literals, and skips only the `#[cfg(test)]` item rather than the rest of the file.
//! - The layering: the imports [`FORBIDDEN`] lists do not exist, and heygen-client's files import
//!   one another down the order of [`RUNTIME_LAYERS`].
//! - Generated code names the client's runtime only through `crate::rt`, and decodes every
//!   declared success through `rt::decode` (which reads the envelope).
//! - Only codegen's `write` writes to disk; heygen-mock names heygen-client only in `api` and
//!   builds its replies from the client's types; xtask depends on no generation crate; case
//!   conversions live only in codegen's `syntax` (one rule) and `diff`.
//! - Every module file opens with a `//!` header (or `#![doc = …]`).
//!
//! Generated files (their first lines say `@generated`) are skipped, except by the check made
//! for them.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;

/// The source folders checked, relative to the workspace root; each is one crate.
const SOURCES: [&str; 4] = ["codegen/src", "generated-client/src", "xtask/src", "heygen-mock/src"];

#[test]
fn the_import_graph_has_no_cycle() {
    let mut failures = String::new();
    for src in SOURCES {
        let files = read_sources(src);
        assert!(files.len() > 3, "{src} holds {} Rust files; is the path right?", files.len());
        for cycle in import_cycles(src, &files) {
            writeln!(failures, "an import cycle among {} files:\n{}", cycle.files.len(), cycle.edges_listing())
                .unwrap();
        }
    }
    assert!(failures.is_empty(), "{failures}");
}

/// Imports the layering forbids, as (crate, importing files, imported files, the invariant in
/// `docs/architecture.md`). A path ending in `/` names a folder; `*` names every file.
const FORBIDDEN: &[(&str, &str, &str, &str)] = &[
    ("codegen/src", "source.rs", "*", "source imports nothing from the crate"),
    ("codegen/src", "yaml.rs", "*", "yaml imports nothing from the crate"),
    ("codegen/src", "syntax.rs", "*", "syntax imports nothing from the crate"),
    ("codegen/src", "emit/", "transform.rs", "emit never imports transform"),
    ("codegen/src", "transform.rs", "emit/", "transform never imports emit"),
    ("codegen/src", "transform.rs", "load.rs", "transform only rewrites syntax; it never reads the spec"),
    ("codegen/src", "transform.rs", "downgrade.rs", "transform only rewrites syntax; it never reads the spec"),
    ("codegen/src", "transform.rs", "model/", "transform only rewrites syntax; it never reads the spec"),
];

#[test]
fn the_layers_import_only_downwards() {
    let broken: Vec<String> =
        SOURCES.iter().flat_map(|src| forbidden_imports(src, &read_sources(src), FORBIDDEN)).collect();
    assert!(broken.is_empty(), "{broken:#?}");
}

#[test]
fn a_forbidden_import_is_reported_with_its_line_and_rule() {
    let files = sources(&[
        ("lib.rs", "//! root\n"),
        ("emit/mod.rs", "//! emit\n"),
        ("emit/x.rs", "//! x\n\nfn f() { crate::transform::t() }\n"),
        ("transform.rs", "//! transform\nuse crate::emit::x;\n"),
    ]);
    let rules =
        [("demo", "emit/", "transform.rs", "emit never imports transform"), ("demo", "transform.rs", "*", "no")];
    assert_eq!(
        forbidden_imports("demo", &files, &rules),
        [
            "demo/emit/x.rs:3 imports demo/transform.rs, but emit never imports transform",
            "demo/transform.rs:2 imports demo/emit/x.rs, but no"
        ]
    );
}

/// The imports of the crate in `src` that `rules` forbid, each with its line and the rule.
fn forbidden_imports(src: &str, files: &[(String, String)], rules: &[(&str, &str, &str, &str)]) -> Vec<String> {
    let mut broken = Vec::new();
    for (from, to, line) in import_graph(files, src) {
        for (_, importer, imported, rule) in rules.iter().filter(|(crate_src, ..)| *crate_src == src) {
            if names(importer, &from) && (*imported == "*" || names(imported, &to)) {
                broken.push(format!("{src}/{from}:{line} imports {src}/{to}, but {rule}"));
            }
        }
    }
    broken
}

/// generated-client's dependency order (`docs/architecture.md`, "The runtime's dependency
/// order"), bottom layer first: a file imports only files of lower layers, or of its own folder
/// in its own layer. Every hand-written file is in one layer (a path ending in `/` names a
/// folder), so a new file has to be placed. Here an import of an item the crate root re-exports
/// (`crate::Error`, `crate::Client`) counts as an import of the file that defines it.
const RUNTIME_LAYERS: &[&[&str]] = &[
    // Leaves: plain facts and rules that import nothing from the crate.
    &["facts.rs", "retry.rs", "url.rs", "idempotency.rs", "webhook_base.rs"],
    // The error types; what a built client carries.
    &["error.rs", "state.rs"],
    // Redaction; the envelopes; the call's scope; the verdict's carrier; waiting and paging.
    &["redact.rs", "envelope.rs", "call.rs", "verdict.rs", "waiter.rs", "pagination.rs"],
    // Reading a reply.
    &["reply.rs"],
    // The typed decode of a success, which reads the envelope in the same pass.
    &["decode.rs"],
    // Tracing; the `pre` hook.
    &["trace.rs", "prepare.rs"],
    // The `exec` hook and its send loop; mapping progenitor's result.
    &["send.rs", "finish.rs"],
    // The one door generated code uses.
    &["rt.rs"],
    // The v3 client (generated code and helpers).
    &["v3/"],
    // The legacy client, which hands out the v3 client; signed links fetched by the v3 client.
    &["legacy/", "download.rs"],
    // The builder, which builds either client.
    &["config.rs"],
];

#[test]
fn the_runtime_imports_only_down_its_order() {
    let src = "generated-client/src";
    let broken = layer_violations(src, &read_sources(src), RUNTIME_LAYERS);
    assert!(broken.is_empty(), "{broken:#?}");
}

#[test]
fn an_import_up_the_order_is_reported_also_through_the_crate_root() {
    let files = sources(&[
        ("lib.rs", "//! root\nmod low;\nmod high;\nmod side;\npub use high::High;\n"),
        ("low.rs", "//! low\nuse crate::High;\n"),
        ("high.rs", "//! high\nuse crate::low::Low;\npub struct High;\n"),
        ("side.rs", "//! side\nfn f() { crate::high::g() }\n"),
        ("folder/a.rs", "//! a\nuse super::b::B;\n"),
        ("folder/b.rs", "//! b\n"),
        ("stray.rs", "//! in no layer\n"),
    ]);
    let layers: &[&[&str]] = &[&["low.rs", "folder/"], &["high.rs", "side.rs"]];
    assert_eq!(
        layer_violations("demo", &files, layers),
        [
            "demo/stray.rs is in no layer",
            "demo/low.rs:2 imports demo/high.rs, which is not below it",
            "demo/side.rs:2 imports demo/high.rs, which is not below it"
        ]
    );
}

/// The imports of the crate in `src` that go up or sideways in `layers` (see [`RUNTIME_LAYERS`]),
/// and the files in no layer.
fn layer_violations(src: &str, files: &[(String, String)], layers: &[&[&str]]) -> Vec<String> {
    let layer_of = |file: &str| layers.iter().position(|layer| layer.iter().any(|entry| names(entry, file)));
    // The top folder of a file (`legacy` for `legacy/streaming/socket.rs`); none for a top file.
    let folder = |file: &str| file.split_once('/').map(|(top, _)| top.to_owned());
    let mut broken: Vec<String> = files
        .iter()
        .filter(|(file, _)| !matches!(file.as_str(), "lib.rs" | "main.rs") && layer_of(file).is_none())
        .map(|(file, _)| format!("{src}/{file} is in no layer"))
        .collect();
    for (from, to, line) in import_graph_with(files, src, &root_exports(files)) {
        let (Some(from_layer), Some(to_layer)) = (layer_of(&from), layer_of(&to)) else { continue };
        let same_folder = folder(&from).is_some() && folder(&from) == folder(&to);
        if to_layer > from_layer || (to_layer == from_layer && !same_folder) {
            broken.push(format!("{src}/{from}:{line} imports {src}/{to}, which is not below it"));
        }
    }
    broken
}

/// The items the crate root re-exports (`pub use a::{B, c::D}` in `lib.rs`), each with the
/// module path of the file that defines it.
fn root_exports(files: &[(String, String)]) -> BTreeMap<String, Vec<String>> {
    let modules: BTreeMap<Vec<String>, &str> = files.iter().map(|(path, _)| (module_of(path), path.as_str())).collect();
    let Some((_, root)) = files.iter().find(|(path, _)| path == "lib.rs") else { return BTreeMap::new() };
    let chars: Vec<char> = code_only(root).chars().collect();
    let mut exports = BTreeMap::new();
    let mut i = 0;
    while i < chars.len() {
        if starts_word(&chars, i) && word_at(&chars, i) == "use" {
            let end = (i..chars.len()).find(|&j| chars[j] == ';').unwrap_or(chars.len());
            let mut leaves = Vec::new();
            use_tree(&chars, i + 3, end, &mut Vec::new(), &mut leaves);
            for (path, _) in leaves {
                let absolute: Vec<String> = std::iter::once("crate".to_owned()).chain(path.iter().cloned()).collect();
                if let (Some(name), Some(target)) = (path.last(), resolve(&[], &absolute, &modules))
                    && !target.is_empty()
                {
                    exports.insert(name.clone(), target);
                }
            }
            i = end;
        } else {
            i += 1;
        }
    }
    exports
}

fn names(pattern: &str, file: &str) -> bool {
    if pattern.ends_with('/') { file.starts_with(pattern) } else { file == pattern }
}

/// What generated code may name in `heygen-client`: `crate::rt` (the one internal module made
/// for it) and the public types the crate root gives users, which the generated signatures use.
const GENERATED_MAY_NAME: [&str; 3] = ["rt", "Error", "WaitOptions"];

#[test]
fn generated_code_reaches_the_runtime_only_through_rt() {
    let generated: Vec<_> =
        rust_files("generated-client/src").into_iter().filter(|(_, text)| is_generated(text)).collect();
    assert!(generated.len() >= 2, "found {} generated files, expected the legacy and the v3 client", generated.len());
    let mut strays = BTreeSet::new();
    for (file, text) in &generated {
        for (path, line) in references(&code_only(text)) {
            if path[0] == "crate" && !GENERATED_MAY_NAME.contains(&path.get(1).map_or("", String::as_str)) {
                strays.insert(format!("generated-client/src/{file}:{line}: {}", path.join("::")));
            }
        }
    }
    assert!(strays.is_empty(), "generated code names the crate beside `crate::rt`: {strays:#?}");
}

/// Every generated method decodes its declared success through `rt::decode`, which reads
/// HeyGen's envelope as it decodes: a call left on progenitor's `ResponseValue::from_response`
/// (after a progenitor upgrade changed its output, say) would take a failure reported inside a
/// 200 for a success.
#[test]
fn every_generated_success_decodes_through_the_runtime() {
    for (file, text) in rust_files("generated-client/src").into_iter().filter(|(_, text)| is_generated(text)) {
        let code = code_only(&text);
        assert!(code.contains("crate::rt::decode("), "generated-client/src/{file} never calls `rt::decode`");
        // progenitor's other ways to make a reply (`empty`, `stream`, `upgrade`) carry no JSON body.
        let others: Vec<&str> = code
            .match_indices("ResponseValue::")
            .map(|(at, found)| {
                let rest = &code[at + found.len()..];
                &rest[..rest.find(|c: char| !c.is_alphanumeric() && c != '_').unwrap_or(rest.len())]
            })
            .filter(|name| !["new", "empty", "stream", "upgrade"].contains(name))
            .collect();
        assert!(others.is_empty(), "generated-client/src/{file} decodes replies without the runtime: {others:?}");
    }
}

/// Writing files is `write`'s job (atomically, and only what `cargo xtask generate` asks for):
/// the rest of codegen computes in memory, so tests and `cargo xtask check` run the same code.
#[test]
fn only_write_writes_to_disk_in_codegen() {
    const WRITES: [&str; 7] =
        ["fs::write", "File::create", "OpenOptions", "create_dir", "fs::rename", "remove_file", "remove_dir"];
    let mut found = Vec::new();
    for (path, text) in read_sources("codegen/src") {
        if path == "write.rs" {
            assert!(WRITES.iter().any(|call| text.contains(call)), "write.rs writes nothing any more?");
            continue;
        }
        let code = code_only(&text);
        for (n, line) in code.lines().enumerate() {
            if let Some(call) = WRITES.iter().find(|call| line.contains(*call)) {
                found.push(format!("codegen/src/{path}:{}: {call}", n + 1));
            }
        }
    }
    assert!(found.is_empty(), "{found:#?}");
}

/// The fake names the client's paths in one module, so the client's moving public surface
/// (issue 25) is one edit there.
#[test]
fn heygen_mock_names_the_client_only_in_api() {
    let strays: Vec<String> = read_sources("heygen-mock/src")
        .into_iter()
        .filter(|(path, text)| path != "api.rs" && code_only(text).contains("heygen_client"))
        .map(|(path, _)| format!("heygen-mock/src/{path}"))
        .collect();
    assert!(strays.is_empty(), "name heygen-client's items through `crate::api`: {strays:?}");
}

/// xtask is the command line around heygen-codegen: it depends on none of the crates that parse
/// documents or build Rust, so generation logic cannot grow there.
#[test]
fn xtask_holds_no_generation_logic() {
    const GENERATION: [&str; 8] =
        ["progenitor", "progenitor-impl", "typify", "openapiv3", "syn", "quote", "proc-macro2", "prettyplease"];
    let manifest = read("xtask/Cargo.toml");
    let dependencies: Vec<&str> = manifest
        .lines()
        .skip_while(|line| line.trim() != "[dependencies]")
        .skip(1)
        .take_while(|line| !line.starts_with('['))
        .filter_map(|line| line.split(['=', '.']).next().map(str::trim))
        .filter(|name| !name.is_empty() && !name.starts_with('#'))
        .collect();
    assert!(dependencies.contains(&"heygen-codegen"), "xtask's [dependencies] not found: {dependencies:?}");
    let strays: Vec<&&str> = dependencies.iter().filter(|name| GENERATION.contains(name)).collect();
    assert!(strays.is_empty(), "xtask depends on {strays:?}: put that work in heygen-codegen");
    for (path, text) in read_sources("xtask/src") {
        let code = code_only(&text);
        for crate_name in ["syn::", "quote!", "openapiv3::", "progenitor"] {
            assert!(!code.contains(crate_name), "xtask/src/{path} uses {crate_name}: put that work in heygen-codegen");
        }
    }
}

/// Rust names of generated items come from progenitor's items (`bind`), not from case rules
/// copied into the generator. One case rule exists for names the generator makes up itself
/// (`syntax::pascal_case`: `bind`'s `{Method}Params` structs, heygen-mock's stub markers), and
/// `diff` guesses names that it checks against the generated items (it links a wire change to
/// the Rust changes of the types it may name, and to nothing else).
#[test]
fn case_rules_live_only_where_the_name_is_ours_or_checked() {
    const CASES: [&str; 4] = ["snake", "pascal", "camel", "kebab"];
    let mut found = Vec::new();
    for (path, text) in read_sources("codegen/src") {
        if path == "syntax.rs" || path.starts_with("diff/") {
            continue;
        }
        for (n, line) in code_only(&text).lines().enumerate() {
            let defines = line.split("fn ").skip(1).filter_map(|rest| rest.split(['(', '<']).next());
            for name in defines.filter(|name| CASES.iter().any(|case| name.to_lowercase().contains(case))) {
                found.push(format!("codegen/src/{path}:{}: fn {name}", n + 1));
            }
        }
    }
    assert!(
        found.is_empty(),
        "take the name from progenitor's item (see bind.rs), or use syntax::pascal_case for a name of the generator's own: {found:#?}"
    );
}

/// heygen-mock's replies are values of the client's own types, serialized, so a change to those
/// types breaks the fake's build instead of leaving it answering in the old shape.
#[test]
fn heygen_mock_replies_are_built_from_the_client_types() {
    let replies = code_only(&read("heygen-mock/src/replies.rs"));
    assert!(replies.contains("api::"), "replies.rs no longer builds from the client's types?");
    for untyped in ["json!", "Value::", "serde_json::Value"] {
        assert!(!replies.contains(untyped), "heygen-mock/src/replies.rs builds a reply with `{untyped}`");
    }
}

#[test]
fn every_module_file_opens_with_a_module_doc() {
    let mut missing = Vec::new();
    for src in SOURCES {
        for (path, text) in read_sources(src) {
            let first = text.lines().map(str::trim).find(|line| !line.is_empty()).unwrap_or("");
            if !(first.starts_with("//!") || first.starts_with("#![doc")) {
                missing.push(format!("{src}/{path}"));
            }
        }
    }
    assert!(missing.is_empty(), "module files without a `//!` header saying what they are for: {missing:#?}");
}

// The scanner itself, on small made-up crates, so that a scanner that finds nothing cannot pass.

#[test]
fn a_cycle_is_reported_with_one_edge_per_file_pair_and_its_line() {
    let files = sources(&[
        ("lib.rs", "//! root\nmod a;\nmod b;\nmod c;\nmod d;\n"),
        ("a.rs", "//! a\nuse crate::b::{self, Thing};\nfn f() { crate::b::g(); }\n"),
        ("b/mod.rs", "//! b\n\npub fn g() { crate::c::h() }\n"),
        ("c.rs", "//! c\nuse super::{\n    a::A,\n    d::D,\n};\n"),
        ("d.rs", "//! d, imported but importing nothing\n"),
    ]);
    let cycles = import_cycles("demo", &files);
    assert_eq!(cycles.len(), 1, "{cycles:?}");
    assert_eq!(cycles[0].files, ["demo/a.rs", "demo/b/mod.rs", "demo/c.rs"]);
    assert_eq!(
        cycles[0].edges,
        ["demo/a.rs:2 -> demo/b/mod.rs", "demo/b/mod.rs:3 -> demo/c.rs", "demo/c.rs:3 -> demo/a.rs"]
    );
}

#[test]
fn super_from_a_folder_module_and_from_a_file_in_it_resolve_differently() {
    let files = sources(&[
        ("lib.rs", "//! root\n"),
        ("x/mod.rs", "//! x\nuse self::y::Y;\nuse super::z::Z;\n"),
        ("x/y.rs", "//! y\nuse super::super::z::Z;\n"),
        ("z.rs", "//! z\nfn f() -> crate::x::y::Y { todo!() }\n"),
    ]);
    let graph = import_graph(&files, "demo");
    let edges: BTreeSet<(&str, &str)> = graph.iter().map(|(from, to, _)| (from.as_str(), to.as_str())).collect();
    assert_eq!(
        edges,
        BTreeSet::from([("x/mod.rs", "x/y.rs"), ("x/mod.rs", "z.rs"), ("x/y.rs", "z.rs"), ("z.rs", "x/y.rs")])
    );
    assert_eq!(import_cycles("demo", &files)[0].files, ["demo/x/y.rs", "demo/z.rs"]);
}

#[test]
fn emitted_code_strings_comments_and_test_modules_are_not_imports() {
    let files = sources(&[
        ("lib.rs", "//! root\n"),
        ("a.rs", "//! a\npub struct A;\n"),
        (
            "b.rs",
            r##"//! b names `crate::a` only where it is not an import.
// use crate::a::A;
/* crate::a::A /* nested */ crate::a::A */
fn emitted() -> proc_macro2::TokenStream {
    let text = "crate::a::A";
    let raw = r#"use crate::a::A;"#;
    let c = '"'; let lifetime: &'static str = "x";
    quote::quote! { use crate::a::A; fn f() -> crate::a::A { crate::a::A } }
}
#[cfg(test)]
mod tests {
    use crate::a::A;
    fn t() { super::super::a::A; }
}
pub fn after_the_tests() -> crate::a::A { crate::a::A }
"##,
        ),
    ]);
    let graph = import_graph(&files, "demo");
    assert_eq!(graph, [("b.rs".to_owned(), "a.rs".to_owned(), 15)], "only the function after the test module imports");
}

#[test]
fn generated_files_are_skipped() {
    assert!(is_generated("// @generated by `cargo xtask generate` from spec/heygen.yaml. Do not edit by hand.\n"));
    assert!(!is_generated("//! The generated client's runtime.\n"));
}

/// One cycle: its files (sorted) and, for each ordered pair of them that imports, the first
/// import's `file:line`.
#[derive(Debug)]
struct Cycle {
    files: Vec<String>,
    edges: Vec<String>,
}

impl Cycle {
    fn edges_listing(&self) -> String {
        self.edges.iter().map(|edge| format!("  {edge}\n")).collect()
    }
}

/// The hand-written Rust files under `src` (relative to the workspace root), as (path inside
/// `src`, text), sorted by path.
fn read_sources(src: &str) -> Vec<(String, String)> {
    rust_files(src).into_iter().filter(|(_, text)| !is_generated(text)).collect()
}

/// Every Rust file under `src`, generated or not.
fn rust_files(src: &str) -> Vec<(String, String)> {
    fn walk(dir: &Path, base: &Path, out: &mut Vec<(String, String)>) {
        let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()));
        for entry in entries {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                walk(&path, base, out);
            } else if path.extension().is_some_and(|ext| ext == "rs") {
                let text =
                    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
                let relative = path.strip_prefix(base).expect("under its base").to_string_lossy().replace('\\', "/");
                out.push((relative, text));
            }
        }
    }
    let base = heygen_tests::workspace_root().join(src);
    let mut out = Vec::new();
    walk(&base, &base, &mut out);
    out.sort();
    out
}

/// A file under the workspace root.
fn read(path: &str) -> String {
    let full = heygen_tests::workspace_root().join(path);
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("cannot read {}: {e}", full.display()))
}

fn sources(files: &[(&str, &str)]) -> Vec<(String, String)> {
    files.iter().map(|(path, text)| (path.to_string(), text.to_string())).collect()
}

/// Whether the file says it is generated (as `cargo xtask generate` and progenitor mark theirs).
fn is_generated(text: &str) -> bool {
    text.lines().take(3).any(|line| line.trim_start().starts_with("//") && line.contains("@generated"))
}

/// The module path of a file inside its crate's source folder: `emit/params.rs` ->
/// `[emit, params]`, `emit/mod.rs` -> `[emit]`, `lib.rs` -> `[]`.
fn module_of(path: &str) -> Vec<String> {
    let mut parts: Vec<String> = path.trim_end_matches(".rs").split('/').map(str::to_owned).collect();
    if matches!(parts.last().map(String::as_str), Some("lib" | "main" | "mod")) {
        parts.pop();
    }
    parts
}

/// The cycles (strongly connected sets of two or more files) of one crate's import graph.
fn import_cycles(src: &str, files: &[(String, String)]) -> Vec<Cycle> {
    let edges = import_graph(files, src);
    let mut graph: BTreeMap<&str, BTreeMap<&str, usize>> = BTreeMap::new();
    for (from, to, line) in &edges {
        graph.entry(from).or_default().entry(to).or_insert(*line);
    }
    strongly_connected(&graph)
        .into_iter()
        .map(|component| {
            let mut edges = Vec::new();
            for from in &component {
                for (to, line) in &graph[from] {
                    if component.contains(to) {
                        edges.push(format!("{src}/{from}:{line} -> {src}/{to}"));
                    }
                }
            }
            Cycle { files: component.iter().map(|file| format!("{src}/{file}")).collect(), edges }
        })
        .collect()
}

/// Every import between two files of one crate, as (importing file, imported file, line); the
/// first line per pair, sorted. `src` only names the crate in panics.
fn import_graph(files: &[(String, String)], src: &str) -> Vec<(String, String, usize)> {
    import_graph_with(files, src, &BTreeMap::new())
}

/// [`import_graph`], with `crate::X` read as an import of the file `exports` names for `X` (an
/// item the crate root re-exports).
fn import_graph_with(
    files: &[(String, String)],
    src: &str,
    exports: &BTreeMap<String, Vec<String>>,
) -> Vec<(String, String, usize)> {
    let modules: BTreeMap<Vec<String>, &str> = files
        .iter()
        .filter(|(path, _)| !(path == "main.rs" && files.iter().any(|(p, _)| p == "lib.rs")))
        .map(|(path, _)| (module_of(path), path.as_str()))
        .collect();
    let mut first: BTreeMap<(String, String), usize> = BTreeMap::new();
    for (path, text) in files {
        // A binary beside a library reaches the library by its crate name, never by `crate::`.
        if path == "main.rs" && modules.get(&Vec::new()) != Some(&"main.rs") {
            continue;
        }
        let module = module_of(path);
        for (reference, line) in references(&code_only(text)) {
            let Some(mut target) = resolve(&module, &reference, &modules) else { continue };
            if target.is_empty() && reference[0] == "crate" {
                target = reference.get(1).and_then(|name| exports.get(name)).cloned().unwrap_or_default();
            }
            if target.is_empty() || target == module {
                continue;
            }
            let to = modules[&target].to_owned();
            let line_of = first.entry((path.clone(), to)).or_insert(line);
            *line_of = (*line_of).min(line);
        }
    }
    assert!(!files.is_empty(), "{src} has no files");
    first.into_iter().map(|((from, to), line)| (from, to, line)).collect()
}

/// The module a path names (`crate::a::b::C`, `super::x`, `self::y`), as the longest prefix of
/// it that is a file of the crate; `None` for a path into another crate.
fn resolve(module: &[String], reference: &[String], modules: &BTreeMap<Vec<String>, &str>) -> Option<Vec<String>> {
    let mut parts: Vec<String> = match reference.first().map(String::as_str) {
        Some("crate") => reference[1..].to_vec(),
        Some("self") => module.iter().chain(&reference[1..]).cloned().collect(),
        Some("super") => {
            let ups = reference.iter().take_while(|part| *part == "super").count();
            let base = &module[..module.len().saturating_sub(ups)];
            base.iter().chain(&reference[ups..]).cloned().collect()
        }
        _ => return None,
    };
    parts.retain(|part| part != "self");
    (0..=parts.len()).rev().map(|n| parts[..n].to_vec()).find(|prefix| modules.contains_key(prefix))
}

/// The paths `code` names through `crate`, `super` or `self`, each with its line: every leaf
/// of each `use` tree, and each inline `crate::…` or `super::…` path outside them.
fn references(code: &str) -> Vec<(Vec<String>, usize)> {
    let chars: Vec<char> = code.chars().collect();
    let line_at = |at: usize| 1 + chars[..at].iter().filter(|c| **c == '\n').count();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !starts_word(&chars, i) {
            i += 1;
            continue;
        }
        let word = word_at(&chars, i);
        if word == "use" {
            let end = (i..chars.len()).find(|&j| chars[j] == ';').unwrap_or(chars.len());
            let mut leaves = Vec::new();
            use_tree(&chars, i + 3, end, &mut Vec::new(), &mut leaves);
            out.extend(
                leaves
                    .into_iter()
                    .filter(|(path, _)| matches!(path.first().map(String::as_str), Some("crate" | "super" | "self")))
                    .map(|(path, at)| (path, line_at(at))),
            );
            i = end;
        } else if (word == "crate" || word == "super")
            && chars.get(i + word.len()..i + word.len() + 2) == Some(&[':', ':'][..])
        {
            let (path, end) = path_at(&chars, i);
            out.push((path, line_at(i)));
            i = end;
        } else {
            i += word.len();
        }
    }
    out
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Whether a word starts at `i`: an identifier character not preceded by one, nor by `::`
/// (`x::crate` is no path of ours) nor by `$` (`$crate` is, but is read like `crate`).
fn starts_word(chars: &[char], i: usize) -> bool {
    is_ident(chars[i]) && (i == 0 || !(is_ident(chars[i - 1]) || chars[i - 1] == ':'))
}

fn word_at(chars: &[char], i: usize) -> String {
    chars[i..].iter().take_while(|c| is_ident(**c)).collect()
}

/// The path `a::b::c` starting at `i` (spaces allowed around `::`), and where it ends.
fn path_at(chars: &[char], mut i: usize) -> (Vec<String>, usize) {
    let mut path = Vec::new();
    loop {
        let word = word_at(chars, i);
        i += word.len();
        path.push(word);
        let mut j = skip_space(chars, i);
        if chars.get(j..j + 2) != Some(&[':', ':'][..]) {
            return (path, i);
        }
        j = skip_space(chars, j + 2);
        if !chars.get(j).is_some_and(|c| is_ident(*c)) {
            return (path, i);
        }
        i = j;
    }
}

fn skip_space(chars: &[char], mut i: usize) -> usize {
    while chars.get(i).is_some_and(|c| c.is_whitespace()) {
        i += 1;
    }
    i
}

/// The leaves of the `use` tree starting at `i` (up to `end`) below `prefix`, each with the
/// offset of its last segment: `a::{b, c::{self, D as E}, *}` gives `a::b`, `a::c::self`,
/// `a::c::D` and `a`. Returns where the tree ends.
fn use_tree(
    chars: &[char],
    mut i: usize,
    end: usize,
    prefix: &mut Vec<String>,
    out: &mut Vec<(Vec<String>, usize)>,
) -> usize {
    let depth = prefix.len();
    let mut at = i;
    while i < end {
        match chars[i] {
            c if c.is_whitespace() || c == ':' => i += 1,
            '{' => {
                i += 1;
                while i < end && chars[i] != '}' {
                    let next = if chars[i] == ',' || chars[i].is_whitespace() {
                        i + 1
                    } else {
                        use_tree(chars, i, end, prefix, out)
                    };
                    // Anything the grammar above does not know is stepped over rather than looped on.
                    i = next.max(i + 1);
                }
                prefix.truncate(depth);
                return i + 1;
            }
            '*' => {
                out.push((prefix.clone(), i));
                prefix.truncate(depth);
                return i + 1;
            }
            c if is_ident(c) => {
                let word = word_at(chars, i);
                if word == "as" {
                    // `X as Y`: the leaf is X; the new name is no segment.
                    i = skip_space(chars, i + 2);
                    i += word_at(chars, i).len();
                    continue;
                }
                at = i;
                i += word.len();
                prefix.push(word);
            }
            _ => break,
        }
    }
    if prefix.len() > depth {
        out.push((prefix.clone(), at));
    }
    prefix.truncate(depth);
    i
}

/// `text` with what is not code of this crate blanked out, newlines kept so lines still count:
/// comments, string and char literal contents, `quote!`/`quote_spanned!` bodies and
/// `#[cfg(test)]` items.
fn code_only(text: &str) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    blank_literals_and_comments(&mut chars);
    for macro_name in ["quote!", "quote_spanned!"] {
        let mut from = 0;
        while let Some(found) = find(&chars, macro_name, from) {
            from = found + macro_name.chars().count();
            if found > 0 && is_ident(chars[found - 1]) {
                continue;
            }
            let open = skip_space(&chars, from);
            if matches!(chars.get(open), Some('(' | '[' | '{')) {
                let close = matching(&chars, open);
                blank(&mut chars, open, close);
            }
        }
    }
    let mut from = 0;
    while let Some(found) = find(&chars, "#[cfg(test)]", from) {
        let end = item_end(&chars, found + "#[cfg(test)]".len());
        blank(&mut chars, found, end);
        from = end;
    }
    chars.into_iter().collect()
}

fn find(chars: &[char], needle: &str, from: usize) -> Option<usize> {
    let needle: Vec<char> = needle.chars().collect();
    (from..chars.len().saturating_sub(needle.len() - 1)).find(|&i| chars[i..i + needle.len()] == needle[..])
}

/// The offset just past the bracket that closes the one at `open`.
fn matching(chars: &[char], open: usize) -> usize {
    let mut depth = 0i32;
    for (i, c) in chars.iter().enumerate().skip(open) {
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => {
                depth -= 1;
                if depth == 0 {
                    return i + 1;
                }
            }
            _ => {}
        }
    }
    chars.len()
}

/// The offset just past the item that starts at `i`: its `;` or its closing brace, whichever
/// comes first at the item's own level.
fn item_end(chars: &[char], i: usize) -> usize {
    let mut depth = 0i32;
    for (j, c) in chars.iter().enumerate().skip(i) {
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' => depth -= 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return j + 1;
                }
            }
            ';' if depth == 0 => return j + 1,
            _ => {}
        }
    }
    chars.len()
}

fn blank(chars: &mut [char], from: usize, to: usize) {
    for c in &mut chars[from..to] {
        if *c != '\n' {
            *c = ' ';
        }
    }
}

/// Blanks comments (nested block comments too) and the insides of string, raw string, byte
/// string and char literals; lifetimes stay.
fn blank_literals_and_comments(chars: &mut [char]) {
    let mut i = 0;
    while i < chars.len() {
        let rest = &chars[i..];
        if rest.starts_with(&['/', '/']) {
            let end = (i..chars.len()).find(|&j| chars[j] == '\n').unwrap_or(chars.len());
            blank(chars, i, end);
            i = end;
        } else if rest.starts_with(&['/', '*']) {
            let (mut depth, mut j) = (1, i + 2);
            while j < chars.len() && depth > 0 {
                if chars[j..].starts_with(&['/', '*']) {
                    depth += 1;
                    j += 2;
                } else if chars[j..].starts_with(&['*', '/']) {
                    depth -= 1;
                    j += 2;
                } else {
                    j += 1;
                }
            }
            blank(chars, i, j);
            i = j;
        } else if let Some(end) = raw_string_end(chars, i) {
            blank(chars, i, end);
            i = end;
        } else if chars[i] == '"' {
            let mut j = i + 1;
            while j < chars.len() && chars[j] != '"' {
                j += if chars[j] == '\\' { 2 } else { 1 };
            }
            let end = (j + 1).min(chars.len());
            blank(chars, i, end);
            i = end;
        } else if chars[i] == '\'' {
            // A char literal is `'x'` or `'\…'`; anything else is a lifetime or a label.
            let end = if chars.get(i + 1) == Some(&'\\') {
                // The escaped character itself may be `'` or `\\`; the closing quote comes after it.
                (i + 3..chars.len()).find(|&j| chars[j] == '\'').map(|j| j + 1)
            } else if chars.get(i + 2) == Some(&'\'') {
                Some(i + 3)
            } else {
                None
            };
            match end {
                Some(end) => {
                    blank(chars, i, end);
                    i = end;
                }
                None => i += 1,
            }
        } else {
            i += 1;
        }
    }
}

/// Where the raw string (`r"…"`, `r#"…"#`, `br#"…"#`) starting at `i` ends, if one starts there.
fn raw_string_end(chars: &[char], i: usize) -> Option<usize> {
    if i > 0 && is_ident(chars[i - 1]) && !(chars[i - 1] == 'b' && (i < 2 || !is_ident(chars[i - 2]))) {
        return None;
    }
    if chars[i] != 'r' {
        return None;
    }
    let hashes = chars[i + 1..].iter().take_while(|c| **c == '#').count();
    if chars.get(i + 1 + hashes) != Some(&'"') {
        return None;
    }
    let close: Vec<char> = std::iter::once('"').chain(std::iter::repeat_n('#', hashes)).collect();
    let start = i + 2 + hashes;
    let end = (start..chars.len()).find(|&j| chars[j..].starts_with(&close)).map_or(chars.len(), |j| j + close.len());
    Some(end)
}

/// The strongly connected sets of two or more nodes (Tarjan), each sorted, in order of their
/// first node.
fn strongly_connected<'a>(graph: &BTreeMap<&'a str, BTreeMap<&'a str, usize>>) -> Vec<BTreeSet<&'a str>> {
    struct Tarjan<'g, 'a> {
        graph: &'g BTreeMap<&'a str, BTreeMap<&'a str, usize>>,
        index: BTreeMap<&'a str, (usize, usize)>,
        stack: Vec<&'a str>,
        on_stack: BTreeSet<&'a str>,
        found: Vec<BTreeSet<&'a str>>,
    }
    impl<'a> Tarjan<'_, 'a> {
        fn visit(&mut self, v: &'a str) {
            let n = self.index.len();
            self.index.insert(v, (n, n));
            self.stack.push(v);
            self.on_stack.insert(v);
            for &w in self.graph.get(v).into_iter().flat_map(BTreeMap::keys) {
                if !self.index.contains_key(w) {
                    self.visit(w);
                    let low = self.index[w].1.min(self.index[v].1);
                    self.index.get_mut(v).expect("visited").1 = low;
                } else if self.on_stack.contains(w) {
                    let low = self.index[w].0.min(self.index[v].1);
                    self.index.get_mut(v).expect("visited").1 = low;
                }
            }
            if self.index[v].0 == self.index[v].1 {
                let mut component = BTreeSet::new();
                while let Some(w) = self.stack.pop() {
                    self.on_stack.remove(w);
                    component.insert(w);
                    if w == v {
                        break;
                    }
                }
                if component.len() > 1 {
                    self.found.push(component);
                }
            }
        }
    }
    let mut tarjan =
        Tarjan { graph, index: BTreeMap::new(), stack: Vec::new(), on_stack: BTreeSet::new(), found: Vec::new() };
    for &v in graph.keys() {
        if !tarjan.index.contains_key(v) {
            tarjan.visit(v);
        }
    }
    tarjan.found.sort();
    tarjan.found
}
