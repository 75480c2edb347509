//! `GET /sw.js`: the service worker, filled in with this build's hashed asset names.
//! Its cache name is derived from them, so each deploy installs a new cache and drops the old.

use app::AssetManifest;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

const TEMPLATE: &str = include_str!("../../../public/sw.template.js");
/// The outbox script the pages and the worker share (`public/outbox.js`).
const OUTBOX: &str = include_str!("../../../public/outbox.js");
/// The photo shrinker the report page loads (`public/photo.js`), precached by the worker.
const PHOTO: &str = include_str!("../../../public/photo.js");
/// Brings a form's first error into view after a submit (`public/forms.js`), precached too.
const FORMS: &str = include_str!("../../../public/forms.js");
/// Turns push on and off for the phone from 我的 (`public/push.js`), precached too.
const PUSH: &str = include_str!("../../../public/push.js");

/// The pages and files the shell needs to open offline, with the field pages' wasm chunks
/// (`assets.chunks`: the group `app::shell::OFFLINE_GROUP` names): a volunteer who opened only
/// the shifts page online can still open the report form in a basement. The office pages'
/// chunk is kept by the worker the first time it is fetched, not before.
pub fn precache_list(assets: &AssetManifest) -> Vec<String> {
    let mut list: Vec<String> = vec![
        "/offline".into(),
        "/outbox.js".into(),
        "/photo.js".into(),
        "/forms.js".into(),
        "/push.js".into(),
        assets.css.clone(),
        assets.js.clone(),
        assets.wasm.clone(),
        "/manifest.webmanifest".into(),
        "/icons/icon.svg".into(),
        "/icons/icon-192.png".into(),
    ];
    list.extend(assets.chunks.iter().cloned());
    list
}

/// Renders the worker script once at start-up.
pub fn render(assets: &AssetManifest) -> String {
    let list = precache_list(assets);
    let version = version_of(&list);
    let json = serde_json::to_string(&list).unwrap_or_else(|_| "[]".into());
    TEMPLATE
        .replace("__PINGAN_VERSION__", &version)
        .replace("\"__PINGAN_PRECACHE__\"", &json)
}

/// A short FNV-1a hash of the app version and the hashed asset names.
fn version_of(list: &[String]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    // The worker's own code, the outbox script that is part of it and the photo and form
    // scripts precached under fixed names: a change to any of them is a new version too.
    for byte in env!("CARGO_PKG_VERSION")
        .bytes()
        .chain(list.iter().flat_map(|s| s.bytes()))
        .chain(TEMPLATE.bytes())
        .chain(OUTBOX.bytes())
        .chain(PHOTO.bytes())
        .chain(FORMS.bytes())
        .chain(PUSH.bytes())
    {
        h ^= u64::from(byte);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// `/sw.js`, rendered once for this build, and `/outbox.js`.
pub fn router<S: Clone + Send + Sync + 'static>(assets: &AssetManifest) -> super::Listed<S> {
    let sw_script: &'static str = Box::leak(render(assets).into_boxed_str());
    super::Listed::new()
        .route(
            "GET",
            "/sw.js",
            get(move || async move { response(sw_script) }),
        )
        .route("GET", "/outbox.js", get(|| async { response(OUTBOX) }))
}

fn response(script: &'static str) -> Response {
    let mut res = script.into_response();
    let headers = res.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/javascript; charset=utf-8"),
    );
    // The browser must see a new worker as soon as it is deployed.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest(hash: &str) -> AssetManifest {
        AssetManifest {
            css: format!("/pkg/pingan.{hash}.css"),
            js: format!("/pkg/pingan.{hash}.js"),
            wasm: format!("/pkg/pingan.{hash}.wasm"),
            chunks: vec![format!("/pkg/report_route.{hash}.wasm")],
        }
    }

    #[test]
    fn the_worker_lists_the_hashed_assets_and_the_offline_page() {
        let js = render(&manifest("abc"));
        assert!(js.contains("/pkg/pingan.abc.wasm") && js.contains("\"/offline\""));
        assert!(js.contains("/pkg/report_route.abc.wasm"));
        assert!(!js.contains("__PINGAN_"));
    }

    #[test]
    fn a_new_build_gets_a_new_cache_version() {
        let a = version_of(&precache_list(&manifest("abc")));
        let b = version_of(&precache_list(&manifest("abd")));
        assert_ne!(a, b);
    }
}
