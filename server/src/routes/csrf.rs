//! Leptos server functions do not defend against cross-site requests themselves. Every state
//! change is a POST (or other unsafe method), and this guard refuses those a browser marks as
//! coming from another site. Requests without these headers are not from a browser page, so
//! they cannot carry a victim's cookies by CSRF.

use app::i18n::Lang;
use app::AppError;
use axum::{
    extract::Request,
    http::{header, Method},
    middleware::Next,
    response::Response,
};

pub async fn same_origin_only(req: Request, next: Next) -> Response {
    if is_cross_site(&req) {
        tracing::warn!(method = %req.method(), path = %req.uri().path(), "cross-site request refused");
        let lang = Lang::negotiate(
            None,
            req.headers()
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok()),
        );
        return AppError::CrossSite.into_response_in(lang);
    }
    next.run(req).await
}

fn is_cross_site(req: &Request) -> bool {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return false;
    }
    let headers = req.headers();
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        // "none" is a user typing the address or using a bookmark.
        return !matches!(site, "same-origin" | "none");
    }
    match (
        headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()),
        headers.get(header::HOST).and_then(|v| v.to_str().ok()),
    ) {
        (Some(origin), Some(host)) => {
            let origin_host = origin
                .split_once("://")
                .map(|(_, rest)| rest)
                .unwrap_or(origin);
            origin == "null" || origin_host != host
        }
        (Some(_), None) => true,
        (None, _) => false,
    }
}
