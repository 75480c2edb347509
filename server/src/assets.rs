//! The content-hashed names of this build's browser files, read once at start-up from the
//! `hash.txt` cargo-leptos writes beside the binary (Leptos reads the same file), and the
//! split build's chunks, read from the site's `pkg/` folder.

use app::AssetManifest;
use std::collections::HashMap;
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
    let split = files
        .iter()
        .find(|f| f.starts_with("__wasm_split_manifest") && f.ends_with(".json"))
        .and_then(|f| std::fs::read_to_string(pkg_dir.join(f)).ok())
        .and_then(|text| serde_json::from_str(&text).ok());
    manifest.chunks = chunks(&manifest, files, split.as_ref(), pkg_url);
    (manifest, hashed)
}

/// What the service worker pre-caches of a split build (`cargo leptos build --split`): the
/// loader, its manifest, and the wasm chunks of the pages a volunteer needs offline
/// (`app::shell::OFFLINE_GROUP`). The office pages' chunk is left to be cached the first time
/// it is fetched, so a volunteer's phone does not download code it will never run. Without a
/// split manifest every wasm is listed. Precompressed copies (`.br`, `.gz`) are the same
/// files and are left out; sorted, so the worker's version does not depend on the order the
/// folder is read in.
fn chunks(
    main: &AssetManifest,
    files: Vec<String>,
    split: Option<&HashMap<String, Vec<String>>>,
    pkg_url: &str,
) -> Vec<String> {
    let offline = split.map(|groups| {
        groups
            .get(app::shell::OFFLINE_GROUP)
            .map(|names| {
                names
                    .iter()
                    .map(|n| format!("{n}.wasm"))
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    });
    let mut chunks: Vec<String> = files
        .into_iter()
        .filter(|f| [".wasm", ".js", ".json"].iter().any(|ext| f.ends_with(ext)))
        .filter(|f| match &offline {
            Some(names) if f.ends_with(".wasm") => names.contains(f),
            _ => true,
        })
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

    fn split_build() -> Vec<String> {
        [
            "pingan.bbb.wasm",
            "pingan.bbb.wasm.br",
            "pingan.aaa.js",
            "pingan.ccc.css",
            "__wasm_split.ddd.js",
            "__wasm_split.ddd.js.gz",
            "__wasm_split_manifest.eee.json",
            "split_field_pages.fff.wasm",
            "split_office_pages.ggg.wasm",
            "chunk_3.hhh.wasm",
        ]
        .map(String::from)
        .to_vec()
    }

    #[test]
    fn the_offline_groups_chunks_and_the_loader_are_precached_not_the_office_pages() {
        let main = parse("js: aaa\nwasm: bbb\ncss: ccc\n", "/pkg");
        let split: HashMap<String, Vec<String>> = serde_json::from_str(
            r#"{"field_pages": ["chunk_3.hhh", "split_field_pages.fff"],
                "office_pages": ["chunk_3.hhh", "split_office_pages.ggg"]}"#,
        )
        .unwrap_or_default();
        assert_eq!(
            chunks(&main, split_build(), Some(&split), "/pkg"),
            [
                "/pkg/__wasm_split.ddd.js",
                "/pkg/__wasm_split_manifest.eee.json",
                "/pkg/chunk_3.hhh.wasm",
                "/pkg/split_field_pages.fff.wasm",
            ]
        );
    }

    #[test]
    fn without_a_split_manifest_every_chunk_is_precached() {
        let main = parse("js: aaa\nwasm: bbb\ncss: ccc\n", "/pkg");
        let listed = chunks(&main, split_build(), None, "/pkg");
        assert_eq!(listed.len(), 5);
        assert!(listed.contains(&"/pkg/split_office_pages.ggg.wasm".to_owned()));
        assert!(!listed
            .iter()
            .any(|u| u.contains("pingan.") || u.ends_with(".gz")));
    }
}
