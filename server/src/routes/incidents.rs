//! `POST /api/incidents`: reports from the phone's outbox, photos inside as base64 — a plain
//! JSON route like `/api/checks`, so the service worker can replay it without the app. And
//! `GET /incidents/{id}/photos/{photo}`: a stored photo, to those who may see its incident.
//!
//! Photos are judged by their bytes, never by a name or a claimed type, and re-encoded (which
//! drops EXIF and its GPS position) before anything is stored; see `crate::photo`.

use super::checks::refuse;
use crate::photo::{clean_photo, PhotoError, PhotoRules};
use app::auth::CurrentUser;
use app::i18n::Lang;
use app::incidents::report::{ReportAnswer, ReportInput};
use app::throttle::{self, Limit};
use app::{AppError, AppState};
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json};
use base64::Engine;
use domain::incident::port::NewPhoto;
use domain::{FieldError, MessageKey};
use std::convert::Infallible;
use std::sync::Arc;
use tokio::sync::Semaphore;

/// The largest report accepted: a few photos already shrunk by the phone, in base64.
pub const MAX_BYTES: usize = 24 * 1024 * 1024;

/// How many reports may have their photos decoded at once (CPU and memory bound); the others
/// wait their turn. Taken only after the caller is known and the report checked.
fn photo_permits() -> Arc<Semaphore> {
    Arc::new(Semaphore::new(2))
}

/// The report is an upload: photos from a phone, perhaps on a weak network.
pub fn router() -> super::Listed<AppState> {
    super::Listed::new()
        .upload(
            "POST",
            app::incidents::report::INCIDENTS_URL,
            post(report)
                .layer::<_, Infallible>(DefaultBodyLimit::max(MAX_BYTES))
                .layer::<_, Infallible>(Extension(photo_permits())),
        )
        .route("GET", "/incidents/{id}/photos/{photo}", get(photo))
}

pub async fn report(
    State(state): State<AppState>,
    Extension(CurrentUser(who)): Extension<CurrentUser>,
    Extension(permits): Extension<Arc<Semaphore>>,
    request: axum::extract::Request,
) -> Response {
    let lang = Lang::of_request(request.headers());
    // Who and what first: an anonymous or non-JSON request is refused before its body is read.
    let Some(who) = who else {
        return refuse(lang, AppError::Unauthenticated);
    };
    if !who.status.on_duty_roll() {
        return refuse(lang, AppError::Forbidden);
    }
    let json = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !json {
        return refuse(lang, FieldError::new("body", MessageKey::Required).into());
    }
    let body = match axum::body::to_bytes(request.into_body(), MAX_BYTES).await {
        Ok(body) => body,
        Err(_) => {
            return refuse(
                lang,
                FieldError::new("photos", MessageKey::PhotoTooLarge).into(),
            )
        }
    };
    let input: ReportInput = match serde_json::from_slice(&body) {
        Ok(input) => input,
        Err(_) => return refuse(lang, FieldError::new("body", MessageKey::Required).into()),
    };
    let now = chrono::Utc::now().timestamp_millis();
    // Refuse a bad report, or one made by someone else on this phone, before spending time
    // on its photos.
    if input.reporter.is_some_and(|r| r != who.volunteer_id.0) {
        return refuse(lang, AppError::MadeByAnother);
    }
    if let Err(e) = app::incidents::service::check_report(&state.incidents, &input, now) {
        return refuse(lang, e);
    }
    // One account cannot fill the disk with reports: counted before the photos are decoded,
    // and given back when nothing new was stored (a replay, a refusal). Over the limit the
    // phone's outbox keeps the report and sends it later (429 means "wait").
    let reporter = who.volunteer_id.0.to_string();
    let counted = match throttle::take(
        state.storage.as_ref(),
        state.secrets.as_ref(),
        &[(Limit::REPORTS_PERSON, &reporter)],
        now,
    )
    .await
    {
        Ok(keys) => keys,
        Err(refused) => return refuse(lang, refused.into()),
    };
    let answer = stored_report(&state, &who, &input, &permits, now).await;
    if !matches!(answer, Ok(ReportAnswer { stored: true, .. })) {
        for (key, _) in &counted {
            if let Err(e) = state.storage.rate_limit_forgive(key, false).await {
                tracing::warn!("rate limit not given back: {e}");
            }
        }
    }
    match answer {
        Ok(answer) => {
            let status = if answer.stored {
                StatusCode::CREATED
            } else {
                StatusCode::OK
            };
            (status, Json::<ReportAnswer>(answer)).into_response()
        }
        Err(e) => refuse(lang, e),
    }
}

