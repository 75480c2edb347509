//! `cargo xtask run | test | bench | setup`: everything a fresh machine needs, in one place.
//!
//! Each command first installs what is missing (pinned, idempotent, one progress line per slow
//! step) into `~/.cache/pingan/tools`, so nothing outside the project's cache is touched except
//! the wasm target (rustup) and, for tests, Debian's Chromium (apt).

mod bench;
mod bench_roster;
mod burst;
mod process;
mod tools;
mod workspace;

use anyhow::{bail, Result};
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("run") => run(),
        Some("test") => test(),
        Some("bench") => bench::bench(),
        Some("setup") => tools::ensure_all(tools::Need::Everything),
        _ => {
            eprintln!(
                "usage: cargo xtask <command>\n\n\
                 run     install what is missing, build (release), seed the demo district, serve\n\
                 test    install what is missing, then fmt, leptosfmt, clippy (ssr + hydrate), unit,\n\
                 \x20       storage (SQLite, and PostgreSQL when TEST_DATABASE_URL is set), HTTP and browser\n\
                 \x20       tests\n\
                 bench   build (release) and measure; writes docs/BENCHMARKS.md\n\
                 setup   only install what is missing"
            );
            std::process::exit(2);
        }
    };
    if let Err(e) = result {
        eprintln!("\nxtask failed: {e:#}");
        std::process::exit(1);
    }
}

/// `cargo xtask run`: build the release site and serve it with the demo district.
fn run() -> Result<()> {
    tools::ensure_all(tools::Need::Build)?;
    let ws = workspace::Workspace::locate()?;
    ws.leptos_build_release(&[])?;
    let db = std::env::var("DATABASE_URL").unwrap_or_else(|_| "sqlite://data/pingan.db".into());
    let addr = std::env::var("PINGAN_ADDR").unwrap_or_else(|_| "127.0.0.1:3000".into());
    ws.pingan(&["seed", "--demo"], &db, &addr)?;
    println!();
    println!("  平安马甲 Pingan Vest is starting at  http://{addr}/");
    println!("  database: {db}");
    println!("  demo district: 济南市历下区 (3 streets, 12 communities)");
    println!("  demo logins: printed above by `pingan seed --demo` (mobile number + password)");
    println!("  stop with Ctrl-C");
    println!();
    ws.pingan(&["serve"], &db, &addr)
}

/// `cargo xtask test`: every check CI runs, each stage timed; stops at the first failure.
fn test() -> Result<()> {
    let started = Instant::now();
    let mut timings: Vec<(&str, f64)> = Vec::new();
    let mut stage = |name: &'static str, f: &dyn Fn() -> Result<()>| -> Result<()> {
        println!("\n==> {name}");
        let t = Instant::now();
        let r = f();
        let secs = t.elapsed().as_secs_f64();
        timings.push((name, secs));
        println!(
            "<== {name}: {} in {secs:.1} s",
            if r.is_ok() { "ok" } else { "FAILED" }
        );
        r
    };
    let result = (|| -> Result<()> {
        stage("install what is missing", &|| {
            tools::ensure_all(tools::Need::Everything)
        })?;
        let ws = workspace::Workspace::locate()?;
        stage("cargo fmt --check", &|| ws.fmt_check())?;
        stage("leptosfmt --check (view! macros)", &|| ws.leptosfmt_check())?;
        stage("clippy (ssr: server, app, domain, xtask)", &|| {
            ws.clippy_ssr()
        })?;
        stage("clippy (hydrate: frontend, app → wasm32)", &|| {
            ws.clippy_hydrate()
        })?;
        stage("unit, property, storage and HTTP tests", &|| {
            ws.cargo_tests()
        })?;
        stage("release build (cargo leptos, wasm-opt)", &|| {
            ws.leptos_build_release(&[])
        })?;
        stage("browser tests (Chromium, release build)", &|| ws.end2end())?;
        Ok(())
    })();
    println!("\nStage timings:");
    for (name, secs) in &timings {
        println!("  {secs:>7.1} s  {name}");
    }
    println!("  {:>7.1} s  total", started.elapsed().as_secs_f64());
    match result {
        Ok(()) => {
            println!("\nAll checks passed.");
            Ok(())
        }
        Err(e) => bail!("{e:#}"),
    }
}
