//! `POST /lang`: the language switch. A plain form post, so it works without JavaScript;
//! the choice is remembered in a cookie for a year.

use app::i18n::{Lang, LANG_COOKIE};
use axum::{
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    Form,
};
use serde::Deserialize;

/// No state of its own: it only sets a cookie.
pub fn router<S: Clone + Send + Sync + 'static>() -> super::Listed<S> {
    super::Listed::new().route("POST", "/lang", axum::routing::post(set_lang))
}

#[derive(Deserialize)]
pub struct LangForm {
    lang: String,
    #[serde(default)]
    next: String,
}

pub async fn set_lang(Form(form): Form<LangForm>) -> Response {
    let Some(lang) = Lang::from_code(&form.lang) else {
        return (
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown language / 未知语言",
        )
            .into_response();
    };
    let cookie = format!(
        "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax",
        lang.code()
    );
    let location = safe_next(&form.next);
    let mut res = StatusCode::SEE_OTHER.into_response();
    let headers = res.headers_mut();
    if let (Ok(c), Ok(l)) = (
        HeaderValue::from_str(&cookie),
        HeaderValue::from_str(location),
    ) {
        headers.insert(header::SET_COOKIE, c);
        headers.insert(header::LOCATION, l);
    }
    res
}

/// Only a path on this site: `//evil.example` or `https://…` would make an open redirect.
pub fn safe_next(next: &str) -> &str {
    let local = next.starts_with('/') && !next.starts_with("//") && !next.starts_with("/\\");
    if local && !next.chars().any(char::is_control) {
        next
    } else {
        "/"
    }
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn redirects_stay_on_this_site() {
        assert_eq!(safe_next("/me?x=1"), "/me?x=1");
        assert_eq!(safe_next("//evil.example/"), "/");
        assert_eq!(safe_next("https://evil.example/"), "/");
        assert_eq!(safe_next("/\\evil.example"), "/");
        assert_eq!(safe_next(""), "/");
    }
}