/// Cleans the photos (a few reports at a time) and stores the report once.
async fn stored_report(
    state: &AppState,
    who: &domain::Principal,
    input: &ReportInput,
    permits: &Semaphore,
    now: i64,
) -> Result<ReportAnswer, AppError> {
    let photos = {
        let _permit = permits
            .acquire()
            .await
            .map_err(|e| AppError::internal("photo permits", e))?;
        clean_all(input.photos.clone()).await?
    };
    app::incidents::service::record_report(state, who, input, photos, now).await
}

/// Decodes and cleans every photo off the async threads (decoding is CPU work).
async fn clean_all(photos: Vec<String>) -> Result<Vec<NewPhoto>, AppError> {
    tokio::task::spawn_blocking(move || {
        let rules = PhotoRules::default();
        photos
            .iter()
            .map(|text| {
                // A `data:image/…;base64,` prefix or bare base64; the prefix's type is ignored.
                let b64 = text.split_once(',').map_or(text.as_str(), |(_, b)| b);
                let bytes = base64::engine::general_purpose::STANDARD
                    .decode(b64.trim())
                    .map_err(|_| FieldError::new("photos", MessageKey::PhotoInvalid))?;
                let clean = clean_photo(&bytes, &rules).map_err(|e| {
                    FieldError::new(
                        "photos",
                        match e {
                            PhotoError::TooLarge | PhotoError::TooManyPixels => {
                                MessageKey::PhotoTooLarge
                            }
                            PhotoError::NotAnImage | PhotoError::Unreadable => {
                                MessageKey::PhotoInvalid
                            }
                        },
                    )
                })?;
                Ok(NewPhoto {
                    content_type: clean.content_type.to_owned(),
                    width: clean.width,
                    height: clean.height,
                    sha256: clean.sha256,
                    bytes: clean.bytes,
                })
            })
            .collect::<Result<Vec<_>, FieldError>>()
            .map_err(AppError::from)
    })
    .await
    .map_err(|e| AppError::internal("photo cleaning", e))?
}

pub async fn photo(
    State(state): State<AppState>,
    Extension(CurrentUser(who)): Extension<CurrentUser>,
    Path((incident, photo)): Path<(i64, i64)>,
    headers: HeaderMap,
) -> Response {
    let Some(who) = who else {
        return StatusCode::UNAUTHORIZED.into_response();
    };
    let store = state.storage.as_ref();
    if app::incidents::access::incident_in_sight(store, &who, incident)
        .await
        .is_err()
    {
        return StatusCode::NOT_FOUND.into_response();
    }
    match store
        .incident_photo(domain::incident::port::IncidentId(incident), photo)
        .await
    {
        Ok(Some((content_type, bytes))) => {
            use sha2::Digest;
            // Asked again on every view (access can end: a logout, a role taken away, an
            // incident hidden), but answered with 304 when the phone already holds it.
            let etag = format!("\"{:x}\"", sha2::Sha256::digest(&bytes));
            let fresh = headers
                .get(header::IF_NONE_MATCH)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v == etag);
            let mut res = if fresh {
                StatusCode::NOT_MODIFIED.into_response()
            } else {
                bytes.into_response()
            };
            let out = res.headers_mut();
            if let Ok(v) = HeaderValue::from_str(&content_type) {
                out.insert(header::CONTENT_TYPE, v);
            }
            if let Ok(v) = HeaderValue::from_str(&etag) {
                out.insert(header::ETAG, v);
            }
            out.insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static("private, no-cache"),
            );
            res
        }
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(e) => {
            tracing::error!(error = %e, "reading an incident photo failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}
