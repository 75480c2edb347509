//! `/apply`: a resident applies to become a safety volunteer from their phone. Every field is
//! parsed by the `domain` type the server uses too, so the form flags a mistake at the field
//! before sending, and the server refuses exactly the same inputs.

use super::api::{apply, community_choices, validate, ApplyByForm, ApplyInput};
use super::code::{code_needed, send_code, SendCodeInput};
use crate::i18n::use_texts;
use crate::volunteers::skills::{skill_label, SKILLS};
use crate::AppError;
use domain::FieldError;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn ApplyPage() -> impl IntoView {
    let t = use_texts();
    let choices = Resource::new(|| (), |_| community_choices());

    let name = RwSignal::new(String::new());
    let phone = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let community = RwSignal::new(None::<i64>);
    let id_number = RwSignal::new(String::new());
    let skills = RwSignal::new(Vec::<String>::new());
    let consent = RwSignal::new(false);
    let code = RwSignal::new(String::new());
    let needed = Resource::new(|| (), |_| code_needed());
    let send = Action::new(|phone: &String| {
        send_code(SendCodeInput {
            phone: phone.clone(),
        })
    });
    let sending_code = send.pending();
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let submit = Action::new(|input: &ApplyInput| apply(input.clone()));
    // Without JavaScript the form is posted as it is; the page comes back with its answer.
    let posted = ServerAction::<ApplyByForm>::new();
    let form_url = <ApplyByForm as leptos::server_fn::ServerFn>::PATH;
    let applied =
        leptos_router::hooks::use_query_map().with_untracked(|q| q.get("applied").is_some());
    let pending = submit.pending();

    let input = move || ApplyInput {
        name: name.get(),
        phone: phone.get(),
        password: password.get(),
        community_id: community.get(),
        id_number: id_number.get(),
        skills: skills.get(),
        consent: consent.get(),
        code: code.get(),
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = input();
        match validate(&input) {
            Ok(_) => {
                errors.set(vec![]);
                submit.dispatch(input);
            }
            Err(found) => errors.set(found),
        }
    };
    // Server-side refusals land at their field like the browser's own checks.
    Effect::new(move |_| {
        if let Some(Err(AppError::Invalid(e))) = submit.value().get() {
            errors.set(vec![e]);
        }
    });
    Effect::new(move |_| match send.value().get() {
        Some(Err(AppError::Invalid(e))) => errors.set(vec![e]),
        Some(Ok(_)) => errors.update(|es| es.retain(|e| e.field != "phone")),
        _ => {}
    });
    // The text went (said as news), or it was refused for a reason that is no field's (too
    // many asks, the network): said as a problem, not in the colour of good news.
    let code_sent = move || {
        send.value().with(|v| match v {
            Some(Ok(masked)) => Some(Ok(t.code_sent.replace("{phone}", masked))),
            Some(Err(e)) if e.field_errors().is_empty() => Some(Err(e.user_message(t))),
            _ => None,
        })
    };
    let error_for = move |field: &'static str| {
        move || {
            errors
                .with(|es| {
                    es.iter()
                        .find(|e| e.field == field)
                        .map(|e| t.message(e.key).to_owned())
                })
                .or_else(crate::actions::field_problem(*posted, field, t))
        }
    };
    let field_error = move |field: &'static str| {
        let text = error_for(field);
        view! {
            {move || {
                text()
                    .map(|m| {
                        view! {
                            <span
                                class="field-error"
                                role="alert"
                                data-testid=format!("error-{field}")
                            >
                                {m}
                            </span>
                        }
                    })
            }}
        }
    };
    let done = move || applied || submit.value().with(|v| matches!(v, Some(Ok(_))));
    // A refusal that is not about one field (the network, too many tries), from either way in.
    fn not_a_field<T>(v: &Option<Result<T, AppError>>, t: &crate::i18n::Texts) -> Option<String> {
        match v {
            Some(Err(e)) if e.field_errors().is_empty() => Some(e.user_message(t)),
            _ => None,
        }
    }
    let other_error = move || {
        submit
            .value()
            .with(|v| not_a_field(v, t))
            .or_else(|| posted.value().with(|v| not_a_field(v, t)))
    };

    view! {
        <Title text=t.apply_title />
        <h1>{t.apply_title}</h1>
        <Show
            when=done
            fallback=move || {
                view! {
                    <form
                        class="stack card"
                        method="post"
                        action=form_url
                        on:submit=on_submit
                        novalidate
                        data-testid="apply-form"
                    >
                        <p class="lead">{t.apply_intro}</p>
                        <label class="field">
                            <span>{t.name_label}</span>
                            <input
                                name="input[name]"
                                autocomplete="name"
                                maxlength="32"
                                prop:value=name
                                on:input=move |ev| name.set(event_target_value(&ev))
                            />
                            {field_error("name")}
                        </label>
                        <label class="field">
                            <span>{t.phone_label}</span>
                            <input
                                name="input[phone]"
                                type="tel"
                                inputmode="numeric"
                                autocomplete="tel"
                                maxlength="20"
                                prop:value=phone
                                on:input=move |ev| phone.set(event_target_value(&ev))
                            />
                            {field_error("phone")}
                        </label>
                        <Suspense fallback=|| ()>
                            {move || Suspend::new(async move {
                                (needed.await == Ok(true))
                                    .then(|| {
                                        view! {
                                            <div class="field code-field" data-testid="code-field">
                                                <label for="apply-code">{t.code_label}</label>
                                                <div class="code-row">
                                                    <input
                                                        id="apply-code"
                                                        name="input[code]"
                                                        inputmode="numeric"
                                                        autocomplete="one-time-code"
                                                        maxlength="6"
                                                        prop:value=code
                                                        on:input=move |ev| code.set(event_target_value(&ev))
                                                    />
                                                    <button
                                                        type="button"
                                                        class="button secondary"
                                                        data-testid="get-code"
                                                        disabled=move || sending_code.get()
                                                        on:click=move |_| {
                                                            send.dispatch(phone.get_untracked());
                                                        }
                                                    >
                                                        {t.get_code}
                                                    </button>
                                                </div>
                                                <span class="hint">{t.code_hint}</span>
                                                {move || {
                                                    code_sent()
                                                        .map(|said| match said {
                                                            Ok(m) => {
                                                                view! {
                                                                    <span class="hint ok" role="status" data-testid="code-sent">
                                                                        {m}
                                                                    </span>
                                                                }
                                                                    .into_any()
                                                            }
                                                            Err(m) => {
                                                                view! {
                                                                    <span
                                                                        class="field-error"
                                                                        role="alert"
                                                                        data-testid="code-refused"
                                                                    >
                                                                        {m}
                                                                    </span>
                                                                }
                                                                    .into_any()
                                                            }
                                                        })
                                                }}
                                                {field_error("code")}
                                            </div>
                                        }
                                    })
                            })}
                        </Suspense>
                        <label class="field">
                            <span>{t.password_label}</span>
                            <input
                                name="input[password]"
                                type="password"
                                autocomplete="new-password"
                                maxlength="128"
                                prop:value=password
                                on:input=move |ev| password.set(event_target_value(&ev))
                            />
                            <span class="hint">{t.password_hint}</span>
                            {field_error("password")}
                        </label>
                        <label class="field">
                            <span>{t.home_community}</span>
                            <select
                                name="input[community_id]"
                                on:change=move |ev| {
                                    community.set(event_target_value(&ev).parse().ok())
                                }
                            >
                                <option value="">{t.choose_community}</option>
                                <Suspense fallback=|| ()>
                                    {move || Suspend::new(async move {
                                        choices
                                            .await
                                            .unwrap_or_default()
                                            .into_iter()
                                            .map(|c| {
                                                view! {
                                                    <optgroup label=c
                                                        .street>
                                                        {c
                                                            .communities
                                                            .into_iter()
                                                            .map(|(id, name)| {
                                                                view! { <option value=id.to_string()>{name}</option> }
                                                            })
                                                            .collect_view()}
                                                    </optgroup>
                                                }
                                            })
                                            .collect_view()
                                    })}
                                </Suspense>
                            </select>
                            {field_error("community_id")}
                        </label>
                        <label class="field">
                            <span>{t.id_number_label}</span>
                            <input
                                name="input[id_number]"
                                autocomplete="off"
                                maxlength="18"
                                prop:value=id_number
                                on:input=move |ev| id_number.set(event_target_value(&ev))
                            />
                            <span class="hint">{t.id_number_hint}</span>
                            {field_error("id_number")}
                        </label>
                        <fieldset class="field skills">
                            <legend>{t.skills_label}</legend>
                            {SKILLS
                                .iter()
                                .map(|code| {
                                    let code = *code;
                                    view! {
                                        <label class="check">
                                            <input
                                                type="checkbox"
                                                name=format!("input[skills][{code}]")
                                                on:change=move |ev| {
                                                    let on = event_target_checked(&ev);
                                                    skills
                                                        .update(|s| {
                                                            s.retain(|c| c != code);
                                                            if on {
                                                                s.push(code.to_owned());
                                                            }
                                                        });
                                                }
                                            />
                                            {skill_label(t, code)}
                                        </label>
                                    }
                                })
                                .collect_view()}
                        </fieldset>
                        <div class="consent">
                            <h2>{t.consent_title}</h2>
                            <p>{t.consent_text}</p>
                            <label class="check">
                                <input
                                    type="checkbox"
                                    name="input[consent]"
                                    on:change=move |ev| consent.set(event_target_checked(&ev))
                                />
                                {t.consent_agree}
                            </label>
                            {field_error("consent")}
                        </div>
                        {move || {
                            other_error()
                                .map(|m| {
                                    view! {
                                        <p class="form-error" role="alert">
                                            {m}
                                        </p>
                                    }
                                })
                        }}
                        <button
                            type="submit"
                            class="button primary block"
                            data-testid="apply-submit"
                            disabled=move || pending.get()
                        >
                            {move || if pending.get() { t.sending } else { t.apply_submit }}
                        </button>
                    </form>
                }
            }
        >
            <section class="card notice" role="status" data-testid="apply-done">
                <h2>{t.apply_done_title}</h2>
                <p>{t.apply_done_body}</p>
                <a class="button primary block" href="/login">
                    {t.login_link}
                </a>
            </section>
        </Show>
    }
}
