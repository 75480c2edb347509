//! Running commands with a clear line for each, and failing with what failed.

use anyhow::{bail, Context, Result};
use std::process::{Command, Stdio};

/// Runs `cmd`, streaming its output; fails unless it exits 0.
pub fn run(cmd: &mut Command) -> Result<()> {
    let shown = describe(cmd);
    let status = cmd
        .stdin(Stdio::null())
        .status()
        .with_context(|| format!("failed to start `{shown}`"))?;
    if !status.success() {
        bail!("`{shown}` failed ({status})");
    }
    Ok(())
}

/// Runs `cmd` and returns its standard output, or `None` when it cannot start or fails.
pub fn output(cmd: &mut Command) -> Option<String> {
    let out = cmd
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

pub fn describe(cmd: &Command) -> String {
    let mut s = cmd.get_program().to_string_lossy().into_owned();
    for a in cmd.get_args() {
        s.push(' ');
        s.push_str(&a.to_string_lossy());
    }
    s
}
