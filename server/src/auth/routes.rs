//! `POST /login` and `POST /logout`: plain form posts, so logging in works without JavaScript.
//! Failures redirect back to `/login?error=…` (a message key, never the number typed), which
//! the login page translates.

use super::session::{self, SessionPolicy};
use super::throttle::{self, Keys, Limits};
use super::{now_ms, password};
use app::AppState;
use axum::extract::{ConnectInfo, FromRequest, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Form;
use domain::{PhoneNumber, VolunteerStatus};
use serde::Deserialize;
use std::net::SocketAddr;

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    phone: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

pub async fn login(
    State((state, policy)): State<(AppState, SessionPolicy)>,
    req: Request,
) -> Response {
    let ip = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    let old_token = session::token_from(req.headers(), &policy);
    let Ok(Form(form)) = Form::<LoginForm>::from_request(req, &()).await else {
        return back_to_login("login_failed", "/", None);
    };
    let next = crate::routes::safe_next(&form.next).to_owned();
    let phone = match PhoneNumber::parse(&form.phone) {
        Ok(p) => p,
        Err(e) if e.key == domain::MessageKey::Required => {
            return back_to_login("phone_required", &next, None)
        }
        Err(_) => return back_to_login("phone_invalid", &next, None),
    };
    let store = state.storage.as_ref();
    let keys = Keys::new(phone.as_str(), ip);
    let now = now_ms();
    match throttle::blocked(store, &keys, &Limits::DEFAULT, now).await {
        Ok(Some(minutes)) => return back_to_login("rate_limited", &next, Some(minutes)),
        Ok(None) => {}
        Err(e) => return internal(e),
    }
    let record = match store.login_record(&phone).await {
        Ok(r) => r,
        Err(e) => return internal(e),
    };
    let (stored_hash, account) = match record {
        Some(r) => (r.password_hash.clone(), Some(r)),
        None => (None, None),
    };
    let matches = password::verify(stored_hash, form.password).await;
    let account = match (matches, account) {
        (true, Some(a)) => a,
        _ => {
            if let Err(e) = throttle::failed(store, &keys, now).await {
                return internal(e);
            }
            return back_to_login("login_failed", &next, None);
        }
    };
    if matches!(
        account.status,
        VolunteerStatus::Suspended | VolunteerStatus::Rejected | VolunteerStatus::Retired
    ) {
        return back_to_login("account_inactive", &next, None);
    }
    if let Err(e) = throttle::succeeded(store, &keys).await {
        return internal(e);
    }
    // A new session id at every login: a token planted before login is never promoted.
    if let Some(old) = old_token {
        let _ = store.delete_session(&session::token_hash(&old)).await;
    }
    let token = match session::start(store, &policy, account.id).await {
        Ok(t) => t,
        Err(e) => return internal(e),
    };
    tracing::info!(volunteer = account.id.0, "logged in");
    redirect(&next, Some(policy.set_cookie(&token)))
}

pub async fn logout(
    State((state, policy)): State<(AppState, SessionPolicy)>,
    headers: axum::http::HeaderMap,
) -> Response {
    if let Some(token) = session::token_from(&headers, &policy) {
        if let Err(e) = state
            .storage
            .delete_session(&session::token_hash(&token))
            .await
        {
            return internal(e);
        }
    }
    redirect("/login?bye=1", Some(policy.clear_cookie()))
}

fn back_to_login(error: &str, next: &str, wait_minutes: Option<u32>) -> Response {
    let mut location = format!("/login?error={error}&next={}", encode(next));
    if let Some(m) = wait_minutes {
        location.push_str(&format!("&wait={m}"));
    }
    redirect(&location, None)
}

fn redirect(location: &str, cookie: Option<String>) -> Response {
    let mut res = StatusCode::SEE_OTHER.into_response();
    let headers = res.headers_mut();
    if let Ok(l) = HeaderValue::from_str(location) {
        headers.insert(header::LOCATION, l);
    }
    if let Some(c) = cookie.and_then(|c| HeaderValue::from_str(&c).ok()) {
        headers.insert(header::SET_COOKIE, c);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

fn internal(e: domain::StorageError) -> Response {
    tracing::error!("login storage error: {e}");
    redirect("/login?error=internal", None)
}

/// Percent-encodes a local path for a query parameter.
fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn next_is_encoded_for_the_query() {
        assert_eq!(super::encode("/me?x=1&y"), "/me%3Fx%3D1%26y");
    }
}
