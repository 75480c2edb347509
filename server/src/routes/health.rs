//! `GET /health`: for load balancers and monitors. 200 when the database answers, 503 when not.

use super::Listed;
use app::AppState;
use axum::{extract::State, http::StatusCode, routing::get, Json};
use serde::Serialize;

pub fn router() -> Listed<AppState> {
    Listed::new().route("GET", "/health", get(health))
}

#[derive(Serialize)]
pub struct Health {
    status: &'static str,
    database: &'static str,
    backend: &'static str,
    version: &'static str,
}

pub async fn health(State(state): State<AppState>) -> (StatusCode, Json<Health>) {
    let db = state.storage.ping().await;
    if let Err(e) = &db {
        tracing::error!("health check: database unreachable: {e}");
    }
    let (status, code) = match db {
        Ok(()) => (("ok", "ok"), StatusCode::OK),
        Err(_) => (
            ("unavailable", "unreachable"),
            StatusCode::SERVICE_UNAVAILABLE,
        ),
    };
    (
        code,
        Json(Health {
            status: status.0,
            database: status.1,
            backend: state.storage.backend(),
            version: env!("CARGO_PKG_VERSION"),
        }),
    )
}
