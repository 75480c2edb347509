//! Sessions: a random token in an HttpOnly cookie, only its SHA-256 stored in the database,
//! with an idle and an absolute timeout. `resolve_session` runs before every request and puts
//! the logged-in person (or nobody) into the request's extensions as `app::auth::CurrentUser`.

use super::now_ms;
use app::auth::CurrentUser;
use app::AppState;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use domain::{Principal, SessionRecord, Storage, StorageError, VolunteerId};
use rand::RngCore;
use sha2::{Digest, Sha256};

/// How long sessions live. Volunteers log in on their own phones and patrol for hours, so the
/// idle timeout is generous; the absolute one forces a fresh login monthly.
#[derive(Debug, Clone, Copy)]
pub struct SessionPolicy {
    pub idle_ms: i64,
    /// The idle timeout of anyone holding an admin role (association or system): they work at
    /// a desk, and a session left open on a shared office computer reaches the whole district.
    pub admin_idle_ms: i64,
    pub absolute_ms: i64,
    /// `Secure` + the `__Host-` prefix: set when served over HTTPS.
    pub secure: bool,
}

impl SessionPolicy {
    pub fn new(secure: bool) -> Self {
        Self {
            idle_ms: 7 * 24 * 3600 * 1000,
            admin_idle_ms: 30 * 60 * 1000,
            absolute_ms: 30 * 24 * 3600 * 1000,
            secure,
        }
    }

    pub fn cookie_name(&self) -> &'static str {
        if self.secure {
            "__Host-pingan_session"
        } else {
            "pingan_session"
        }
    }

    /// The `Set-Cookie` value for a new session token.
    pub fn set_cookie(&self, token: &str) -> String {
        format!(
            "{}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{}",
            self.cookie_name(),
            self.absolute_ms / 1000,
            if self.secure { "; Secure" } else { "" }
        )
    }

    /// The `Set-Cookie` value that removes the session cookie.
    pub fn clear_cookie(&self) -> String {
        format!(
            "{}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{}",
            self.cookie_name(),
            if self.secure { "; Secure" } else { "" }
        )
    }
}

/// A fresh token for the cookie, and the hash to store.
pub fn new_token() -> (String, String) {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    let hash = token_hash(&token);
    (token, hash)
}

pub fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Starts a session for `who` and returns the cookie token.
pub async fn start(
    store: &dyn Storage,
    policy: &SessionPolicy,
    who: VolunteerId,
) -> Result<String, StorageError> {
    let (token, hash) = new_token();
    let now = now_ms();
    store
        .insert_session(&SessionRecord {
            token_hash: hash,
            volunteer_id: who,
            created_at_ms: now,
            last_seen_at_ms: now,
            expires_at_ms: now + policy.absolute_ms,
        })
        .await?;
    Ok(token)
}

/// The session token from the request's cookies, if any.
pub fn token_from(headers: &HeaderMap, policy: &SessionPolicy) -> Option<String> {
    let name = policy.cookie_name();
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
        .filter(|v| !v.is_empty())
}

/// Activity is written at most this often, so reading pages does not write on every request.
const TOUCH_EVERY_MS: i64 = 60_000;

/// Looks up the session; returns the person when it is valid and their account is usable.
pub async fn principal_for(
    store: &dyn Storage,
    policy: &SessionPolicy,
    token: &str,
) -> Result<Option<Principal>, StorageError> {
    let hash = token_hash(token);
    let Some(session) = store.session(&hash).await? else {
        return Ok(None);
    };
    let now = now_ms();
    let idle = now - session.last_seen_at_ms;
    if now >= session.expires_at_ms || idle > policy.idle_ms {
        store.delete_session(&hash).await?;
        return Ok(None);
    }
    let Some(who) = principal_of(store, session.volunteer_id).await? else {
        return Ok(None);
    };
    if idle > policy.admin_idle_ms && who.highest_role() >= domain::Role::AssociationAdmin {
        store.delete_session(&hash).await?;
        return Ok(None);
    }
    if idle > TOUCH_EVERY_MS {
        store.touch_session(&hash, now).await?;
    }
    Ok(Some(who))
}

