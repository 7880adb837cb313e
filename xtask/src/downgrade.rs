//! `cargo xtask downgrade <IN> [<OUT>]`: the OpenAPI 3.0.3 rendering of a 3.1 document.

use std::path::Path;
use std::time::Instant;

/// Reads `input` (YAML or JSON), downgrades it and writes it to `output` (JSON when its name
/// ends in `.json`, else YAML) or to stdout. Notes go to stderr; on any problem nothing is written.
pub fn run(input: &Path, output: Option<&Path>) -> Result<(), String> {
    let started = Instant::now();
    let source = std::fs::read_to_string(input).map_err(|e| format!("cannot read {}: {e}", input.display()))?;
    let spec = heygen_codegen::load(input, &source).map_err(|e| e.to_string())?;
    let Some(version) = &spec.downgraded_from else {
        return Err(format!(
            "{} is OpenAPI {}, not 3.1.x: nothing to downgrade",
            input.display(),
            spec.openapi.openapi
        ));
    };
    let json = output.is_some_and(|out| out.extension().is_some_and(|ext| ext.eq_ignore_ascii_case("json")));
    let text = if json {
        serde_json::to_string_pretty(&spec.json).expect("a JSON value serializes") + "\n"
    } else {
        heygen_codegen::to_yaml(&spec.json)
    };
    for note in &spec.notes {
        let pointer = if note.pointer.is_empty() { "/" } else { &note.pointer };
        eprintln!("note: {}:{}: {pointer}: {}", input.display(), note.line, note.message);
    }
    match output {
        Some(out) => write_atomically(out, &text).map_err(|e| format!("cannot write {}: {e}", out.display()))?,
        None => print!("{text}"),
    }
    eprintln!(
        "downgraded {} from OpenAPI {version} to {} in {:.0} ms ({} notes){}",
        input.display(),
        spec.openapi.openapi,
        started.elapsed().as_secs_f64() * 1000.0,
        spec.notes.len(),
        output.map(|out| format!("; wrote {}", out.display())).unwrap_or_default(),
    );
    Ok(())
}

/// A half-written output would look like a document; a temporary sibling renamed into place
/// never does.
fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let temp = path.with_file_name(format!(".{name}.tmp{}", std::process::id()));
    std::fs::write(&temp, text).and_then(|()| std::fs::rename(&temp, path)).inspect_err(|_| {
        let _ = std::fs::remove_file(&temp);
    })
}
