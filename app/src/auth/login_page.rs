//! `/login`: mobile number and password in a plain form posted to `/auth/login`, so it works
//! before (or without) the wasm. The server answers a failure by redirecting back here with
//! `?error=<key>`, never with what was typed.

use crate::i18n::{use_texts, Texts};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

fn error_text(t: &Texts, key: &str, wait: Option<String>) -> Option<String> {
    let text = match key {
        "login_failed" => t.messages.login_failed.to_owned(),
        "phone_invalid" => t.messages.phone_invalid.to_owned(),
        "phone_required" => t.login_phone_required.to_owned(),
        "account_inactive" => t.login_account_inactive.to_owned(),
        "account_rejected" => t.login_account_rejected.to_owned(),
        "account_suspended" => t.login_account_suspended.to_owned(),
        "account_retired" => t.login_account_retired.to_owned(),
        "rate_limited" => t
            .login_rate_limited
            .replace("{minutes}", wait.as_deref().unwrap_or("15")),
        "internal" => t.error_internal.to_owned(),
        _ => return None,
    };
    Some(text)
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let t = use_texts();
    let query = use_query_map();
    let error = move || {
        query.with(|q| {
            let key = q.get("error")?;
            error_text(t, &key, q.get("wait"))
        })
    };
    let bye = move || query.with(|q| q.get("bye").is_some());
    let next = move || query.with(|q| q.get("next").unwrap_or_else(|| "/".to_owned()));
    view! {
        <Title text=t.login_title />
        <section class="card login">
            <h1>{t.login_title}</h1>
            <Show when=bye>
                <p class="notice" role="status">
                    {t.logged_out}
                </p>
            </Show>
            {move || {
                error()
                    .map(|e| {
                        view! {
                            <p class="form-error" role="alert" data-testid="login-error">
                                {e}
                            </p>
                        }
                    })
            }}
            <form method="post" action="/auth/login" class="stack">
                <input type="hidden" name="next" value=next />
                <label class="field">
                    <span>{t.phone_label}</span>
                    <input
                        name="phone"
                        type="tel"
                        inputmode="numeric"
                        autocomplete="username"
                        required
                        maxlength="20"
                        placeholder="138 0000 0000"
                    />
                </label>
                <label class="field">
                    <span>{t.password_label}</span>
                    <input
                        name="password"
                        type="password"
                        autocomplete="current-password"
                        required
                        minlength="8"
                        maxlength="128"
                    />
                </label>
                <button type="submit" class="button primary block">
                    {t.login_submit}
                </button>
            </form>
            <p class="hint">{t.login_forgot}</p>
            <p>
                <a href="/apply">{t.apply_title}</a>
            </p>
        </section>
    }
}

/// Shown by a page that needs a login: why, and the way to the login that comes back here.
#[component]
pub fn LoginPrompt(next: &'static str) -> impl IntoView {
    let t = use_texts();
    let href = format!("/login?next={next}");
    view! {
        <section class="card">
            <p>{t.login_needed}</p>
            <a class="button primary block" href=href>
                {t.login_link}
            </a>
        </section>
    }
}
