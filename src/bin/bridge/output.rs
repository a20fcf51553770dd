//! Writing a command's result: to `--out FILE`, or to stdout.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};

/// Writes `text` (plus a final newline) to `out`, or to stdout when there is none.
pub fn write(out: Option<&Path>, text: &str) -> Result<()> {
    match out {
        Some(path) => std::fs::write(path, format!("{text}\n"))
            .with_context(|| format!("cannot write {}", path.display())),
        None => {
            let mut stdout = std::io::stdout().lock();
            writeln!(stdout, "{text}").context("cannot write to stdout")
        }
    }
}

/// Fails now, not after an hour of training, if `path` cannot be written.
pub fn check_writable(path: &Path) -> Result<()> {
    let exists = path.exists();
    std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    if !exists {
        // Leave nothing behind if the run fails.
        let _ = std::fs::remove_file(path);
    }
    Ok(())
}
