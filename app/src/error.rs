//! The one error type that crosses from server to browser.
//!
//! Each variant maps to an HTTP status and to a translated message. Internal failures carry
//! only the request id to the user; their detail goes to the server log, never over the wire.

use crate::i18n::Texts;
use domain::FieldError;
use serde::{Deserialize, Serialize};
use server_fn_error::{FromServerFnError, JsonEncoding, ServerFnErrorErr};

mod server_fn_error {
    pub use leptos::server_fn::codec::JsonEncoding;
    pub use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// A field failed to parse; the form shows the message beside that field.
    #[error("invalid input: {0}")]
    Invalid(FieldError),
    /// Several fields failed at once: the form shows each beside its field.
    #[error("invalid input in {} fields", .0.len())]
    InvalidFields(Vec<FieldError>),
    /// No session, or it expired.
    #[error("not logged in")]
    Unauthenticated,
    /// Logged in, but not (or no longer) a registered volunteer: an application under review.
    #[error("not registered")]
    NotRegistered,
    /// Logged in, but the role or the area scope does not allow this.
    #[error("forbidden")]
    Forbidden,
    /// The thing asked for does not exist (or is outside the caller's scope and must not leak).
    #[error("not found")]
    NotFound,
    /// The data changed underneath the request.
    #[error("conflict")]
    Conflict,
    /// An event from the phone's outbox that another person made on this phone (a shared
    /// phone, a different login since): kept on the phone until its maker logs in again.
    #[error("made by another person")]
    MadeByAnother,
    /// Too many attempts in a short time (login, for instance).
    #[error("rate limited")]
    RateLimited,
    /// A state change whose `Origin`/`Sec-Fetch-Site` shows another site (CSRF).
    #[error("cross-site request refused")]
    CrossSite,
    /// The request never reached the server or its answer could not be read.
    #[error("transport: {0}")]
    Transport(String),
    /// Anything else. The detail is logged under `request_id`; the user sees only the id.
    #[error("internal error (request {request_id:?})")]
    Internal { request_id: Option<String> },
}

impl AppError {
    /// The HTTP status this error is answered with.
    pub fn status(&self) -> u16 {
        match self {
            AppError::Invalid(_) | AppError::InvalidFields(_) => 422,
            AppError::Unauthenticated => 401,
            AppError::Forbidden | AppError::CrossSite | AppError::NotRegistered => 403,
            AppError::NotFound => 404,
            AppError::Conflict | AppError::MadeByAnother => 409,
            AppError::RateLimited => 429,
            AppError::Transport(_) => 502,
            AppError::Internal { .. } => 500,
        }
    }

    /// The sentence shown to the user, in their language.
    pub fn user_message(&self, t: &Texts) -> String {
        match self {
            AppError::Invalid(e) => t.message(e.key).to_owned(),
            AppError::InvalidFields(all) => all
                .iter()
                .map(|e| t.message(e.key))
                .collect::<Vec<_>>()
                .join(" "),
            AppError::Unauthenticated => t.error_unauthenticated.to_owned(),
            AppError::Forbidden => t.error_forbidden.to_owned(),
            AppError::NotRegistered => t.error_not_registered.to_owned(),
            AppError::NotFound => t.error_not_found.to_owned(),
            AppError::Conflict => t.error_conflict.to_owned(),
            AppError::RateLimited => t.error_rate_limited.to_owned(),
            AppError::MadeByAnother => t.error_made_by_another.to_owned(),
            AppError::CrossSite => t.error_cross_site.to_owned(),
            AppError::Transport(_) => t.offline_banner.to_owned(),
            AppError::Internal { request_id } => match request_id {
                Some(id) => format!("{} {}: {id}", t.error_internal, t.request_id),
                None => t.error_internal.to_owned(),
            },
        }
    }
}

impl AppError {
    /// Every problem of a form, in the form's order: one is `Invalid`, more `InvalidFields`.
    pub fn fields(mut errors: Vec<FieldError>) -> Self {
        match errors.len() {
            0 => AppError::Conflict,
            1 => AppError::Invalid(errors.remove(0)),
            _ => AppError::InvalidFields(errors),
        }
    }

    /// The field problems this error carries (none unless it is about the input).
    pub fn field_errors(&self) -> &[FieldError] {
        match self {
            AppError::Invalid(e) => std::slice::from_ref(e),
            AppError::InvalidFields(all) => all,
            _ => &[],
        }
    }
}

impl From<FieldError> for AppError {
    fn from(e: FieldError) -> Self {
        AppError::Invalid(e)
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Request(e) | ServerFnErrorErr::Response(e) => AppError::Transport(e),
            ServerFnErrorErr::Deserialization(e) | ServerFnErrorErr::Args(e) => {
                AppError::Transport(e)
            }
            _ => AppError::Internal { request_id: None },
        }
    }
}

#[cfg(feature = "ssr")]
mod ssr {
    use super::AppError;
    use crate::i18n::Lang;
    use axum::response::{IntoResponse, Response};
    use domain::StorageError;

    /// The request id of the request being served, as set by the server's request-id layer.
    pub fn current_request_id() -> Option<String> {
        let parts = leptos::prelude::use_context::<http::request::Parts>()?;
        parts
            .headers
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    }

