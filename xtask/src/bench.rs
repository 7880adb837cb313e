//! `cargo xtask bench`: generation speed and compile cost of heygen-client against OpenAPI
//! Generator's Rust client built from the same spec. Prints the figures and their ratios;
//! docs/benchmarks.md records a run. Nothing here fails on a number.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// The peer, pinned: OpenAPI Generator's pip package ships its jar (it needs Java).
const PEER_PACKAGE: &str = "openapi-generator-cli==7.26.0";
const RUNS: usize = 5;

pub fn run(root: &Path) -> Result<(), String> {
    let work = root.join("target/bench");
    std::fs::create_dir_all(&work).map_err(|e| format!("cannot create {}: {e}", work.display()))?;

    println!("== generation: spec/heygen.yaml to Rust, median of {RUNS} runs");
    let xtask = std::env::current_exe().map_err(|e| e.to_string())?;
    let ours = median(RUNS, || timed(Command::new(&xtask).arg("generate").current_dir(root)))?;
    println!("heygen-rs (cargo xtask generate, built): {}", seconds(ours));
    let peer = match peer_generator(root) {
        Ok(cli) => Some(cli),
        Err(why) => {
            println!("skipped OpenAPI Generator: {why}");
            None
        }
    };
    let peer_dir = work.join("openapi-generator");
    if let Some(cli) = &peer {
        let generated = median(RUNS, || {
            let _ = std::fs::remove_dir_all(&peer_dir);
            timed(
                Command::new(cli)
                    .args(["generate", "-g", "rust", "-i", "spec/heygen.yaml", "-o"])
                    .arg(&peer_dir)
                    .args(["--additional-properties=library=reqwest,packageName=heygen-openapi-generator"])
                    .current_dir(root),
            )
        })?;
        println!("OpenAPI Generator (-g rust, reqwest): {}  ratio {:.1}x", seconds(generated), ratio(generated, ours));
    }

    println!("\n== compile cost for users: the crate alone, dependencies prebuilt (median of 3)");
    let ours_crate = root.join("generated-client");
    let ours_lines = lines(&root.join(heygen_codegen::CLIENT_PATH));
    let (check, build) = compile_cost(root, &["-p", "heygen-client"], &ours_crate.join("src/lib.rs"), None)?;
    println!(
        "heygen-client: {ours_lines} generated lines; cargo check {}, cargo build {}",
        seconds(check),
        seconds(build)
    );
    if peer.is_some() {
        // Keep the peer out of this workspace, with a target directory of its own.
        let manifest = peer_dir.join("Cargo.toml");
        let text = std::fs::read_to_string(&manifest).map_err(|e| format!("the peer wrote no Cargo.toml: {e}"))?;
        if !text.contains("[workspace]") {
            std::fs::write(&manifest, format!("{text}\n[workspace]\n")).map_err(|e| e.to_string())?;
        }
        let peer_lines: usize = rust_files(&peer_dir.join("src")).iter().map(|f| lines(f)).sum();
        let target = work.join("openapi-generator-target");
        match compile_cost(&peer_dir, &[], &peer_dir.join("src/lib.rs"), Some(&target)) {
            Ok((peer_check, peer_build)) => println!(
                "OpenAPI Generator's crate: {peer_lines} generated lines; cargo check {} ({:.1}x), cargo build {} ({:.1}x)",
                seconds(peer_check),
                ratio(peer_check, check),
                seconds(peer_build),
                ratio(peer_build, build)
            ),
            Err(why) => println!("OpenAPI Generator's crate ({peer_lines} lines) does not compile on this spec: {why}"),
        }
    }
    Ok(())
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
        let output = cargo(subcommand).output().map_err(|e| e.to_string())?;
        if !output.status.success() {
            let stderr = String::from_utf8_lossy(&output.stderr);
            let first = stderr.lines().find(|l| l.starts_with("error")).unwrap_or("cargo failed");
            return Err(first.to_owned());
        }
    }
    let measure = |subcommand: &str| {
        median(3, || {
            let source = std::fs::read(touch).map_err(|e| e.to_string())?;
            std::fs::write(touch, source).map_err(|e| e.to_string())?;
            timed(&mut cargo(subcommand))
        })
    };
    Ok((measure("check")?, measure("build")?))
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
