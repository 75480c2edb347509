//! The roster generator's benchmark (issue #14), a section of `cargo xtask bench`.

use crate::bench::{machine, today};
use crate::workspace::Workspace;
use anyhow::{bail, Context, Result};
use std::process::Command;

/// Runs of the roster generator timed; the middle one is reported.
const ROSTER_RUNS: usize = 5;
/// The goal of issue #14, in seconds.
const ROSTER_GOAL_S: f64 = 3.0;

/// The roster generator (issue #14) on a street's scale: `domain`'s `roster_scale` example,
/// which builds the same instance every time and prints one line with the figures.
pub fn roster_generation(ws: &Workspace) -> Result<String> {
    let example = ws.release_example("domain", "roster_scale")?;
    let mut runs = Vec::new();
    let mut line = String::new();
    for _ in 0..ROSTER_RUNS {
        let out = Command::new(&example).output().context("roster_scale")?;
        if !out.status.success() {
            bail!(
                "roster_scale failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        line = String::from_utf8_lossy(&out.stdout).trim().to_owned();
        let seconds: f64 = line
            .rsplit("in ")
            .next()
            .and_then(|s| s.trim_end_matches(" s").parse().ok())
            .context("roster_scale prints its time last")?;
        runs.push(seconds);
    }
    runs.sort_by(f64::total_cmp);
    let median = runs[runs.len() / 2];
    // "…, 3860 minimum places, … : 3860 minimum + 538 target places filled, …"
    let number_before = |marker: &str| -> Option<u64> {
        let head = &line[..line.find(marker)?];
        head.rsplit(' ').next()?.parse().ok()
    };
    let fill = match (
        number_before(" minimum places"),
        number_before(" minimum +"),
    ) {
        (Some(places), Some(filled)) if places == filled => {
            "Every minimum place of this instance is filled — the upper bound, so here the fill \
             is the optimum. On small instances the property tests \
             (`domain/src/duty_period/roster_tests.rs`) prove the optimum against brute force."
                .to_owned()
        }
        (Some(places), Some(filled)) => format!(
            "{filled} of {places} minimum places are filled; the property tests prove on small \
             instances that no roster fills more."
        ),
        _ => bail!("roster_scale's line has no fill figures: {line}"),
    };
    Ok(format!(
        "## Roster generation (issue #14)\n\n\
         Measured {date} on {machine}: `domain/examples/roster_scale.rs`, release build, {ROSTER_RUNS} runs \
         of one deterministic instance — 7 days × 40 sites × 4 slots of 4 h, 2–5 minimum places \
         and up to one more wanted per cell, 2,000 volunteers in 20 communities who each answered \
         about half the slots 能来 and some 看情况, reach three communities either way, \
         at most 2–11 slots each, three a day. The time is the generator alone (the minimum-cost \
         flow and the reasons for short cells), not storage.\n\n\
         | median | fastest | slowest | goal |\n|---:|---:|---:|---:|\n\
         | {median:.2} s | {:.2} s | {:.2} s | ≤ {ROSTER_GOAL_S:.0} s ({}) |\n\n\
         Last run: {line}.\n\n{fill}\n",
        runs[0],
        runs[runs.len() - 1],
        if median <= ROSTER_GOAL_S { "met" } else { "NOT met" },
        date = today(),
        machine = machine(),
    ))
}
