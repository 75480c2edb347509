//! `POST /auth/login`, `/auth/password` and `/auth/logout`: plain form posts, so they work
//! without JavaScript.
//! Failures redirect back to `/login?error=…` (a message key, never the number typed), which
//! the login page translates.

use super::now_ms;
use super::session::{self, SessionPolicy};
use app::auth::ClientAddr;
use app::throttle::{self, Limit, Refused};
use app::AppState;
use axum::extract::{FromRequest, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Form;
use domain::{PhoneNumber, Storage, VolunteerStatus};
use serde::Deserialize;

/// Logging in and out and changing the password: they set or clear the session cookie, so they
/// need the session policy beside the state.
pub(crate) fn router() -> crate::routes::Listed<(AppState, SessionPolicy)> {
    crate::routes::Listed::new()
        .route("POST", "/auth/login", post(login))
        .route("POST", "/auth/password", post(change_password))
        .route("POST", "/auth/logout", post(logout))
}

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
    let client = client_of(&req);
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
    let now = now_ms();
    // Counted before the password is checked, so a burst of parallel guesses cannot all pass
    // the limit before any failure is recorded; a success gives its count back.
    let guess = match count_guess(&state, phone.as_str(), &client, now).await {
        Ok(g) => g,
        Err(Refused::Limited { wait_minutes }) => {
            return back_to_login("rate_limited", &next, Some(wait_minutes))
        }
        Err(Refused::Storage(e)) => return internal(e),
    };
    let record = match store.login_record(&phone).await {
        Ok(r) => r,
        Err(e) => return internal(e),
    };
    let (stored_hash, account) = match record {
        Some(r) => (r.password_hash.clone(), Some(r)),
        None => (None, None),
    };
    let matches = state
        .secrets
        .verify_password(stored_hash, &form.password)
        .await;
    let account = match (matches, account) {
        (true, Some(a)) => a,
        _ => {
            if let Err(e) = guess.failed(store, now).await {
                return internal(e);
            }
            return back_to_login("login_failed", &next, None);
        }
    };
    // The right password: the person may learn where they stand (nobody else does).
    match account.status {
        VolunteerStatus::Rejected => return back_to_login("account_rejected", &next, None),
        VolunteerStatus::Suspended => return back_to_login("account_suspended", &next, None),
        VolunteerStatus::Retired => return back_to_login("account_retired", &next, None),
        VolunteerStatus::Applied | VolunteerStatus::Registered => {}
    }
    if let Err(e) = guess.succeeded(store).await {
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
    let cookie = Some(policy.set_cookie(&token));
    if account.password_temporary {
        return redirect(
            &format!("/password?temporary=1&next={}", encode(&next)),
            cookie,
        );
    }
    redirect(&next, cookie)
}

/// The counts one password guess made: a number from one client, and the number from anywhere.
struct Guess {
    pair: String,
    number: String,
    number_failures: u32,
}

async fn count_guess(
    state: &AppState,
    phone: &str,
    client: &str,
    now: i64,
) -> Result<Guess, Refused> {
    let pair = format!("{phone}|{client}");
    let keys = throttle::take(
        state.storage.as_ref(),
        state.secrets.as_ref(),
        &[(Limit::LOGIN_PAIR, &pair), (Limit::LOGIN_NUMBER, phone)],
        now,
    )
    .await?;
    let mut keys = keys.into_iter();
    match (keys.next(), keys.next()) {
        (Some((pair, _)), Some((number, number_failures))) => Ok(Guess {
            pair,
            number,
            number_failures,
        }),
        _ => Err(Refused::Storage(domain::StorageError::Backend(
            "rate limit answered without its keys".into(),
        ))),
    }
}

impl Guess {
    /// A wrong password: the counts stay, and past the free failures the number waits a
    /// growing while — from every client, but never more than 15 minutes at a time.
    async fn failed(&self, store: &dyn Storage, now: i64) -> Result<(), domain::StorageError> {
        let wait = throttle::login_backoff_ms(self.number_failures);
        if wait > 0 {
            store.rate_limit_block(&self.number, now + wait).await?;
        }
        Ok(())
    }

    /// The right password: this client's failures for the number are forgotten, and this
    /// attempt is taken off the number's count (not the others: one success must not wipe out
    /// a spray from elsewhere).
    async fn succeeded(&self, store: &dyn Storage) -> Result<(), domain::StorageError> {
        store.rate_limit_forgive(&self.pair, true).await?;
        store.rate_limit_forgive(&self.number, false).await
    }
}

/// The client's address as the client-address middleware resolved it.
fn client_of(req: &Request) -> String {
    req.extensions()
        .get::<ClientAddr>()
        .and_then(|c| c.0)
        .map_or_else(|| "unknown".to_owned(), |ip| ip.to_string())
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    old: String,
    #[serde(default)]
    new: String,
    #[serde(default)]
    next: String,
}

/// `POST /auth/password`: a logged-in person changes their own password (also the only thing a
/// session with a temporary password can do). The old password is checked and counted like a
/// login guess; every other session of theirs ends.
pub async fn change_password(
    State((state, policy)): State<(AppState, SessionPolicy)>,
    req: Request,
) -> Response {
    let client = client_of(&req);
    let Some(token) = session::token_from(req.headers(), &policy) else {
        return redirect("/login?next=%2Fpassword", None);
    };
    let Ok(Form(form)) = Form::<PasswordForm>::from_request(req, &()).await else {
        return back_to_password("password_required", "/");
    };
    let next = crate::routes::safe_next(&form.next).to_owned();
    let store = state.storage.as_ref();
    let who = match session::principal_for(store, &policy, &token).await {
        Ok(Some(p)) => p,
        Ok(None) => return redirect("/login?next=%2Fpassword", Some(policy.clear_cookie())),
        Err(e) => return internal(e),
    };
    let person = match store.volunteer(who.volunteer_id).await {
        Ok(Some(v)) => v,
        Ok(None) => return redirect("/login", Some(policy.clear_cookie())),
        Err(e) => return internal(e),
    };
    let new = match domain::Password::parse(&form.new) {
        Ok(p) => p,
        Err(e) if e.key == domain::MessageKey::PasswordTooShort => {
            return back_to_password("password_too_short", &next)
        }
        Err(e) if e.key == domain::MessageKey::TooLong => {
            return back_to_password("password_too_long", &next)
        }
        Err(_) => return back_to_password("password_required", &next),
    };
    let digits: String = new.expose().chars().filter(char::is_ascii_digit).collect();
    if digits == person.phone.as_str() {
        return back_to_password("password_is_phone", &next);
    }
    if form.new == form.old {
        return back_to_password("password_unchanged", &next);
    }
    let now = now_ms();
    let guess = match count_guess(&state, person.phone.as_str(), &client, now).await {
        Ok(g) => g,
        Err(Refused::Limited { .. }) => return back_to_password("rate_limited", &next),
        Err(Refused::Storage(e)) => return internal(e),
    };
    let stored = match store.login_record(&person.phone).await {
        Ok(r) => r.and_then(|r| r.password_hash),
        Err(e) => return internal(e),
    };
    if !state.secrets.verify_password(stored, &form.old).await {
        if let Err(e) = guess.failed(store, now).await {
            return internal(e);
        }
        return back_to_password("old_password_wrong", &next);
    }
    if let Err(e) = guess.succeeded(store).await {
        return internal(e);
    }
    let hash = match state.secrets.hash_password(&new).await {
        Ok(h) => h,
        Err(e) => {
            tracing::error!("password hash failed: {e}");
            return back_to_password("internal", &next);
        }
    };
    let audit = domain::AuditEntry {
        at_ms: now,
        actor_id: Some(who.volunteer_id),
        action: "change_password".into(),
        entity: "volunteer".into(),
        entity_id: Some(who.volunteer_id.0),
        area_id: Some(person.home_area_id),
        before: None,
        after: None,
    };
    match store
        .change_password(
            who.volunteer_id,
            &hash,
            &session::token_hash(&token),
            now,
            &audit,
        )
        .await
    {
        Ok(ended) => {
            tracing::info!(volunteer = who.volunteer_id.0, ended, "password changed");
            redirect(&with_query(&next, "password_changed=1"), None)
        }
        Err(e) => internal(e),
    }
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
    let mut res = redirect("/login?bye=1", Some(policy.clear_cookie()));
    // The HTTP cache only: "storage" would also delete the outbox's IndexedDB, and events
    // waiting there for their maker must survive a logout. The service worker drops its own
    // page cache when it sees this answer.
    res.headers_mut().insert(
        header::HeaderName::from_static("clear-site-data"),
        HeaderValue::from_static("\"cache\""),
    );
    res
}

fn back_to_password(error: &str, next: &str) -> Response {
    redirect(
        &format!("/password?error={error}&next={}", encode(next)),
        None,
    )
}

/// `path` with one more query parameter.
fn with_query(path: &str, param: &str) -> String {
    if path.contains('?') {
        format!("{path}&{param}")
    } else {
        format!("{path}?{param}")
    }
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
