//! `cargo xtask bench`: measures the release build and writes the figures, with the date and
//! the machine, into `docs/BENCHMARKS.md` (each section between its own markers, so later
//! benchmarks add sections without touching this one).

use crate::burst;
use crate::process;
use crate::tools;
use crate::workspace::Workspace;
use anyhow::{bail, Context, Result};
use std::io::Write;
use std::path::Path;
use std::process::Command;

/// The budget for the shell's wasm, brotli-compressed (issue #2).
const WASM_BUDGET_BROTLI: usize = 250 * 1024;

pub fn bench() -> Result<()> {
    tools::ensure_all(tools::Need::Build)?;
    let ws = Workspace::locate()?;
    // With `pingan bench-fixture`, which `checkin_burst` runs.
    ws.leptos_build_release(&["bench"])?;

    let pkg = ws.site_root().join("pkg");
    let wasm_path = find_wasm(&pkg)?;
    let wasm = std::fs::read(&wasm_path)?;
    let sizes = Sizes::of(&wasm)?;
    let chunks = chunk_sizes(&pkg, &wasm_path)?;
    let chunk_total = chunks
        .iter()
        .fold(Sizes::default(), |sum, (_, s)| sum.plus(s));
    let groups = split_groups(&pkg)?;

    let server = ws.start_test_server("bench")?;
    let html_br = download_size(&server.addr, "/", "br")?;
    let html_gz = download_size(&server.addr, "/", "gzip")?;
    let html_raw = download_size(&server.addr, "/", "identity")?;
    drop(server);

    let within = sizes.brotli <= WASM_BUDGET_BROTLI;
    let mut table = format!(
        "| what | raw | gzip | brotli |\n|---|---:|---:|---:|\n\
         | shell: `{}` | {} | {} | {} |\n",
        file_name(&wasm_path),
        kb(sizes.raw),
        kb(sizes.gzip),
        kb(sizes.brotli),
    );
    if !chunks.is_empty() {
        table.push_str(&format!(
            "| the {} page chunks, together | {} | {} | {} |\n",
            chunks.len(),
            kb(chunk_total.raw),
            kb(chunk_total.gzip),
            kb(chunk_total.brotli),
        ));
    }
    // What a phone downloads before a page of each group works: the shell and the group's
    // chunks (the loader script aside, under 1 KB).
    for (group, files) in &groups {
        let first = chunks
            .iter()
            .filter(|(name, _)| files.iter().any(|f| name == &format!("{f}.wasm")))
            .fold(Sizes::default(), |sum, (_, s)| sum.plus(s))
            .plus(&sizes);
        table.push_str(&format!(
            "| first page of `{group}`: shell + {} chunks | {} | {} | {} |\n",
            files.len(),
            kb(first.raw),
            kb(first.gzip),
            kb(first.brotli),
        ));
    }
    table.push_str(&format!(
        "| first HTML response, `/` | {} | {} | {} |\n",
        kb(html_raw),
        kb(html_gz),
        kb(html_br),
    ));
    let section = format!(
        "## Shell size (issue #2)\n\n\
         Measured {date} on {machine}.\n\n\
         Method: `cargo xtask bench` builds with `cargo leptos build --release --split` (wasm \
         profile `wasm-release`: opt-level z, LTO, one codegen unit, then `wasm-opt -Oz` from \
         npm binaryen@{binaryen}); `--split` cuts the wasm at the lazy routes, so the shell \
         (router, header, tab bar, reactive runtime) is the first download and the pages' \
         code is cut by group (field pages, office pages), each group's fetched when one of its \
         pages is first shown; the service worker pre-caches only the field pages'. Each file \
         is compressed as the server's precompressed files are (gzip level 9, brotli quality \
         11); `/` is fetched from the release server with each `Accept-Encoding`.\n\n\
         {table}\n\
         Budget: shell wasm ≤ 250 KB brotli — **{}** ({} of {}).\n",
        if within {
            "within budget"
        } else {
            "OVER BUDGET"
        },
        kb(sizes.brotli),
        kb(WASM_BUDGET_BROTLI),
        date = today(),
        machine = machine(),
        binaryen = tools::BINARYEN,
    );
    print!("\n{section}");
    write_section(
        &ws.root.join("docs").join("BENCHMARKS.md"),
        "shell",
        &section,
    )?;

    let roster = crate::bench_roster::roster_generation(&ws)?;
    print!("\n{roster}");
    write_section(
        &ws.root.join("docs").join("BENCHMARKS.md"),
        "roster",
        &roster,
    )?;

    let burst = checkin_burst(&ws)?;
    print!("\n{burst}");
    write_section(
        &ws.root.join("docs").join("BENCHMARKS.md"),
        "checkins",
        &burst,
    )?;
    if !within {
        bail!("the shell wasm is over its brotli budget");
    }
    Ok(())
}

