//! `/apply`: a resident applies to become a safety volunteer from their phone. Every field is
//! parsed by the `domain` type the server uses too, so the form flags a mistake at the field
//! before sending, and the server refuses exactly the same inputs.

use super::skills::{skill_label, SKILLS};
use crate::i18n::use_texts;
use crate::AppError;
use domain::{FieldError, IdNumber, MessageKey, Password, PersonName, PhoneNumber};
use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

/// The version of the location-use statement an applicant agrees to (PIPL art. 14, 29).
pub const CONSENT_VERSION: &str = "2026-1";

/// What the form sends, as typed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ApplyInput {
    pub name: String,
    pub phone: String,
    pub password: String,
    pub community_id: Option<i64>,
    pub id_number: String,
    pub skills: Vec<String>,
    pub consent: bool,
}

/// An application whose every field parsed.
pub struct ValidApplication {
    pub name: PersonName,
    pub phone: PhoneNumber,
    pub password: Password,
    pub community_id: i64,
    pub id_number: Option<IdNumber>,
    pub skills: Vec<String>,
}

/// Checks every field and reports all problems at once, in form order.
pub fn validate(input: &ApplyInput) -> Result<ValidApplication, Vec<FieldError>> {
    let mut errors = Vec::new();
    let name = PersonName::parse(&input.name)
        .map_err(|e| errors.push(e))
        .ok();
    let phone = PhoneNumber::parse(&input.phone)
        .map_err(|e| errors.push(e))
        .ok();
    let password = Password::parse(&input.password)
        .map_err(|e| errors.push(e))
        .ok();
    if input.community_id.is_none() {
        errors.push(FieldError::new(
            "community_id",
            MessageKey::CommunityUnknown,
        ));
    }
    let id_number = if input.id_number.trim().is_empty() {
        None
    } else {
        IdNumber::parse(&input.id_number)
            .map_err(|e| errors.push(e))
            .ok()
    };
    if !input.consent {
        errors.push(FieldError::new("consent", MessageKey::ConsentRequired));
    }
    let skills: Vec<String> = SKILLS
        .iter()
        .filter(|s| input.skills.iter().any(|chosen| chosen == *s))
        .map(|s| (*s).to_owned())
        .collect();
    match (name, phone, password, input.community_id) {
        (Some(name), Some(phone), Some(password), Some(community_id)) if errors.is_empty() => {
            Ok(ValidApplication {
                name,
                phone,
                password,
                community_id,
                id_number,
                skills,
            })
        }
        _ => Err(errors),
    }
}

/// A street and its communities, for the home-community picker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommunityChoice {
    pub street: String,
    pub communities: Vec<(i64, String)>,
}

/// The area tree's communities. Public: anyone may apply, and area names are not personal.
#[server(endpoint = "volunteers/communities")]
pub async fn community_choices() -> Result<Vec<CommunityChoice>, AppError> {
    crate::error::answer(async move {
        let state = crate::AppState::current()?;
        let store = state.storage.as_ref();
        let mut out = Vec::new();
        for district in store.child_areas(None).await.map_err(AppError::from)? {
            for street in store
                .child_areas(Some(district.id))
                .await
                .map_err(AppError::from)?
            {
                let communities = store
                    .child_areas(Some(street.id))
                    .await
                    .map_err(AppError::from)?
                    .into_iter()
                    .map(|c| (c.id.0, c.name))
                    .collect();
                out.push(CommunityChoice {
                    street: street.name,
                    communities,
                });
            }
        }
        Ok(out)
    })
    .await
}

/// Stores the application (status "applied"); a coordinator of the community decides.
#[server(endpoint = "volunteers/apply", input = server_fn::codec::Json)]
pub async fn apply(input: ApplyInput) -> Result<String, AppError> {
    crate::error::answer(store_application(input, |mut errors| {
        AppError::Invalid(errors.remove(0))
    }))
    .await
}

/// The same application sent as a plain form (JavaScript off, or the page's code not yet
/// arrived): every problem comes back at once beside its field; once stored, the page says so.
#[server(endpoint = "volunteers/apply-form")]
pub async fn apply_by_form(
    name: String,
    phone: String,
    password: String,
    community_id: Option<String>,
    id_number: Option<String>,
    // Ticked boxes arrive as `skills[fire]=on`.
    skills: Option<std::collections::BTreeMap<String, String>>,
    consent: Option<String>,
) -> Result<(), AppError> {
    let input = ApplyInput {
        name,
        phone,
        password,
        community_id: community_id.and_then(|c| c.trim().parse().ok()),
        id_number: id_number.unwrap_or_default(),
        skills: skills.unwrap_or_default().into_keys().collect(),
        consent: consent.is_some(),
    };
    crate::error::answer(async move {
        store_application(input, AppError::fields).await?;
        leptos_axum::redirect(APPLIED_URL);
        Ok(())
    })
    .await
}

/// Where a plain-form application lands once stored.
#[cfg(feature = "ssr")]
const APPLIED_URL: &str = "/apply?applied=1";

