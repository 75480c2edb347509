//! `POST /api/checks`: check-ins and check-outs from the phone's outbox. A plain JSON route
//! rather than a server function, because the service worker replays it on Background Sync
//! without the app. The answer is JSON either way: the stored event, or `{"error": "…"}` in the
//! reader's language, with a status the outbox reads (4xx: drop it, 5xx: keep and retry).

use app::auth::CurrentUser;
use app::duty::check::{CheckAnswer, CheckInput};
use app::i18n::Lang;
use app::{AppError, AppState};
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Extension, Json};

/// The largest body accepted: an event is a few hundred bytes.
pub const MAX_BYTES: usize = 4 * 1024;

pub fn router() -> super::Listed<AppState> {
    super::Listed::new().route(
        "POST",
        app::duty::check::CHECKS_URL,
        post(record).layer(DefaultBodyLimit::max(MAX_BYTES)),
    )
}

pub async fn record(
    State(state): State<AppState>,
    Extension(CurrentUser(who)): Extension<CurrentUser>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let lang = Lang::of_request(&headers);
    let Some(who) = who else {
        return refuse(lang, AppError::Unauthenticated);
    };
    let input: CheckInput = match serde_json::from_slice(&body) {
        Ok(input) => input,
        Err(_) => {
            return refuse(
                lang,
                AppError::Invalid(domain::FieldError::new(
                    "body",
                    domain::MessageKey::Required,
                )),
            )
        }
    };
    let now = chrono::Utc::now().timestamp_millis();
    match app::duty::service::record_check(&state, &who, &input, now).await {
        Ok(answer) => {
            let status = if answer.stored {
                StatusCode::CREATED
            } else {
                StatusCode::OK
            };
            (status, Json::<CheckAnswer>(answer)).into_response()
        }
        Err(e) => refuse(lang, e),
    }
}

/// The JSON refusal the outbox reads: the status says drop (4xx) or retry (5xx); `held` says
/// keep it for the person who made it (a shared phone).
pub(crate) fn refuse(lang: Lang, e: AppError) -> Response {
    let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let error = e.user_message(lang.texts());
    let held = e == AppError::MadeByAnother;
    (
        status,
        Json(serde_json::json!({ "error": error, "held": held })),
    )
        .into_response()
}
