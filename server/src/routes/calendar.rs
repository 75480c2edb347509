//! `GET /calendar/{token}.ics`: a volunteer's shifts for their phone's calendar. Calendar apps
//! fetch without the session cookie, so the unguessable token in the link (a MAC over the
//! volunteer's id, see `app::duty::service::calendar_token`) is what admits the request.

use app::AppState;
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use domain::duty::ical::{calendar, CalendarEvent};
use domain::duty::DAY_MS;

pub fn router() -> super::Listed<AppState> {
    super::Listed::new().route("GET", "/calendar/{file}", get(feed))
}

pub async fn feed(State(state): State<AppState>, Path(file): Path<String>) -> Response {
    let store = state.storage.as_ref();
    let Some((volunteer, generation)) = file
        .strip_suffix(".ics")
        .and_then(|token| app::duty::service::calendar_owner(state.secrets.as_ref(), token))
    else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let person = match store.volunteer(volunteer).await {
        // A link renewed since is as good as none.
        Ok(Some(v)) if v.status.on_duty_roll() && v.calendar_generation == generation => v,
        Ok(_) => return StatusCode::NOT_FOUND.into_response(),
        Err(e) => {
            tracing::error!("calendar feed: {e}");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let now = chrono::Utc::now().timestamp_millis();
    let shifts = match store.my_shifts(person.id, now - 30 * DAY_MS).await {
        Ok(s) => s,
        Err(e) => {
            tracing::error!("calendar feed: {e}");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let events: Vec<CalendarEvent> = shifts
        .into_iter()
        .filter(|m| m.assignment.state == domain::AssignmentState::SignedUp)
        .map(|m| CalendarEvent {
            uid: format!("assignment-{}@pingan", m.assignment.id.0),
            starts_at: m.shift.window.starts_at,
            ends_at: m.shift.window.ends_at,
            summary: format!("平安巡逻 · {}", m.shift.site_name),
            location: m.shift.site_name.clone(),
            description: match &m.shift.cancelled {
                Some((_, why)) => format!("已取消：{why}"),
                None => m.shift.notes.clone(),
            },
            cancelled: m.shift.cancelled.is_some(),
        })
        .collect();
    let mut res = calendar("平安马甲 · 我的班次", &events, now).into_response();
    let headers = res.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/calendar; charset=utf-8"),
    );
    // A schedule is personal: no shared caches.
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=300"),
    );
    res
}