#[cfg(feature = "ssr")]
async fn store_application(
    input: ApplyInput,
    refuse: impl FnOnce(Vec<FieldError>) -> AppError,
) -> Result<String, AppError> {
    use domain::{AreaId, AreaKind, AuditEntry, NewVolunteer, SealedIdNumber, StorageError};
    let state = crate::AppState::current()?;
    let store = state.storage.as_ref();
    let valid = validate(&input).map_err(refuse)?;
    let now = chrono::Utc::now().timestamp_millis();
    // Anyone may call this, and a password hash is costly: the cheap refusals come first,
    // then a limit per client, and the hash itself waits for one of the server's few
    // hashing slots (`Secrets::hash_password`).
    if store
        .volunteer_by_phone(&valid.phone)
        .await
        .map_err(AppError::from)?
        .is_some()
    {
        return Err(AppError::Invalid(FieldError::new(
            "phone",
            MessageKey::PhoneTaken,
        )));
    }
    let client = crate::auth::client_addr();
    crate::throttle::take(
        store,
        state.secrets.as_ref(),
        &[(crate::throttle::Limit::APPLY_CLIENT, &client)],
        now,
    )
    .await?;
    let community = store
        .area(AreaId(valid.community_id))
        .await
        .map_err(AppError::from)?
        .filter(|a| a.kind == AreaKind::Community)
        .ok_or_else(|| {
            AppError::Invalid(FieldError::new(
                "community_id",
                MessageKey::CommunityUnknown,
            ))
        })?;
    let password_hash = state
        .secrets
        .hash_password(&valid.password)
        .await
        .map_err(|e| AppError::internal("password hash", e))?;
    let id_number = valid.id_number.as_ref().map(|id| SealedIdNumber {
        sealed: state.secrets.seal(id.as_str()),
        masked: id.masked(),
    });
    let new = NewVolunteer {
        name: valid.name,
        phone: valid.phone,
        id_number,
        home_area_id: community.id,
        skills: valid.skills,
        location_consent_version: Some(CONSENT_VERSION.to_owned()),
        status: domain::VolunteerStatus::Applied,
        vest_no: None,
        password_hash: Some(password_hash),
        now_ms: now,
    };
    let id = match store.insert_volunteer(&new).await {
        Ok(id) => id,
        Err(StorageError::Constraint("volunteers_phone_key")) => {
            return Err(AppError::Invalid(FieldError::new(
                "phone",
                MessageKey::PhoneTaken,
            )))
        }
        Err(e) => return Err(e.into()),
    };
    store
        .append_audit(&AuditEntry {
            at_ms: now,
            actor_id: Some(id),
            action: "apply".into(),
            entity: "volunteer".into(),
            entity_id: Some(id.0),
            area_id: Some(community.id),
            before: None,
            after: Some(r#"{"status":"applied"}"#.into()),
        })
        .await
        .map_err(AppError::from)?;
    Ok(community.name)
}

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
                                name="name"
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
                                name="phone"
                                type="tel"
                                inputmode="numeric"
                                autocomplete="tel"
                                maxlength="20"
                                prop:value=phone
                                on:input=move |ev| phone.set(event_target_value(&ev))
                            />
                            {field_error("phone")}
                        </label>
                        <label class="field">
                            <span>{t.password_label}</span>
                            <input
                                name="password"
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
                                name="community_id"
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
                                name="id_number"
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
                                                name=format!("skills[{code}]")
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
                                    name="consent"
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

#[cfg(test)]
mod tests {
    use super::*;

    fn good() -> ApplyInput {
        ApplyInput {
            name: "张伟".into(),
            phone: "138 1234 5678".into(),
            password: "平安巡逻2026".into(),
            community_id: Some(3),
            id_number: String::new(),
            skills: vec!["fire".into(), "bogus".into()],
            consent: true,
        }
    }

    #[test]
    fn a_complete_application_parses_and_unknown_skills_are_dropped() {
        let v = validate(&good()).expect("valid");
        assert_eq!(v.phone.as_str(), "13812345678");
        assert_eq!(v.skills, vec!["fire".to_owned()]);
        assert!(v.id_number.is_none(), "the ID number is optional");
    }

    #[test]
    fn every_bad_field_is_reported_at_once_in_form_order() {
        let bad = ApplyInput {
            name: " ".into(),
            phone: "12345".into(),
            password: "short".into(),
            community_id: None,
            id_number: "110105194912310021".into(),
            skills: vec![],
            consent: false,
        };
        let errors = validate(&bad).err().expect("invalid");
        let got: Vec<(&str, MessageKey)> = errors.iter().map(|e| (&*e.field, e.key)).collect();
        assert_eq!(
            got,
            vec![
                ("name", MessageKey::Required),
                ("phone", MessageKey::PhoneInvalid),
                ("password", MessageKey::PasswordTooShort),
                ("community_id", MessageKey::CommunityUnknown),
                ("id_number", MessageKey::IdNumberChecksum),
                ("consent", MessageKey::ConsentRequired),
            ]
        );
    }
}