/// Volunteers (each with a session) and shifts under way in the burst's fixture: every
/// volunteer checks in once on every shift, so the burst is `VOLUNTEERS × SHIFTS` new events.
const VOLUNTEERS: u32 = 200;
const SHIFTS: u32 = 50;
/// Concurrent keep-alive connections of the load generator.
const CONNECTIONS: usize = 64;
/// The goal of issue #4.
const GOAL_PER_S: f64 = 5_000.0;
const GOAL_P99_MS: f64 = 50.0;

/// The check-in burst (issue #4) on SQLite and, when `TEST_DATABASE_URL` names one, PostgreSQL.
fn checkin_burst(ws: &Workspace) -> Result<String> {
    let run_dir = tools::cache_dir().join("run");
    let mut rows = Vec::new();

    let server = ws.start_test_server("bench-checks")?;
    let db = format!("sqlite://{}", run_dir.join("bench-checks.db").display());
    let sqlite = burst_on(ws, &server.addr, &db, &[], "SQLite (WAL, synchronous=FULL)")?;
    drop(server);
    rows.push(sqlite);

    match std::env::var("TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => {
            let reset = "DROP SCHEMA IF EXISTS pingan_bench CASCADE; CREATE SCHEMA pingan_bench";
            crate::process::run(Command::new("psql").args([url.as_str(), "-q", "-c", reset]))
                .context("psql is needed to give the benchmark a fresh schema")?;
            let sep = if url.contains('?') { '&' } else { '?' };
            let db = format!("{url}{sep}options=-c%20search_path%3Dpingan_bench");
            // Only for this throwaway schema; a real installation sets its own.
            let env = [(
                "PINGAN_SECRET_KEY",
                "bench-only-key-0123456789abcdef0123456789",
            )];
            let server = ws.start_server_on("bench-checks-pg", &db, &env)?;
            let pg = burst_on(ws, &server.addr, &db, &env, "PostgreSQL (this machine's)")?;
            drop(server);
            rows.push(pg);
        }
        _ => println!("    TEST_DATABASE_URL not set: the burst runs on SQLite only"),
    }

    let mut table = String::from(
        "| backend | check-ins sent | acknowledged/s | p50 | p99 | max | failed | raw batched insert |\n\
         |---|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    for (name, o, raw) in &rows {
        table.push_str(&format!(
            "| {name} | {} | **{:.0}** | {:.1} ms | {:.1} ms | {:.1} ms | {} | {:.0} rows/s |\n",
            o.requests,
            o.per_second(),
            o.p50_ms,
            o.p99_ms,
            o.max_ms,
            o.failed,
            raw
        ));
    }
    let verdict = |o: &burst::Outcome| {
        if o.per_second() >= GOAL_PER_S && o.p99_ms <= GOAL_P99_MS && o.failed == 0 {
            "met"
        } else {
            "NOT met"
        }
    };
    let verdicts: Vec<String> = rows
        .iter()
        .map(|(name, o, _)| format!("{name}: **{}**", verdict(o)))
        .collect();
    Ok(format!(
        "## Check-in burst (issue #4)\n\n\
         Measured {date} on {machine}.\n\n\
         Method: the release server on a fresh demo database; `pingan bench-fixture` adds \
         {VOLUNTEERS} volunteers with sessions, each signed up for {SHIFTS} shifts under way at \
         one site, and times `record_checks` storing check-ins straight into the database in \
         batches of 500 (the raw rate). Then `cargo xtask bench`'s load generator (`xtask/src/\
         burst.rs`, reqwest on tokio) sends every volunteer's check-in on every shift — \
         {total} new events, each its own client key — over {CONNECTIONS} keep-alive HTTP/1.1 \
         connections to `POST /api/checks`, from the same 2-core machine as the server. A \
         check-in counts as acknowledged on a 201, which the server sends only after the event's \
         transaction committed (group commit: the check writer stores everything waiting in one \
         transaction). Latency is from sending the request to reading the whole answer.\n\n\
         {table}\n\
         Goal: ≥ {GOAL_PER_S:.0} acknowledged check-ins/s with p99 ≤ {GOAL_P99_MS:.0} ms — {}.\n",
        verdicts.join("; "),
        date = today(),
        machine = machine(),
        total = VOLUNTEERS * SHIFTS,
    ))
}

