//! The project's build and test steps, run from the workspace root.

use crate::process::run;
use crate::tools;
use anyhow::{bail, Context, Result};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Workspace {
    pub root: PathBuf,
    pub target: PathBuf,
}

impl Workspace {
    pub fn locate() -> Result<Self> {
        // At run time, not compile time: with one shared target dir, a binary built in another
        // checkout (a CI worktree) is reused as it is, and must still work on this one.
        let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
        let root = manifest_dir
            .parent()
            .context("xtask lives inside the workspace")?
            .to_path_buf();
        let target = std::env::var_os("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .map(|t| if t.is_absolute() { t } else { root.join(t) })
            .unwrap_or_else(|| root.join("target"));
        Ok(Self { root, target })
    }

    fn cargo(&self) -> Command {
        let mut cmd = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
        cmd.current_dir(&self.root).env("PATH", tools::path_env());
        cmd
    }

    /// Builds a release example of `package` and returns its path.
    pub fn release_example(&self, package: &str, example: &str) -> Result<PathBuf> {
        run(self
            .cargo()
            .args(["build", "--release", "-p", package, "--example", example]))?;
        Ok(self.target.join("release").join("examples").join(example))
    }

    pub fn site_root(&self) -> PathBuf {
        self.target.join("site")
    }

    pub fn release_binary(&self) -> PathBuf {
        self.target.join("release").join("pingan")
    }

    pub fn fmt_check(&self) -> Result<()> {
        run(self.cargo().args(["fmt", "--all", "--check"]))
    }

    /// The `view!` macros, which rustfmt does not format.
    pub fn leptosfmt_check(&self) -> Result<()> {
        run(Command::new(tools::leptosfmt())
            .current_dir(&self.root)
            .args(["--check", "app/src", "frontend/src"]))
    }

    pub fn clippy_ssr(&self) -> Result<()> {
        run(self.cargo().args([
            "clippy",
            "--quiet",
            "-p",
            "domain",
            "-p",
            "app",
            "-p",
            "server",
            "-p",
            "xtask",
            // `server/bench` too: the bench fixture is compiled only for `cargo xtask bench`,
            // and would otherwise be linted by nothing.
            "--features",
            "app/ssr,server/bench",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]))
    }

    pub fn clippy_hydrate(&self) -> Result<()> {
        run(self.cargo().args([
            "clippy",
            "--quiet",
            "-p",
            "frontend",
            "-p",
            "app",
            "--features",
            "app/hydrate",
            "--target",
            "wasm32-unknown-unknown",
            "--",
            "-D",
            "warnings",
        ]))
    }

    /// Unit and property tests (domain, app, xtask), storage conformance on SQLite and, when
    /// `TEST_DATABASE_URL` is set, PostgreSQL, and the HTTP tests.
    pub fn cargo_tests(&self) -> Result<()> {
        match std::env::var("TEST_DATABASE_URL") {
            Ok(url) if !url.is_empty() => println!("    storage tests also on PostgreSQL ({url})"),
            _ => println!("    TEST_DATABASE_URL not set: storage tests on SQLite only"),
        }
        run(self.cargo().args([
            "test",
            "-p",
            "domain",
            "-p",
            "app",
            "-p",
            "server",
            "-p",
            "xtask",
            "--features",
            "app/ssr",
            // Each HTTP test builds its own Leptos app; Leptos keeps some render state per
            // process, and two apps rendering at once in one test binary can stall. One server
            // under concurrent load is tested on its own (`many_requests_at_once`).
            "--",
            "--test-threads=1",
        ]))
    }

    /// `--split` cuts the wasm at the lazy routes (app/src/shell/lazy.rs): the first download
    /// is the shell; the pages' code is cut by group (field pages, office pages), each group's
    /// fetched when one of its pages is first shown.
    ///
    /// The build replaces `site/pkg/`; the files it replaces are kept as `site/pkg-previous/`
    /// (the server falls back to them), so a phone with a page of the last build open can
    /// still load that build's chunks. One build back is kept: older ones go.
    ///
    /// `server_features` are the server crate's features for this build (`bench` for
    /// `cargo xtask bench`); the browser's wasm is the same either way.
    pub fn leptos_build_release(&self, server_features: &[&str]) -> Result<()> {
        let stash = self.target.join("pkg-being-replaced");
        keep_previous_build(&self.site_root(), &stash, Phase::BeforeBuild)?;
        let mut build = self.cargo();
        build.args(["leptos", "build", "--release", "--precompress", "--split"]);
        for feature in server_features {
            build.args(["--bin-features", feature]);
        }
        run(&mut build)?;
        keep_previous_build(&self.site_root(), &stash, Phase::AfterBuild)
    }

    /// Runs the release binary with the settings `cargo xtask run` and the tests use.
    fn pingan_command(&self, args: &[&str], database_url: &str, addr: &str) -> Result<Command> {
        let bin = self.release_binary();
        if !bin.exists() {
            bail!(
                "{} is missing: the release build did not run",
                bin.display()
            );
        }
        let mut cmd = Command::new(bin);
        cmd.current_dir(&self.root)
            .args(args)
            .env("DATABASE_URL", database_url)
            .env("PINGAN_ADDR", addr)
            .env("PINGAN_SITE_ROOT", self.site_root());
        Ok(cmd)
    }

    pub fn pingan(&self, args: &[&str], database_url: &str, addr: &str) -> Result<()> {
        run(&mut self.pingan_command(args, database_url, addr)?)
    }

    /// Starts the release server on a free port with a fresh seeded SQLite database.
    pub fn start_test_server(&self, log_name: &str) -> Result<TestServer> {
        let db_file = tools::cache_dir()
            .join("run")
            .join(format!("{log_name}.db"));
        std::fs::create_dir_all(tools::cache_dir().join("run"))?;
        for suffix in ["", "-wal", "-shm", ".key"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", db_file.display()));
        }
        self.start_server_on(log_name, &format!("sqlite://{}", db_file.display()), &[])
    }

    /// Starts the release server on a free port with the (empty) database `db`, seeded with the
    /// demo district; `env` adds settings (PostgreSQL needs `PINGAN_SECRET_KEY`).
    pub fn start_server_on(
        &self,
        log_name: &str,
        db: &str,
        env: &[(&str, &str)],
    ) -> Result<TestServer> {
        let dir = tools::cache_dir().join("run");
        std::fs::create_dir_all(&dir)?;
        let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let addr = format!("127.0.0.1:{port}");
        run(self
            .pingan_command(&["seed", "--demo"], db, &addr)?
            .envs(env.iter().copied()))?;
        let log = std::fs::File::create(dir.join(format!("{log_name}.log")))?;
        let child = self
            .pingan_command(&["serve"], db, &addr)?
            .envs(env.iter().copied())
            .env("PINGAN_LOG", "info,sqlx=warn")
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            .spawn()
            .context("failed to start the server")?;
        let server = TestServer {
            child,
            addr,
            log: dir.join(format!("{log_name}.log")),
        };
        server.wait_healthy(Duration::from_secs(30))?;
        Ok(server)
    }

    /// Runs `pingan <args>` against `db` with extra settings, waiting for it to finish.
    pub fn pingan_with(&self, args: &[&str], db: &str, env: &[(&str, &str)]) -> Result<()> {
        run(self
            .pingan_command(args, db, "127.0.0.1:0")?
            .envs(env.iter().copied()))
    }

    /// The Playwright suite in headless Debian Chromium, against the release server.
    pub fn end2end(&self) -> Result<()> {
        let dir = self.root.join("end2end");
        tools::ensure_end2end_packages(&dir)?;
        let server = self.start_test_server("e2e")?;
        let result = run(Command::new("npx")
            .current_dir(&dir)
            .env("PINGAN_BASE_URL", format!("http://{}", server.addr))
            .args(["playwright", "test"]));
        if result.is_err() {
            eprintln!("server log: {}", server.log.display());
        }
        drop(server);
        result
    }
}

/// The server process of a test run; stopped (SIGTERM, then kill) when dropped.
pub struct TestServer {
    child: Child,
    pub addr: String,
    pub log: PathBuf,
}

impl TestServer {
    fn wait_healthy(&self, limit: Duration) -> Result<()> {
        let started = Instant::now();
        while started.elapsed() < limit {
            if http_get(&self.addr, "/health")
                .map(|r| r.starts_with("HTTP/1.1 200"))
                .unwrap_or(false)
            {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        bail!(
            "server at {} not healthy after {limit:?}; see {}",
            self.addr,
            self.log.display()
        )
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        // Graceful first: the server finishes requests in flight on SIGTERM.
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status();
        for _ in 0..50 {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A minimal HTTP/1.1 GET, enough to poll `/health` without another dependency.
pub fn http_get(addr: &str, path: &str) -> Result<String> {
    let mut stream = TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    Ok(response)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    BeforeBuild,
    AfterBuild,
}

/// Before a build: moves `site/pkg` aside to `stash` (outside the site, which the build may
/// clear). After it: the stash becomes `site/pkg-previous`, replacing the build before it. A
/// build that made no `pkg` change (nothing was stashed) leaves `pkg-previous` as it is.
pub fn keep_previous_build(
    site: &std::path::Path,
    stash: &std::path::Path,
    phase: Phase,
) -> Result<()> {
    let previous = site.join("pkg-previous");
    match phase {
        Phase::BeforeBuild => {
            if stash.exists() {
                std::fs::remove_dir_all(stash).context("clearing an old stash")?;
            }
            let pkg = site.join("pkg");
            if pkg.is_dir() {
                copy_dir(&pkg, stash)?;
            }
        }
        Phase::AfterBuild => {
            // The same build again (nothing changed): its files are the ones being served.
            if stash.is_dir() && file_names(stash)? == file_names(&site.join("pkg"))? {
                std::fs::remove_dir_all(stash)?;
            }
            if stash.is_dir() {
                if previous.exists() {
                    std::fs::remove_dir_all(&previous).context("dropping the build before")?;
                }
                std::fs::rename(stash, &previous)
                    .or_else(|_| {
                        copy_dir(stash, &previous).and_then(|_| Ok(std::fs::remove_dir_all(stash)?))
                    })
                    .context("keeping the previous build's files")?;
            }
        }
    }
    Ok(())
}

fn file_names(dir: &std::path::Path) -> Result<std::collections::BTreeSet<std::ffi::OsString>> {
    if !dir.is_dir() {
        return Ok(Default::default());
    }
    Ok(std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.file_name()))
        .collect())
}

/// Copies a folder of files (no subfolders in `pkg/`) — a copy, not a move, so an interrupted
/// build still has the files it started with.
fn copy_dir(from: &std::path::Path, to: &std::path::Path) -> Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        if entry.file_type()?.is_file() {
            std::fs::copy(entry.path(), to.join(entry.file_name()))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_release_build_keeps_the_files_of_the_build_before_it_and_no_older() {
        let dir = std::env::temp_dir().join(format!("pingan-xtask-{}", std::process::id()));
        let (site, stash) = (dir.join("site"), dir.join("stash"));
        let pkg = site.join("pkg");
        let build = |name: &str| {
            keep_previous_build(&site, &stash, Phase::BeforeBuild).expect("before");
            // What cargo leptos does: a fresh pkg/ with this build's files only.
            let _ = std::fs::remove_dir_all(&pkg);
            std::fs::create_dir_all(&pkg).expect("pkg");
            std::fs::write(pkg.join(name), name).expect("file");
            keep_previous_build(&site, &stash, Phase::AfterBuild).expect("after");
        };
        let names = |d: &std::path::Path| {
            let mut v: Vec<String> = std::fs::read_dir(d)
                .map(|r| {
                    r.filter_map(|e| e.ok()?.file_name().into_string().ok())
                        .collect()
                })
                .unwrap_or_default();
            v.sort();
            v
        };
        build("a.js");
        assert_eq!(names(&pkg), ["a.js"]);
        assert!(names(&site.join("pkg-previous")).is_empty());
        build("b.js");
        assert_eq!(names(&pkg), ["b.js"]);
        assert_eq!(names(&site.join("pkg-previous")), ["a.js"]);
        build("c.js");
        assert_eq!(names(&site.join("pkg-previous")), ["b.js"]);
        // Built again unchanged: the build before stays the one kept.
        build("c.js");
        assert_eq!(names(&site.join("pkg-previous")), ["b.js"]);
        assert!(!stash.exists());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
