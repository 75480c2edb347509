//! Installs the build and test tools this project pins, each only when missing.
//!
//! Each version and work-around below was hit for real on this machine kind:
//! cargo-leptos is built from its crate source with `no_downloads` (it must not fetch
//! binaries), wasm-bindgen-cli must equal the `wasm-bindgen` crate, and wasm-opt comes from
//! npm `binaryen` because Debian's silently breaks hydration.

use crate::process::{self, run};
use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::process::Command;

pub const CARGO_LEPTOS: &str = "0.3.11";
/// Must equal the `wasm-bindgen` pin in the workspace Cargo.toml.
pub const WASM_BINDGEN: &str = "0.2.130";
pub const BINARYEN: &str = "132.0.0";
/// Formats and checks the `view!` macros (`leptosfmt.toml`); only `cargo xtask test` needs it.
pub const LEPTOSFMT: &str = "0.1.33";

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// What `cargo leptos build` needs.
    Build,
    /// Also Chromium, CJK fonts and the Playwright packages.
    Everything,
}

/// `$PINGAN_CACHE`, else `~/.cache/pingan`: outside the clone, so CI reuses it.
pub fn cache_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("PINGAN_CACHE") {
        return PathBuf::from(dir);
    }
    let home = std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/tmp"));
    home.join(".cache").join("pingan")
}

fn tools_dir() -> PathBuf {
    cache_dir().join("tools")
}

/// The pinned leptosfmt, run by its path: it is not a cargo subcommand.
pub fn leptosfmt() -> PathBuf {
    tools_dir().join("bin").join("leptosfmt")
}

fn npm_bin() -> PathBuf {
    tools_dir().join("npm").join("node_modules").join(".bin")
}

/// `PATH` with the pinned tools first, for every command that builds.
pub fn path_env() -> std::ffi::OsString {
    let mut dirs = vec![tools_dir().join("bin"), npm_bin()];
    if let Some(path) = std::env::var_os("PATH") {
        dirs.extend(std::env::split_paths(&path));
    }
    std::env::join_paths(dirs).unwrap_or_default()
}

pub fn ensure_all(need: Need) -> Result<()> {
    std::fs::create_dir_all(tools_dir())?;
    ensure_wasm_target()?;
    ensure_crate_tool(
        "cargo-leptos",
        CARGO_LEPTOS,
        &["--features", "no_downloads"],
        &[
            // Its lock pins cargo-util-schemas that needs a newer Rust than 1.95.
            ("cargo-util-schemas", "0.14.1"),
        ],
    )?;
    ensure_crate_tool(
        "wasm-bindgen-cli",
        WASM_BINDGEN,
        &[],
        &[
            // Its lock pins a yanked webpki-roots.
            ("webpki-roots", "1.0.10"),
        ],
    )?;
    ensure_binaryen()?;
    if need == Need::Everything {
        ensure_crate_tool("leptosfmt", LEPTOSFMT, &[], &[])?;
        ensure_chromium()?;
    }
    Ok(())
}

fn step(what: &str) {
    println!("--> {what}");
}

fn ensure_wasm_target() -> Result<()> {
    let installed = process::output(Command::new("rustup").args(["target", "list", "--installed"]))
        .unwrap_or_default();
    if installed
        .lines()
        .any(|l| l.trim() == "wasm32-unknown-unknown")
    {
        return Ok(());
    }
    step("adding the wasm32-unknown-unknown target (rustup)");
    run(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))
}

