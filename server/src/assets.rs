//! The content-hashed names of this build's browser files, read once at start-up from the
//! `hash.txt` cargo-leptos writes beside the binary (Leptos reads the same file), and the
//! split build's chunks, read from the site's `pkg/` folder.

use app::AssetManifest;
use std::path::Path;

pub const OUTPUT_NAME: &str = "pingan";

/// Reads `hash.txt` next to the running binary; without it (tests, `cargo run`) the plain
/// names are used and `hash_files` is off.
pub fn load(pkg_dir: &Path, pkg_url: &str) -> (AssetManifest, bool) {
    let hash_file = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join("hash.txt")));
    let (mut manifest, hashed) = match hash_file.as_deref().map(std::fs::read_to_string) {
        Some(Ok(text)) => (parse(&text, pkg_url), true),
        _ => (plain(pkg_url), false),
    };
    let files = std::fs::read_dir(pkg_dir)
        .map(|dir| {
            dir.filter_map(|e| e.ok()?.file_name().into_string().ok())
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    manifest.chunks = chunks(&manifest, files, pkg_url);
    (manifest, hashed)
}

/// Every wasm, script and manifest in `pkg/` that is not the main css/js/wasm: with
/// `cargo leptos build --split` these are the pages' chunks and the loader. Precompressed
/// copies (`.br`, `.gz`) are the same files and are left out. Sorted, so the service worker's
/// version does not depend on the order the folder is read in.
fn chunks(main: &AssetManifest, files: Vec<String>, pkg_url: &str) -> Vec<String> {
    let mut chunks: Vec<String> = files
        .into_iter()
        .filter(|f| [".wasm", ".js", ".json"].iter().any(|ext| f.ends_with(ext)))
        .map(|f| format!("{pkg_url}/{f}"))
        .filter(|url| ![&main.css, &main.js, &main.wasm].contains(&url))
        .collect();
    chunks.sort();
    chunks
}

fn plain(pkg_url: &str) -> AssetManifest {
    AssetManifest {
        css: format!("{pkg_url}/{OUTPUT_NAME}.css"),
        js: format!("{pkg_url}/{OUTPUT_NAME}.js"),
        wasm: format!("{pkg_url}/{OUTPUT_NAME}_bg.wasm"),
        chunks: Vec::new(),
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
        chunks: Vec::new(),
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

    #[test]
    fn the_split_builds_chunks_are_listed_without_the_main_files_or_compressed_copies() {
        let main = parse("js: aaa\nwasm: bbb\ncss: ccc\n", "/pkg");
        let files = [
            "pingan.bbb.wasm",
            "pingan.bbb.wasm.br",
            "pingan.aaa.js",
            "pingan.ccc.css",
            "__wasm_split.ddd.js",
            "__wasm_split.ddd.js.gz",
            "__wasm_split_manifest.eee.json",
            "shifts_route_123.fff.wasm",
            "chunk_1.ggg.wasm",
        ]
        .map(String::from)
        .to_vec();
        assert_eq!(
            chunks(&main, files, "/pkg"),
            [
                "/pkg/__wasm_split.ddd.js",
                "/pkg/__wasm_split_manifest.eee.json",
                "/pkg/chunk_1.ggg.wasm",
                "/pkg/shifts_route_123.fff.wasm",
            ]
        );
    }
}
