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
