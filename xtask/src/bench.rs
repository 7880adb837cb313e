//! `cargo xtask bench`: generation speed and compile cost of heygen-client against OpenAPI
//! Generator's Rust client built from the same specs, each of `heygen_codegen::Document::ALL` in turn.
//! Prints the figures and their ratios; docs/benchmarks.md records a run. Nothing here fails on a
//! number.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use heygen_codegen::Document;

/// The peer, pinned: OpenAPI Generator's pip package ships its jar (it needs Java).
const PEER_PACKAGE: &str = "openapi-generator-cli==7.26.0";
const RUNS: usize = 5;

pub fn run(root: &Path) -> Result<(), String> {
    let work = root.join("target/bench");
    std::fs::create_dir_all(&work).map_err(|e| format!("cannot create {}: {e}", work.display()))?;
    let xtask = std::env::current_exe().map_err(|e| e.to_string())?;

    println!("== generation to Rust, median of {RUNS} runs");
    let ours = median(RUNS, || timed(Command::new(&xtask).arg("generate").current_dir(root)))?;
    println!("heygen-rs, both documents in one `cargo xtask generate` (built, files written): {}", seconds(ours));
    for document in Document::ALL {
        let source = std::fs::read_to_string(root.join(document.spec_path()))
            .map_err(|e| format!("{}: {e}", document.spec_path()))?;
        // In process and in memory: the part of the whole run this one document costs.
        let alone = median(RUNS, || {
            let started = Instant::now();
            heygen_codegen::generate_from_source(document, Path::new(document.spec_path()), &source)
                .map_err(|e| e.to_string())?;
            Ok(started.elapsed())
        })?;
        println!("  {}: {} in process, not written", document.spec_path(), seconds(alone));
    }
    let peer = match peer_generator(root) {
        Ok(cli) => Some(cli),
        Err(why) => {
            println!("skipped OpenAPI Generator: {why}");
            None
        }
    };
    let mut peers = Vec::new();
    if let Some(cli) = &peer {
        let mut total = Duration::ZERO;
        for document in Document::ALL {
            let dir = work.join(format!("openapi-generator-{}", stem(&document)));
            let input = peer_input(root, &xtask, cli, &document, &dir)?;
            let generated = median(RUNS, || {
                let _ = std::fs::remove_dir_all(&dir);
                timed(&mut peer_command(root, cli, &input, &dir, &document))
            })?;
            println!("OpenAPI Generator (-g rust, reqwest) on {}: {}", input.display(), seconds(generated));
            total += generated;
            peers.push((document, dir));
        }
        println!("OpenAPI Generator, both documents (two runs): {}  ratio {:.1}x", seconds(total), ratio(total, ours));
    }

    println!("\n== compile cost for users, dependencies prebuilt (median of 3)");
    let ours_lines: usize = Document::ALL.iter().map(|d| lines(&root.join(d.client_path()))).sum();
    let ours_crate = root.join("generated-client");
    let (check, build) = compile_cost(root, &["-p", "heygen-client"], &ours_crate.join("src/lib.rs"), None)?;
    println!(
        "heygen-client (both documents and the hand-written runtime): {ours_lines} generated lines; cargo check {}, cargo build {}",
        seconds(check),
        seconds(build)
    );
    let scratch_target = work.join("documents-target");
    let mut ours_checks = Vec::new();
    for document in Document::ALL {
        let dir = document_crate(root, &work, &document)?;
        let document_lines = lines(&root.join(document.client_path()));
        match compile_check(&dir, &dir.join("src/lib.rs"), &scratch_target) {
            Ok(check) => {
                println!(
                    "  {}: {document_lines} generated lines; cargo check of its module alone {}",
                    document.spec_path(),
                    seconds(check)
                );
                ours_checks.push(Some(check));
            }
            Err(why) => {
                println!(
                    "  {}: {document_lines} generated lines; its module alone does not compile: {why}",
                    document.spec_path()
                );
                ours_checks.push(None);
            }
        }
    }
    let peer_target = work.join("openapi-generator-target");
    for ((document, dir), ours_check) in peers.iter().zip(&ours_checks) {
        // Keep the peer out of this workspace, with a target directory of its own.
        let manifest = dir.join("Cargo.toml");
        let text = std::fs::read_to_string(&manifest).map_err(|e| format!("the peer wrote no Cargo.toml: {e}"))?;
        if !text.contains("[workspace]") {
            std::fs::write(&manifest, format!("{text}\n[workspace]\n")).map_err(|e| e.to_string())?;
        }
        let peer_lines: usize = rust_files(&dir.join("src")).iter().map(|f| lines(f)).sum();
        match compile_cost(dir, &[], &dir.join("src/lib.rs"), Some(&peer_target)) {
            Ok((peer_check, peer_build)) => println!(
                "OpenAPI Generator's crate for {}: {peer_lines} generated lines; cargo check {}{}, cargo build {}",
                document.spec_path(),
                seconds(peer_check),
                ours_check.map(|c| format!(" ({:.1}x the module alone)", ratio(peer_check, c))).unwrap_or_default(),
                seconds(peer_build),
            ),
            Err(why) => {
                println!(
                    "OpenAPI Generator's crate for {} ({peer_lines} lines) does not compile: {why}",
                    document.spec_path()
                )
            }
        }
    }
    Ok(())
}

