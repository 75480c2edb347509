//! `cargo xtask bench`: measures the release build and writes the figures, with the date and
//! the machine, into `docs/BENCHMARKS.md` (each section between its own markers, so later
//! benchmarks add sections without touching this one).

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
    ws.leptos_build_release()?;

    let wasm_path = find_wasm(&ws.site_root().join("pkg"))?;
    let wasm = std::fs::read(&wasm_path)?;
    let sizes = Sizes::of(&wasm)?;

    let server = ws.start_test_server("bench")?;
    let html_br = download_size(&server.addr, "/", "br")?;
    let html_gz = download_size(&server.addr, "/", "gzip")?;
    let html_raw = download_size(&server.addr, "/", "identity")?;
    drop(server);

    let within = sizes.brotli <= WASM_BUDGET_BROTLI;
    let section = format!(
        "## Shell size (issue #2)\n\n\
         Measured {date} on {machine}.\n\n\
         Method: `cargo xtask bench` builds with `cargo leptos build --release` (wasm profile \
         `wasm-release`: opt-level z, LTO, one codegen unit, then `wasm-opt -Oz` from npm \
         binaryen@{binaryen}), compresses the wasm as the server's precompressed files are \
         (gzip level 9, brotli quality 11), and fetches `/` from the release server with each \
         `Accept-Encoding`.\n\n\
         | what | raw | gzip | brotli |\n|---|---:|---:|---:|\n\
         | `{wasm_name}` | {} | {} | {} |\n\
         | first HTML response, `/` | {} | {} | {} |\n\n\
         Budget: shell wasm ≤ 250 KB brotli — **{}** ({} of {}).\n",
        kb(sizes.raw),
        kb(sizes.gzip),
        kb(sizes.brotli),
        kb(html_raw),
        kb(html_gz),
        kb(html_br),
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
        wasm_name = wasm_path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
    );
    print!("\n{section}");
    write_section(
        &ws.root.join("docs").join("BENCHMARKS.md"),
        "shell",
        &section,
    )?;
    if !within {
        bail!("the shell wasm is over its brotli budget");
    }
    Ok(())
}

struct Sizes {
    raw: usize,
    gzip: usize,
    brotli: usize,
}

impl Sizes {
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

fn find_wasm(pkg: &Path) -> Result<std::path::PathBuf> {
    std::fs::read_dir(pkg)
        .with_context(|| format!("no built site at {}", pkg.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|x| x == "wasm"))
        .context("no .wasm file in the built site")
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

fn today() -> String {
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
