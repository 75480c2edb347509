//! The content-hashed names of this build's browser files, read once at start-up from the
//! `hash.txt` cargo-leptos writes beside the binary (Leptos reads the same file).

use app::AssetManifest;
use std::path::Path;

pub const OUTPUT_NAME: &str = "pingan";

/// Reads `hash.txt` next to the running binary; without it (tests, `cargo run`) the plain
/// names are used and `hash_files` is off.
pub fn load(pkg_url: &str) -> (AssetManifest, bool) {
    let hash_file = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join("hash.txt")));
    match hash_file.as_deref().map(std::fs::read_to_string) {
        Some(Ok(text)) => (parse(&text, pkg_url), true),
        _ => (plain(pkg_url), false),
    }
}

fn plain(pkg_url: &str) -> AssetManifest {
    AssetManifest {
        css: format!("{pkg_url}/{OUTPUT_NAME}.css"),
        js: format!("{pkg_url}/{OUTPUT_NAME}.js"),
        wasm: format!("{pkg_url}/{OUTPUT_NAME}_bg.wasm"),
    }
}

/// `hash.txt` holds lines like `js: 3f2a…`.
fn parse(text: &str, pkg_url: &str) -> AssetManifest {
    let hash = |kind: &str| {
        text.lines()
            .filter_map(|l| l.trim().split_once(':'))
            .find(|(k, _)| k.trim() == kind)
            .map(|(_, h)| h.trim().to_owned())
    };
    let name = |kind: &str, ext: &str| match hash(kind) {
        Some(h) => format!("{pkg_url}/{OUTPUT_NAME}.{h}.{ext}"),
        None => format!("{pkg_url}/{OUTPUT_NAME}.{ext}"),
    };
    AssetManifest {
        css: name("css", "css"),
        js: name("js", "js"),
        wasm: name("wasm", "wasm"),
    }
}

/// True when `path` exists: used to warn when the site was not built.
pub fn site_built(site_root: &Path) -> bool {
    site_root.join("pkg").is_dir()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_names_come_from_hash_txt() {
        let m = parse("js: aaa\nwasm: bbb\ncss: ccc\n", "/pkg");
        assert_eq!(m.js, "/pkg/pingan.aaa.js");
        assert_eq!(m.wasm, "/pkg/pingan.bbb.wasm");
        assert_eq!(m.css, "/pkg/pingan.ccc.css");
    }
}