/// `heygen` for spec/heygen.yaml, `heygen-v3` for spec/heygen-v3.yaml.
fn stem(document: &Document) -> &str {
    Path::new(document.spec_path()).file_stem().and_then(|s| s.to_str()).unwrap_or("spec")
}

fn peer_command(root: &Path, cli: &Path, input: &Path, dir: &Path, document: &Document) -> Command {
    let mut command = Command::new(cli);
    command
        .args(["generate", "-g", "rust", "-i"])
        .arg(input)
        .arg("-o")
        .arg(dir)
        .arg(format!("--additional-properties=library=reqwest,packageName={}-openapi-generator", stem(document)))
        .current_dir(root);
    command
}

/// The document as the peer reads it: the spec itself when the peer generates from it, else (for
/// an OpenAPI 3.1 document it rejects) our 3.0.3 rendering of it, said on stdout.
fn peer_input(root: &Path, xtask: &Path, cli: &Path, document: &Document, dir: &Path) -> Result<PathBuf, String> {
    let spec = PathBuf::from(document.spec_path());
    let Err(why) = timed(&mut peer_command(root, cli, &spec, dir, document)) else { return Ok(spec) };
    let downgraded = root.join(format!("target/bench/{}-3.0.yaml", stem(document)));
    timed(Command::new(xtask).arg("downgrade").arg(&spec).arg(&downgraded).current_dir(root)).map_err(|e| {
        format!("OpenAPI Generator failed on {} ({why}) and the downgrade too: {e}", document.spec_path())
    })?;
    println!("OpenAPI Generator failed on {} ({why}); it gets the 3.0.3 rendering instead", document.spec_path());
    Ok(downgraded)
}

/// The peer's command, installed into .tools/bench-venv on first use; why not, when it cannot be.
fn peer_generator(root: &Path) -> Result<PathBuf, String> {
    if !succeeds(Command::new("java").arg("-version")) {
        return Err("Java is missing (OpenAPI Generator runs on the JVM)".into());
    }
    let venv = root.join(".tools/bench-venv");
    let cli = venv.join("bin/openapi-generator-cli");
    if cli.exists() {
        return Ok(cli);
    }
    if !succeeds(Command::new("python3").args(["-m", "pip", "--version"])) {
        return Err("pip is missing (the generator comes from PyPI)".into());
    }
    let made = succeeds(Command::new("python3").args(["-m", "venv"]).arg(&venv))
        && succeeds(Command::new(venv.join("bin/pip")).args(["install", "--quiet", PEER_PACKAGE]));
    if made && cli.exists() { Ok(cli) } else { Err(format!("`pip install {PEER_PACKAGE}` failed")) }
}