/// Builds the fixture on `db` (served at `addr`) and runs the burst against it.
fn burst_on(
    ws: &Workspace,
    addr: &str,
    db: &str,
    env: &[(&str, &str)],
    name: &'static str,
) -> Result<(&'static str, burst::Outcome, f64)> {
    let file = tools::cache_dir().join("run").join("bench-fixture.json");
    let (volunteers, shifts) = (VOLUNTEERS.to_string(), SHIFTS.to_string());
    let out = file.to_string_lossy().into_owned();
    ws.pingan_with(
        &[
            "bench-fixture",
            "--volunteers",
            &volunteers,
            "--shifts",
            &shifts,
            "--out",
            &out,
        ],
        db,
        env,
    )?;
    let fixture: burst::Fixture = serde_json::from_slice(&std::fs::read(&file)?)?;
    println!(
        "    {name}: raw insert {:.0} rows/s ({} rows, batches of {}); burst of {} check-ins",
        fixture.raw_inserts_per_s,
        fixture.raw_rows,
        fixture.raw_batch,
        fixture
            .users
            .iter()
            .map(|u| u.assignments.len())
            .sum::<usize>()
    );
    let outcome = burst::run(addr, &fixture, CONNECTIONS)?;
    println!(
        "    {name}: {:.0} acknowledged/s, p50 {:.1} ms, p99 {:.1} ms, {} failed",
        outcome.per_second(),
        outcome.p50_ms,
        outcome.p99_ms,
        outcome.failed
    );
    Ok((name, outcome, fixture.raw_inserts_per_s))
}

#[derive(Default)]
struct Sizes {
    raw: usize,
    gzip: usize,
    brotli: usize,
}

impl Sizes {
    fn plus(&self, other: &Sizes) -> Sizes {
        Sizes {
            raw: self.raw + other.raw,
            gzip: self.gzip + other.gzip,
            brotli: self.brotli + other.brotli,
        }
    }

    fn of(bytes: &[u8]) -> Result<Self> {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gz.write_all(bytes)?;
        let gzip = gz.finish()?.len();
        let mut br = Vec::new();
        let params = brotli::enc::BrotliEncoderParams {
            quality: 11,
            lgwin: 22,
            ..Default::default()
        };
        brotli::BrotliCompress(&mut &bytes[..], &mut br, &params)?;
        Ok(Self {
            raw: bytes.len(),
            gzip,
            brotli: br.len(),
        })
    }
}

/// The shell's wasm: the main module is named after the output (`pingan.<hash>.wasm`); a split
/// build's chunks carry other names.
fn find_wasm(pkg: &Path) -> Result<std::path::PathBuf> {
    wasm_files(pkg)?
        .into_iter()
        .find(|p| file_name(p).starts_with("pingan"))
        .context("no pingan*.wasm in the built site")
}

/// Every other wasm in `pkg/`, with its sizes.
fn chunk_sizes(pkg: &Path, main: &Path) -> Result<Vec<(String, Sizes)>> {
    wasm_files(pkg)?
        .into_iter()
        .filter(|p| p != main)
        .map(|p| Ok((file_name(&p), Sizes::of(&std::fs::read(&p)?)?)))
        .collect()
}

