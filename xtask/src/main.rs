//! `cargo xtask`: the maintainers' entry points. The work lives in `heygen-codegen`; this is the
//! command line around it.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand};

mod bench;
mod contract;
mod downgrade;

#[derive(Parser)]
#[command(about = "Maintainer tasks for heygen-rs", long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Regenerate the client from spec/heygen.yaml and write it to generated-client/src/.
    ///
    /// Validates the spec first (house rules and progenitor's limits); on any problem it prints
    /// each one with its file, line and JSON pointer, and leaves the generated files untouched.
    /// Files are written to temporary siblings and renamed into place only when all are ready.
    Generate,
    /// Check that the checked-in generated code is what the spec produces, without writing.
    ///
    /// Exits non-zero with a short summary of the difference when the code is stale; the fix
    /// is `cargo xtask generate`. CI runs this.
    Check,
    /// Report what a spec change does to HTTP callers and to the Rust API, for review.
    ///
    /// Between two git revisions (or a revision and the working tree), reviews every document
    /// under spec/ that changed between them (spec/heygen.yaml, spec/heygen-v3.yaml), each read
    /// with `git show REV:path`; --spec names one document instead. Each document gets its own
    /// report: each wire change is rated breaking, warning or info for HTTP callers, and the
    /// client is generated from both versions in memory (a 3.1 document downgraded on load, as
    /// `generate` does) to list the changed public Rust items and the semver bump they need.
    /// A changed document that exists on one side only is listed as not compared.
    ///
    /// Each of --base and --head is a file if one exists at that path, else a git revision. With
    /// a file on either side the review is of that one document: two files are compared as they
    /// are (any two OpenAPI 3.0 or 3.1 documents, such as ours and HeyGen's published
    /// external-api.json), and a file against a revision or the working tree reads --spec
    /// (default spec/heygen.yaml) there.
    ///
    /// Operations are paired by operationId, then by method and path, then by operationId in
    /// any case style. A document that breaks our house rules is still compared on the wire: its
    /// problems are listed as notes, and the Rust half is skipped with a note saying why.
    ///
    /// Exit codes: 0 when no change in any document reaches --fail-on, 1 when one does, 2 on
    /// input that cannot be read as OpenAPI (unreadable file, unknown revision, bad YAML or JSON,
    /// not OpenAPI, a 3.1 construct 3.0 cannot say), with the file, line and JSON pointer.
    Diff(DiffArgs),
    /// Rewrite an OpenAPI 3.1 document (YAML or JSON) as OpenAPI 3.0.3.
    ///
    /// The same stage `generate` runs on a 3.1 spec: type arrays and null branches become
    /// `nullable` (a nullable `$ref` the house form `oneOf: [{$ref}, {enum: [null]}]`), `const` a
    /// one-value `enum`, `examples` an `example`, `$defs` named schemas, and so on (see the
    /// README). What it approximates or drops is listed on stderr as notes with their lines;
    /// what 3.0 cannot say is an error with the file, line and JSON pointer, and then nothing is
    /// written. The output is JSON when OUT ends in .json, else YAML; stdout without OUT.
    Downgrade {
        /// The OpenAPI 3.1 document to read.
        input: PathBuf,
        /// Where to write the 3.0.3 document [default: stdout].
        output: Option<PathBuf>,
    },
    /// Contract test: drive every operation of both clients against Stoplight Prism.
    ///
    /// Installs Prism into .tools/ if missing (tools/install.sh), then for spec/heygen.yaml and
    /// spec/heygen-v3.yaml in turn starts `prism mock <spec>` on a free loopback port, waits
    /// until it answers, and runs the `contract` test of heygen-tests against it: every
    /// operation is called with a valid request built from the spec (Prism answers 422 to one
    /// that does not match), and every reply must parse into the client's types and hold the
    /// spec's example. Prints `N/N operations validated` per document; exits non-zero on any
    /// mismatch in either, with Prism's log. Each Prism is stopped by its pid when its run
    /// ends, fails, or is interrupted.
    Contract,
    /// Benchmarks against OpenAPI Generator's Rust client, from the same spec: generation time
    /// (median of 5) and the compile cost of each crate with its dependencies prebuilt.
    ///
    /// Installs the peer (pinned, from PyPI) into .tools/bench-venv on first use and says which
    /// peer it skipped and why when Java or pip is missing. Prints figures and ratios; it never
    /// fails on a number. See docs/benchmarks.md for a recorded run and the request benchmarks.
    Bench,
}

#[derive(clap::Args)]
struct DiffArgs {
    /// The spec before the change: a git revision (main, HEAD~1, a sha) or a file.
    #[arg(long)]
    base: String,
    /// The spec after the change: a git revision or a file [default: the working tree].
    #[arg(long)]
    head: Option<String>,
    /// Review only this document (a path under the workspace root, such as
    /// spec/heygen-v3.yaml) [default: every document under spec/ that changed between --base
    /// and --head; spec/heygen.yaml when a side is a file].
    #[arg(long)]
    spec: Option<String>,
    /// markdown (for a pull request) or json (for tools: `{"base", "head", "documents": [{"spec",
    /// "base_file", "head_file", "semver", "changes", "rust_api", "notes"}], "skipped"}`).
    #[arg(long, default_value = "markdown")]
    format: heygen_codegen::diff::Format,
    /// Exit 1 when a change is at least this severe: breaking, warning or never.
    #[arg(long, default_value = "breaking")]
    fail_on: heygen_codegen::diff::FailOn,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let root = workspace_root();
    let result = match cli.command {
        Command::Generate => generate(&root),
        Command::Check => check(&root),
        Command::Diff(args) => return diff(&root, &args),
        Command::Contract => contract::run(&root),
        Command::Bench => bench::run(&root),
        Command::Downgrade { input, output } => downgrade::run(&input, output.as_deref()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask sits in the workspace root").to_owned()
}

fn generate(root: &Path) -> Result<(), String> {
    let started = Instant::now();
    let files = heygen_codegen::generate_to_disk(root).map_err(|e| e.to_string())?;
    let elapsed = started.elapsed();
    for file in &files {
        eprintln!("wrote {} ({} lines)", file.path, file.contents.lines().count());
    }
    eprintln!("generated and written in {:.0} ms", elapsed.as_secs_f64() * 1000.0);
    Ok(())
}

fn check(root: &Path) -> Result<(), String> {
    let files = heygen_codegen::generate(root).map_err(|e| e.to_string())?;
    let stale = heygen_codegen::stale_files(root, &files);
    if stale.is_empty() {
        eprintln!("generated code matches the documents in spec/");
        return Ok(());
    }
    let list: Vec<String> = stale.iter().map(|s| format!("  {}: {}", s.path, s.summary)).collect();
    Err(format!("generated code is stale:\n{}\nfix: run `cargo xtask generate`", list.join("\n")))
}

fn diff(root: &Path, args: &DiffArgs) -> ExitCode {
    use heygen_codegen::diff;
    let result = diff::review(root, &args.base, args.head.as_deref(), args.spec.as_deref());
    match &result {
        Ok(review) if args.format == diff::Format::Json => print!("{}", diff::review_json(review)),
        Ok(review) => print!("{}", diff::review_markdown(review)),
        Err(e) => eprintln!("error: {e}"),
    }
    ExitCode::from(diff::review_exit_code(&result, args.fail_on))
}
