//! Write: the only module that touches the generated files on disk.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::GeneratedFile;

/// Writes `files` under `root` all or nothing: every file goes to a temporary sibling first and
/// is renamed into place only once all of them were written.
pub fn write_files(root: &Path, files: &[GeneratedFile]) -> io::Result<()> {
    let mut staged: Vec<(PathBuf, PathBuf)> = Vec::new();
    let result = files.iter().try_for_each(|file| {
        let target = root.join(&file.path);
        let temp = target.with_extension(format!("tmp{}", std::process::id()));
        staged.push((temp.clone(), target));
        if let Some(dir) = temp.parent() {
            fs::create_dir_all(dir)?;
        }
        fs::write(&temp, &file.contents)
    });
    let result = result.and_then(|()| staged.iter().try_for_each(|(temp, target)| fs::rename(temp, target)));
    if result.is_err() {
        for (temp, _) in &staged {
            let _ = fs::remove_file(temp);
        }
    }
    result
}

/// How a checked-in file differs from what the spec produces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stale {
    pub path: String,
    /// A short summary, such as `12 lines differ, first at line 340`.
    pub summary: String,
}

/// The files under `root` whose contents differ from `files`.
pub fn stale_files(root: &Path, files: &[GeneratedFile]) -> Vec<Stale> {
    files
        .iter()
        .filter_map(|file| {
            let on_disk = fs::read_to_string(root.join(&file.path)).ok();
            let summary = match on_disk {
                None => "missing".to_owned(),
                Some(text) if text == file.contents => return None,
                Some(text) => difference(&text, &file.contents),
            };
            Some(Stale { path: file.path.clone(), summary })
        })
        .collect()
}

fn difference(old: &str, new: &str) -> String {
    let (old, new): (Vec<_>, Vec<_>) = (old.lines().collect(), new.lines().collect());
    let first = old.iter().zip(&new).position(|(a, b)| a != b).unwrap_or(old.len().min(new.len()));
    let differing = old.iter().zip(&new).filter(|(a, b)| a != b).count() + old.len().abs_diff(new.len());
    format!("{differing} lines differ ({} checked in, {} generated), first at line {}", old.len(), new.len(), first + 1)
}
