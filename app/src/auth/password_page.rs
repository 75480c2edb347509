//! `/password`: a person changes their own password in a plain form posted to
//! `/auth/password` (so it works before the wasm arrives). After an admin's reset this is the
//! only page the session opens until a new password is chosen. Failures come back as
//! `?error=<key>`, never with what was typed.

use crate::i18n::{use_texts, Texts};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

fn error_text(t: &Texts, key: &str) -> Option<&'static str> {
    Some(match key {
        "password_required" => t.messages.required,
        "password_too_short" => t.messages.password_too_short,
        "password_too_long" => t.messages.too_long,
        "password_is_phone" => t.password_is_phone,
        "password_unchanged" => t.password_unchanged,
        "old_password_wrong" => t.old_password_wrong,
        "rate_limited" => t.password_rate_limited,
        "internal" => t.error_internal,
        _ => return None,
    })
}

#[component]
pub fn PasswordPage() -> impl IntoView {
    let t = use_texts();
    let query = use_query_map();
    let error = move || query.with(|q| q.get("error").and_then(|k| error_text(t, &k)));
    let temporary = move || query.with(|q| q.get("temporary").is_some());
    let next = move || query.with(|q| q.get("next").unwrap_or_else(|| "/me".to_owned()));
    view! {
        <Title text=t.password_title />
        <section class="card login">
            <h1>{t.password_title}</h1>
            <Show when=temporary>
                <p class="alert warn" role="status" data-testid="password-temporary">
                    {t.password_temporary_notice}
                </p>
            </Show>
            {move || {
                error()
                    .map(|e| {
                        view! {
                            <p class="form-error" role="alert" data-testid="password-error">
                                {e}
                            </p>
                        }
                    })
            }}
            <form method="post" action="/auth/password" class="stack">
                <input type="hidden" name="next" value=next />
                <label class="field">
                    <span>{t.old_password_label}</span>
                    <input
                        name="old"
                        type="password"
                        autocomplete="current-password"
                        required
                        maxlength="128"
                    />
                </label>
                <label class="field">
                    <span>{t.new_password_label}</span>
                    <input
                        name="new"
                        type="password"
                        autocomplete="new-password"
                        required
                        minlength="8"
                        maxlength="128"
                    />
                </label>
                <button type="submit" class="button primary block">
                    {t.password_submit}
                </button>
            </form>
        </section>
    }
}