/// A scratch crate under `work` whose library is `document`'s generated module and nothing else,
/// compiled against heygen-client's runtime the way the golden crate compiles golden outputs: the
/// compile cost of one document, which the one heygen-client crate cannot show apart.
fn document_crate(root: &Path, work: &Path, document: &Document) -> Result<PathBuf, String> {
    let dir = work.join(format!("{}-module", stem(document)));
    std::fs::create_dir_all(dir.join("src")).map_err(|e| e.to_string())?;
    let client = root.join("generated-client");
    // Versions come from the copied lock file, features from heygen-client's own manifest, so the
    // crate compiles against the very dependencies the workspace builds.
    let manifest = format!(
        "[package]\nname = \"{}-module\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
         [dependencies]\nheygen-client = {{ path = {:?} }}\nprogenitor-client = \"*\"\nreqwest = \"*\"\n\
         serde = {{ version = \"*\", features = [\"derive\"] }}\nserde_json = \"*\"\nfutures-core = \"*\"\n\n\
         [workspace]\n",
        stem(document),
        client.display().to_string()
    );
    let lib = format!(
        "#![allow(dead_code, deprecated, clippy::all, rustdoc::broken_intra_doc_links)]\n\
         pub use heygen_client::{{Error, WaitOptions, rt}};\n\
         #[path = {:?}]\npub mod generated;\n",
        root.join(document.client_path()).display().to_string()
    );
    let write =
        |path: PathBuf, text: String| std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()));
    write(dir.join("Cargo.toml"), manifest)?;
    write(dir.join("src/lib.rs"), lib)?;
    let lock = std::fs::read_to_string(root.join("Cargo.lock")).map_err(|e| format!("Cargo.lock: {e}"))?;
    write(dir.join("Cargo.lock"), lock)?;
    Ok(dir)
}

/// `cargo check` alone of the crate in `dir`, timed as in [`compile_cost`].
fn compile_check(dir: &Path, touch: &Path, target: &Path) -> Result<Duration, String> {
    let cargo = || {
        let mut command = Command::new("cargo");
        command.args(["check", "--quiet"]).current_dir(dir).env("CARGO_TARGET_DIR", target);
        command
    };
    prebuilt(&mut cargo())?;
    median(3, || {
        touched(touch)?;
        timed(&mut cargo())
    })
}

/// `cargo check` and `cargo build` of a crate whose dependencies are built first, timed after
/// touching `touch` so that only the crate itself is compiled.
fn compile_cost(
    dir: &Path,
    args: &[&str],
    touch: &Path,
    target: Option<&Path>,
) -> Result<(Duration, Duration), String> {
    let cargo = |subcommand: &str| {
        let mut command = Command::new("cargo");
        command.arg(subcommand).args(args).arg("--quiet").current_dir(dir);
        if let Some(target) = target {
            command.env("CARGO_TARGET_DIR", target);
        }
        command
    };
    for subcommand in ["check", "build"] {
        prebuilt(&mut cargo(subcommand))?;
    }
    let measure = |subcommand: &str| {
        median(3, || {
            touched(touch)?;
            timed(&mut cargo(subcommand))
        })
    };
    Ok((measure("check")?, measure("build")?))
}

/// Runs a cargo command once, untimed, so that the timed runs find the dependencies built; its
/// first error line when it fails.
fn prebuilt(cargo: &mut Command) -> Result<(), String> {
    let output = cargo.output().map_err(|e| e.to_string())?;
    if output.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    Err(stderr.lines().find(|l| l.starts_with("error")).unwrap_or("cargo failed").to_owned())
}

/// Rewrites `file` unchanged, so that cargo compiles its crate again.
fn touched(file: &Path) -> Result<(), String> {
    let source = std::fs::read(file).map_err(|e| e.to_string())?;
    std::fs::write(file, source).map_err(|e| e.to_string())
}

fn timed(command: &mut Command) -> Result<Duration, String> {
    let started = Instant::now();
    let output = command.output().map_err(|e| format!("cannot run {command:?}: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "{command:?} failed: {}",
            String::from_utf8_lossy(&output.stderr).lines().last().unwrap_or("")
        ));
    }
    Ok(started.elapsed())
}

fn median(runs: usize, mut once: impl FnMut() -> Result<Duration, String>) -> Result<Duration, String> {
    let mut times = (0..runs).map(|_| once()).collect::<Result<Vec<_>, _>>()?;
    times.sort();
    Ok(times[runs / 2])
}

fn succeeds(command: &mut Command) -> bool {
    command.output().is_ok_and(|o| o.status.success())
}

fn lines(file: &Path) -> usize {
    std::fs::read_to_string(file).map(|text| text.lines().count()).unwrap_or(0)
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    entries
        .flatten()
        .flat_map(|entry| {
            let path = entry.path();
            if path.is_dir() {
                rust_files(&path)
            } else {
                path.extension().is_some_and(|e| e == "rs").then_some(path).into_iter().collect()
            }
        })
        .collect()
}

fn seconds(duration: Duration) -> String {
    format!("{:.2} s", duration.as_secs_f64())
}

fn ratio(theirs: Duration, ours: Duration) -> f64 {
    theirs.as_secs_f64() / ours.as_secs_f64()
}
