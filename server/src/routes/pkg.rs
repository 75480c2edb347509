//! `/pkg/…`: this build's hashed browser files, precompressed, and the previous build's.

use axum::http::{header, HeaderValue};
use axum::Router;
use tower::ServiceBuilder;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

/// The previous build's `pkg/`, inside the site root (`cargo xtask` moves it there before each
/// release build; a deploy that copies the site should keep it the same way).
pub const PREVIOUS_PKG: &str = "pkg-previous";

pub fn router(site_root: &str, hashed_assets: bool) -> Router {
    // A phone that opened a page before a deploy asks for that build's hashed files (its wasm
    // chunks load on demand, perhaps an hour later): they are served from the previous build's
    // folder, which the release step keeps beside the new one (`PREVIOUS_PKG`).
    let previous = ServeDir::new(format!("{site_root}/{PREVIOUS_PKG}"))
        .precompressed_br()
        .precompressed_gzip();
    let pkg_dir = ServeDir::new(format!("{site_root}/pkg"))
        .precompressed_br()
        .precompressed_gzip()
        .fallback(previous);
    // Hashed names change with their content, so browsers may keep them for good.
    let pkg_cache = if hashed_assets {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    Router::new().nest_service(
        "/pkg",
        ServiceBuilder::new()
            .layer(SetResponseHeaderLayer::overriding(
                header::CACHE_CONTROL,
                HeaderValue::from_static(pkg_cache),
            ))
            .service(pkg_dir),
    )
}