/// Everything a request needs to know about a person to decide what they may do.
pub async fn principal_of(
    store: &dyn Storage,
    id: VolunteerId,
) -> Result<Option<Principal>, StorageError> {
    let Some(v) = store.volunteer(id).await? else {
        return Ok(None);
    };
    let home = store.area_path(v.home_area_id).await?;
    let grants = store.grants(id).await?;
    Ok(Some(Principal {
        volunteer_id: v.id,
        name: v.name,
        status: v.status,
        home,
        grants,
        password_temporary: v.password_temporary,
    }))
}

/// Middleware: attaches `CurrentUser` to every request. A storage failure is logged and the
/// request continues as nobody, so a database hiccup shows a login page rather than a 500.
pub async fn resolve_session(
    State((state, policy)): State<(AppState, SessionPolicy)>,
    mut req: Request,
    next: Next,
) -> Response {
    let mut clear = false;
    let mut who = match token_from(req.headers(), &policy) {
        None => None,
        Some(token) => match principal_for(state.storage.as_ref(), &policy, &token).await {
            Ok(Some(p)) => Some(p),
            Ok(None) => {
                clear = true;
                None
            }
            Err(e) => {
                tracing::error!("session lookup failed: {e}");
                None
            }
        },
    };
    // A temporary password opens nothing but the form that replaces it: to every page and
    // server function the person is not logged in, and a page they open leads to that form.
    if who.as_ref().is_some_and(|p| p.password_temporary) {
        who = None;
        if wants_page(&req) && req.uri().path() != "/password" {
            let mut res = axum::http::StatusCode::SEE_OTHER.into_response();
            res.headers_mut().insert(
                header::LOCATION,
                HeaderValue::from_static("/password?temporary=1"),
            );
            res.headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            return res;
        }
    }
    let reader = who
        .as_ref()
        .map(|p| p.volunteer_id)
        .filter(|_| wants_page(&req));
    req.extensions_mut().insert(CurrentUser(who));
    let mut res = next.run(req).await;
    // Names the reader of a page to the phone's service worker, which keeps offline pages per
    // reader (an opaque MAC, not the person's id). Pages only: the check-in path and the
    // server functions carry no such header and compute no MAC.
    if let Some(id) = reader {
        if let Ok(v) = HeaderValue::from_str(&app::pwa::viewer_tag(state.secrets.as_ref(), id)) {
            res.headers_mut()
                .insert(header::HeaderName::from_static("x-pingan-viewer"), v);
        }
    }
    if clear && !res.headers().contains_key(header::SET_COOKIE) {
        if let Ok(v) = HeaderValue::from_str(&policy.clear_cookie()) {
            res.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    res
}

/// A browser navigating to a page (not a script, style, image or server-function call).
fn wants_page(req: &Request) -> bool {
    req.method() == axum::http::Method::GET
        && req
            .headers()
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|a| a.contains("text/html"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_host_prefixed_and_secure_over_https_only() {
        let https = SessionPolicy::new(true);
        let c = https.set_cookie("abc");
        assert!(c.starts_with("__Host-pingan_session=abc; Path=/; HttpOnly; SameSite=Lax"));
        assert!(c.ends_with("; Secure"));
        assert!(
            !c.contains("Domain"),
            "__Host- cookies must not name a domain"
        );
        let http = SessionPolicy::new(false);
        assert!(http.set_cookie("abc").starts_with("pingan_session=abc;"));
        assert!(!http.set_cookie("abc").contains("Secure"));
    }

    #[test]
    fn the_token_is_read_from_among_other_cookies() {
        let policy = SessionPolicy::new(false);
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("pingan_lang=en; pingan_session=tok123; x=1"),
        );
        assert_eq!(token_from(&h, &policy).as_deref(), Some("tok123"));
        assert_eq!(token_from(&h, &SessionPolicy::new(true)), None);
    }

    #[test]
    fn tokens_are_random_and_only_their_hash_is_kept() {
        let (a, ha) = new_token();
        let (b, _) = new_token();
        assert_ne!(a, b);
        assert_eq!(a.len(), 43, "32 bytes, base64url");
        assert_eq!(ha, token_hash(&a));
        assert_ne!(ha, a);
    }
}