/// Installs crate `name` at `version` from its published source into the tools dir.
fn ensure_crate_tool(
    name: &str,
    version: &str,
    features: &[&str],
    pins: &[(&str, &str)],
) -> Result<()> {
    let bin = match name {
        "wasm-bindgen-cli" => "wasm-bindgen",
        other => other,
    };
    let exe = tools_dir().join("bin").join(bin);
    let current = process::output(Command::new(&exe).arg("--version")).unwrap_or_default();
    if current.split_whitespace().any(|w| w == version) {
        return Ok(());
    }
    step(&format!(
        "installing {name} {version} from source (slow: ~15 min for cargo-leptos on 2 cores; once per machine)"
    ));
    let src_root = tools_dir().join("src");
    std::fs::create_dir_all(&src_root)?;
    let archive = src_root.join(format!("{name}-{version}.crate"));
    run(Command::new("curl")
        .args([
            "--fail",
            "--silent",
            "--show-error",
            "--location",
            "--retry",
            "3",
            "--output",
        ])
        .arg(&archive)
        .arg(format!(
            "https://static.crates.io/crates/{name}/{name}-{version}.crate"
        )))
    .context("failed to download the crate source (is curl installed?)")?;
    run(Command::new("tar")
        .arg("xzf")
        .arg(&archive)
        .arg("-C")
        .arg(&src_root))?;
    let src = src_root.join(format!("{name}-{version}"));
    // A crate's own toolchain file would ask rustup for another toolchain, which cannot be fetched.
    let _ = std::fs::remove_file(src.join("rust-toolchain.toml"));
    let build_dir = tools_dir().join("build");
    for (package, precise) in pins {
        run(Command::new("cargo").current_dir(&src).args([
            "update",
            "--quiet",
            "-p",
            package,
            "--precise",
            precise,
        ]))?;
    }
    run(Command::new("cargo")
        .current_dir(&src)
        .env("CARGO_TARGET_DIR", &build_dir)
        .args([
            "install", "--quiet", "--path", ".", "--locked", "--force", "--root",
        ])
        .arg(tools_dir())
        .args(features))?;
    // The build tree is only needed for the install; it is large.
    let _ = std::fs::remove_dir_all(&build_dir);
    Ok(())
}

fn ensure_binaryen() -> Result<()> {
    let wasm_opt = npm_bin().join("wasm-opt");
    let current = process::output(Command::new(&wasm_opt).arg("--version")).unwrap_or_default();
    if current.contains(&format!(
        "version {}",
        BINARYEN.split('.').next().unwrap_or(BINARYEN)
    )) {
        return Ok(());
    }
    step(&format!("installing wasm-opt from npm binaryen@{BINARYEN}"));
    let dir = tools_dir().join("npm");
    std::fs::create_dir_all(&dir)?;
    run(Command::new("npm")
        .current_dir(&dir)
        .args(["install", "--no-audit", "--no-fund", "--prefix", "."])
        .arg(format!("binaryen@{BINARYEN}")))
}

/// Debian's Chromium (Playwright drives it; its own browser download cannot work here) and
/// CJK fonts, without which screenshots of Chinese pages show boxes.
fn ensure_chromium() -> Result<()> {
    let have_browser = Path::new("/usr/bin/chromium").exists();
    let have_fonts = Path::new("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc").exists();
    if have_browser && have_fonts {
        return Ok(());
    }
    step("installing Debian's chromium and fonts-noto-cjk (apt)");
    let sudo = process::output(Command::new("id").arg("-u"))
        .map(|u| u.trim() != "0")
        .unwrap_or(true);
    let apt = |args: &[&str]| {
        let mut cmd = if sudo {
            Command::new("sudo")
        } else {
            Command::new("apt-get")
        };
        if sudo {
            cmd.arg("apt-get");
        }
        cmd.env("DEBIAN_FRONTEND", "noninteractive").args(args);
        run(&mut cmd)
    };
    apt(&["update", "-qq"])?;
    apt(&["install", "-y", "-qq", "chromium", "fonts-noto-cjk"])?;
    if !Path::new("/usr/bin/chromium").exists() {
        bail!("apt installed chromium but /usr/bin/chromium is missing");
    }
    Ok(())
}

/// Installs the Playwright packages of `end2end/` when its lock file changed.
pub fn ensure_end2end_packages(end2end: &Path) -> Result<()> {
    let lock =
        std::fs::read(end2end.join("package-lock.json")).context("end2end/package-lock.json")?;
    let stamp = end2end.join("node_modules").join(".pingan-lock");
    if std::fs::read(&stamp).ok().as_deref() == Some(&lock[..]) {
        return Ok(());
    }
    step("installing the Playwright packages (npm ci; no browser download)");
    run(Command::new("npm")
        .current_dir(end2end)
        .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
        .args(["ci", "--no-audit", "--no-fund"]))?;
    std::fs::write(stamp, lock)?;
    Ok(())
}