    impl AppError {
        /// Logs an unexpected failure with its context and returns the opaque error the user
        /// sees. Only this function turns internal detail into an error; it never crosses.
        pub fn internal(context: &str, detail: impl std::fmt::Display) -> Self {
            let request_id = current_request_id();
            tracing::error!(request_id = ?request_id, "{context}: {detail}");
            AppError::Internal { request_id }
        }

        /// Sets the HTTP status of the server function's response to match the error.
        pub fn with_status(self) -> Self {
            if let Some(res) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
                res.set_status(
                    http::StatusCode::from_u16(self.status())
                        .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR),
                );
            }
            self
        }

        /// A plain-text response for the axum routes outside Leptos (forms, health, CSRF guard).
        pub fn into_response_in(self, lang: Lang) -> Response {
            let status = http::StatusCode::from_u16(self.status())
                .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
            (status, self.user_message(lang.texts())).into_response()
        }
    }

    /// The form field each named constraint guards and what to tell the person who broke it:
    /// the one place where a database refusal becomes a form's message. A constraint not named
    /// here is a conflict.
    const CONSTRAINT_FIELDS: &[(&str, &str, domain::MessageKey)] = &[
        (
            "areas_parent_name_key",
            "name",
            domain::MessageKey::NameTaken,
        ),
        // SQLite's key for root areas (see migrations/sqlite/0001_areas.sql).
        ("areas_root_name_key", "name", domain::MessageKey::NameTaken),
        ("teams_area_name_key", "name", domain::MessageKey::NameTaken),
        (
            "duty_periods_area_name_key",
            "name",
            domain::MessageKey::NameTaken,
        ),
        (
            "volunteers_phone_key",
            "phone",
            domain::MessageKey::PhoneTaken,
        ),
        // Another person's report key: the reply must not reveal that report.
        (
            "incidents_client_key_key",
            "client_key",
            domain::MessageKey::Required,
        ),
    ];

    /// The field error a broken constraint stands for, if it guards a field.
    pub fn on_constraint(name: &str) -> Option<domain::FieldError> {
        CONSTRAINT_FIELDS
            .iter()
            .find(|(constraint, _, _)| *constraint == name)
            .map(|(_, field, key)| domain::FieldError::new(field, *key))
    }

    impl From<StorageError> for AppError {
        fn from(e: StorageError) -> Self {
            match e {
                StorageError::Constraint(name) => match on_constraint(name) {
                    Some(field) => AppError::Invalid(field),
                    None => AppError::Conflict,
                },
                StorageError::ChangedMeanwhile => AppError::Conflict,
                StorageError::MissingReference => AppError::NotFound,
                StorageError::Backend(detail) => AppError::internal("storage", detail),
            }
        }
    }
}

#[cfg(feature = "ssr")]
pub use ssr::{current_request_id, on_constraint};

/// Runs a server function's body and, on failure, answers with the error's HTTP status
/// (401, 403, 404, 422…) instead of a blanket 500. Every `#[server]` body goes through here.
///
/// Only when the function was called over HTTP: called in-process while a page renders, the
/// error is the page's to show (an anonymous home page is still a 200 with a login link).
#[cfg(feature = "ssr")]
pub async fn answer<T>(
    body: impl std::future::Future<Output = Result<T, AppError>>,
) -> Result<T, AppError> {
    let parts = leptos::prelude::use_context::<http::request::Parts>();
    let called_over_http = parts
        .as_ref()
        .is_some_and(|parts| parts.uri.path().starts_with(SERVER_FN_PREFIX));
    // A plain form (JavaScript off) is sent back to its page with the error in the address,
    // where the page's action shows it: an error status would stop the browser there instead.
    let from_plain_form = parts.as_ref().is_some_and(accepts_html);
    let result = body.await;
    match result {
        Err(e) if called_over_http && !from_plain_form => Err(e.with_status()),
        other => other,
    }
}

/// A browser's own form post (it asks for HTML), not the app's server-function client.
#[cfg(feature = "ssr")]
fn accepts_html(parts: &http::request::Parts) -> bool {
    parts
        .headers
        .get(http::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"))
}

/// Where Leptos mounts server functions (`#[server(endpoint = "me")]` → `/api/me`).
#[cfg(feature = "ssr")]
const SERVER_FN_PREFIX: &str = "/api/";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{EN, ZH};
    use domain::MessageKey;

    #[test]
    fn validation_errors_are_translated_from_their_key() {
        let e = AppError::from(FieldError::new("phone", MessageKey::PhoneInvalid));
        assert_eq!(e.status(), 422);
        assert!(e.user_message(&ZH).contains("手机号码"));
        assert!(e.user_message(&EN).contains("mobile number"));
    }

    #[test]
    fn internal_errors_show_only_the_request_id() {
        let e = AppError::Internal {
            request_id: Some("req-42".into()),
        };
        assert_eq!(e.status(), 500);
        let msg = e.user_message(&ZH);
        assert!(msg.contains("req-42") && msg.contains("服务器出错"));
    }
}