/// The split build's groups and the chunk files each needs (`__wasm_split_manifest.*.json`),
/// sorted by name; empty for an unsplit build.
fn split_groups(pkg: &Path) -> Result<Vec<(String, Vec<String>)>> {
    let manifest = std::fs::read_dir(pkg)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| {
            let name = file_name(p);
            name.starts_with("__wasm_split_manifest") && name.ends_with(".json")
        });
    let Some(manifest) = manifest else {
        return Ok(Vec::new());
    };
    let groups: std::collections::BTreeMap<String, Vec<String>> =
        serde_json::from_str(&std::fs::read_to_string(&manifest)?)
            .with_context(|| format!("{} is not a split manifest", manifest.display()))?;
    Ok(groups.into_iter().collect())
}

fn wasm_files(pkg: &Path) -> Result<Vec<std::path::PathBuf>> {
    let mut files: Vec<_> = std::fs::read_dir(pkg)
        .with_context(|| format!("no built site at {}", pkg.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "wasm"))
        .collect();
    files.sort();
    Ok(files)
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Body bytes as sent on the wire for one `Accept-Encoding`.
fn download_size(addr: &str, path: &str, encoding: &str) -> Result<usize> {
    let out = process::output(Command::new("curl").args([
        "--silent",
        "--fail",
        "--output",
        "/dev/null",
        "--header",
        &format!("Accept-Encoding: {encoding}"),
        "--write-out",
        "%{size_download}",
        &format!("http://{addr}{path}"),
    ]))
    .context("curl failed to fetch the page")?;
    out.trim().parse().context("curl printed no size")
}

fn kb(bytes: usize) -> String {
    format!("{:.1} KB", bytes as f64 / 1024.0)
}

pub fn today() -> String {
    process::output(Command::new("date").args(["-u", "+%Y-%m-%d %H:%M UTC"]))
        .map(|s| s.trim().to_owned())
        .unwrap_or_else(|| "unknown date".into())
}

/// CPU model, cores and memory, read from /proc, plus the Rust version.
pub fn machine() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| {
            l.strip_prefix("model name")?
                .split_once(':')
                .map(|(_, m)| m.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let mem_gib = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            m.lines().find_map(|l| {
                l.strip_prefix("MemTotal:")?
                    .trim()
                    .strip_suffix("kB")?
                    .trim()
                    .parse::<f64>()
                    .ok()
            })
        })
        .map(|kb| kb / 1024.0 / 1024.0)
        .unwrap_or(0.0);
    let rustc = process::output(Command::new("rustc").arg("--version")).unwrap_or_default();
    format!("{model}, {cores} cores, {mem_gib:.0} GiB, {}", rustc.trim())
}

/// Replaces (or appends) the text between `<!-- bench:NAME:start -->` and `<!-- bench:NAME:end -->`.
pub fn write_section(file: &Path, name: &str, body: &str) -> Result<()> {
    let start = format!("<!-- bench:{name}:start -->");
    let end = format!("<!-- bench:{name}:end -->");
    let existing = std::fs::read_to_string(file).unwrap_or_else(|_| {
        "# Benchmarks\n\nWritten by `cargo xtask bench`; each section says how it was measured.\n".into()
    });
    let block = format!("{start}\n{body}{end}");
    let updated = match (existing.find(&start), existing.find(&end)) {
        (Some(s), Some(e)) if e > s => {
            format!("{}{block}{}", &existing[..s], &existing[e + end.len()..])
        }
        _ => format!("{}\n{block}\n", existing.trim_end()),
    };
    if let Some(dir) = file.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(file, updated)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_section_is_replaced_in_place_and_others_are_kept() {
        let dir = std::env::temp_dir().join(format!("pingan-bench-{}", std::process::id()));
        let file = dir.join("B.md");
        write_section(&file, "a", "first\n").expect("write");
        write_section(&file, "b", "other\n").expect("write");
        write_section(&file, "a", "second\n").expect("write");
        let text = std::fs::read_to_string(&file).expect("read");
        assert!(text.contains("second") && !text.contains("first") && text.contains("other"));
        let _ = std::fs::remove_dir_all(dir);
    }
}
