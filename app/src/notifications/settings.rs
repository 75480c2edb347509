//! On `我的`: push on this phone, and which kinds of notice go by push or SMS. The in-app centre
//! keeps every kind; urgent notices reach a person on every channel they have, whatever is
//! ticked here (a leader cannot miss an urgent incident).

use super::api::{settings, SettingsView};
use crate::i18n::use_texts;
use leptos::prelude::*;

#[component]
pub fn NotifySettingsCard() -> impl IntoView {
    let t = use_texts();
    let data = Resource::new(|| (), |_| settings());
    view! {
        <Suspense fallback=move || {
            view! { <p class="loading">{t.loading}</p> }
        }>
            {move || Suspend::new(async move {
                data.await.ok().map(|view| view! { <SettingsForm view /> })
            })}
        </Suspense>
    }
}

#[component]
fn SettingsForm(view: SettingsView) -> impl IntoView {
    let n = use_texts().notify;
    let query = leptos_router::hooks::use_query_map();
    let saved = move || query.with(|q| q.get("notify_saved").is_some());
    let any_sms = view.kinds.iter().any(|k| k.sms_offered);
    view! {
        <section class="card stack" id="notify" data-testid="notify-settings">
            <h2>{n.settings_title}</h2>
            <PushOptIn key=view.push_key />
            <p class="hint">{n.settings_intro}</p>
            <Show when=saved>
                <p class="alert ok" role="status" data-testid="notify-saved">
                    {n.saved}
                </p>
            </Show>
            <form method="post" action="/api/notifications/save-settings" class="stack">
                <table class="notify-table">
                    <thead>
                        <tr>
                            <th scope="col"></th>
                            <th scope="col">{n.channel_push}</th>
                            {any_sms.then(|| view! { <th scope="col">{n.channel_sms}</th> })}
                        </tr>
                    </thead>
                    <tbody>
                        {view
                            .kinds
                            .into_iter()
                            .map(|k| {
                                let push = format!("input[on][push-{}]", k.kind);
                                let sms = format!("input[on][sms-{}]", k.kind);
                                view! {
                                    <tr data-kind=k.kind.clone()>
                                        <th scope="row">{k.name.clone()}</th>
                                        <td>
                                            <input
                                                type="checkbox"
                                                name=push
                                                checked=k.push
                                                aria-label=format!("{} · {}", k.name, n.channel_push)
                                            />
                                        </td>
                                        {any_sms
                                            .then(|| {
                                                view! {
                                                    <td>
                                                        {k
                                                            .sms_offered
                                                            .then(|| {
                                                                view! {
                                                                    <input
                                                                        type="checkbox"
                                                                        name=sms.clone()
                                                                        checked=k.sms
                                                                        aria-label=format!("{} · {}", k.name, n.channel_sms)
                                                                    />
                                                                }
                                                            })}
                                                    </td>
                                                }
                                            })}
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </tbody>
                </table>
                <button type="submit" class="button">
                    {use_texts().save}
                </button>
            </form>
        </section>
    }
}

/// The opt-in for this phone, run by `public/push.js` (the browser's push API is plain
/// JavaScript): it shows the state that applies by setting `data-state` on the box.
#[component]
fn PushOptIn(key: Option<String>) -> impl IntoView {
    let n = use_texts().notify;
    match key {
        None => view! { <p class="hint">{n.push_not_configured}</p> }.into_any(),
        Some(key) => view! {
            <div class="push-optin" data-push-key=key data-state="idle" data-testid="push-optin">
                <p class="hint">{n.push_explain}</p>
                <p class="push-state push-enabled">{n.push_enabled}</p>
                <p class="push-state push-unsupported">{n.push_unsupported}</p>
                <p class="push-state push-denied">{n.push_denied}</p>
                <p class="push-state push-failed">{n.push_failed}</p>
                <button type="button" class="button secondary push-on">
                    {n.push_on}
                </button>
                <button type="button" class="button secondary push-off">
                    {n.push_off}
                </button>
            </div>
        }
        .into_any(),
    }
}
