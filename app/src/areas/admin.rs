//! An association admin corrects an area's resident population (with the date it was counted)
//! and, for a district, its own target rate. Every change is in the audit log.

use crate::i18n::use_texts;
use crate::AppError;
use leptos::prelude::*;

/// What [`update_area`] takes, as one value: the fields are the form's names.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct UpdateAreaInput {
    pub id: i64,
    pub population: String,
    pub counted_on: String,
    pub rate: String,
}

/// Updates the figures of area `id` from the form's text fields.
#[server(endpoint = "areas/update")]
pub async fn update_area(input: UpdateAreaInput) -> Result<(), AppError> {
    let UpdateAreaInput {
        id,
        population,
        counted_on,
        rate,
    } = input;
    crate::error::answer(async move {
        use domain::{
            parse_counted_on, Action, AreaId, AreaKind, AuditEntry, Population, TargetRate,
        };
        let state = crate::AppState::current()?;
        let store = state.storage.as_ref();
        crate::auth::require_login()?;
        let id = AreaId(id);
        let path = store.area_path(id).await.map_err(AppError::from)?;
        if path.0.is_empty() {
            return Err(AppError::NotFound);
        }
        let who = crate::auth::require_seen(Action::ViewAreaFigures, Action::ManageAreas, &path)?;
        let area = store
            .area(id)
            .await
            .map_err(AppError::from)?
            .ok_or(AppError::NotFound)?;
        let population = Population::parse(&population)?;
        let today = chrono::Utc::now().date_naive();
        let counted_on = parse_counted_on(&counted_on, today)?;
        // Only a district carries its own rate; below it the district's applies.
        let rate = match (area.kind, rate.trim()) {
            (AreaKind::District, "") | (AreaKind::Street | AreaKind::Community, _) => None,
            (AreaKind::District, text) => Some(TargetRate::parse_percent(text)?),
        };
        let now = chrono::Utc::now().timestamp_millis();
        let snapshot =
            |population: u32, counted: Option<chrono::NaiveDate>, rate: Option<TargetRate>| {
                serde_json::json!({
                    "population": population,
                    "counted_on": counted.map(|d| d.to_string()),
                    "target_rate_bp": rate.map(TargetRate::basis_points),
                })
                .to_string()
            };
        let audit = AuditEntry {
            at_ms: now,
            actor_id: Some(who.volunteer_id),
            action: "update_figures".into(),
            entity: "area".into(),
            entity_id: Some(id.0),
            area_id: Some(id),
            before: Some(snapshot(
                area.population,
                area.population_counted_on,
                area.target_rate,
            )),
            after: Some(snapshot(population.get(), counted_on, rate)),
        };
        store
            .update_area_figures(id, population, counted_on, rate, &audit)
            .await
            .map_err(AppError::from)
    })
    .await
}

/// The edit form, shown on the area page to those who may change it.
#[component]
pub fn EditFigures(
    id: i64,
    population: u32,
    counted_on: Option<String>,
    rate: Option<String>,
    is_district: bool,
    saved: RwSignal<u32>,
) -> impl IntoView {
    let t = use_texts();
    let save = ServerAction::<UpdateArea>::new();
    let error = move || {
        save.value().with(|v| match v {
            Some(Err(AppError::Invalid(e))) => {
                Some((e.field.to_string(), t.message(e.key).to_owned()))
            }
            Some(Err(e)) => Some((String::new(), e.user_message(t))),
            _ => None,
        })
    };
    Effect::new(move |_| {
        if let Some(Ok(())) = save.value().get() {
            saved.update(|n| *n += 1);
        }
    });
    let field_error = move |field: &'static str| {
        move || {
            error().filter(|(f, _)| f == field).map(|(_, m)| {
                view! {
                    <span class="field-error" role="alert">
                        {m}
                    </span>
                }
            })
        }
    };
    view! {
        <details class="card edit-figures">
            <summary>{t.edit_figures}</summary>
            <ActionForm action=save attr:class="stack">
                <input type="hidden" name="input[id]" value=id.to_string() />
                <label class="field">
                    <span>{t.population_label}</span>
                    <input
                        name="input[population]"
                        inputmode="numeric"
                        value=population.to_string()
                        maxlength="10"
                    />
                    {field_error("population")}
                </label>
                <label class="field">
                    <span>{t.counted_on_label}</span>
                    <input
                        name="input[counted_on]"
                        value=counted_on.unwrap_or_default()
                        maxlength="10"
                    />
                    {field_error("counted_on")}
                </label>
                {if is_district {
                    view! {
                        <label class="field">
                            <span>{t.rate_label}</span>
                            <input
                                name="input[rate]"
                                inputmode="decimal"
                                value=rate.unwrap_or_default()
                                maxlength="6"
                            />
                            {field_error("rate")}
                        </label>
                    }
                        .into_any()
                } else {
                    view! { <input type="hidden" name="input[rate]" value="" /> }.into_any()
                }}
                {move || {
                    error()
                        .filter(|(f, _)| f.is_empty())
                        .map(|(_, m)| {
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
                    disabled=move || save.pending().get()
                >
                    {t.save}
                </button>
                <Show when=move || matches!(save.value().get(), Some(Ok(())))>
                    <p class="hint" role="status">
                        {t.saved}
                    </p>
                </Show>
            </ActionForm>
        </details>
    }
}

/// What [`create_area`] takes, as one value: the fields are the form's names.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CreateAreaInput {
    pub parent_id: i64,
    pub name: String,
    pub population: String,
    pub counted_on: String,
}

/// Adds a street under a district or a community under a street.
#[server(endpoint = "areas/create")]
pub async fn create_area(input: CreateAreaInput) -> Result<i64, AppError> {
    let CreateAreaInput {
        parent_id,
        name,
        population,
        counted_on,
    } = input;
    crate::error::answer(async move {
        use domain::{
            parse_counted_on, Action, AreaId, AreaName, AuditEntry, FieldError, MessageKey,
            NewArea, Population,
        };
        let state = crate::AppState::current()?;
        let store = state.storage.as_ref();
        crate::auth::require_login()?;
        let parent = store
            .area(AreaId(parent_id))
            .await
            .map_err(AppError::from)?
            .ok_or(AppError::NotFound)?;
        let path = store.area_path(parent.id).await.map_err(AppError::from)?;
        let who = crate::auth::require_seen(Action::ViewAreaFigures, Action::ManageAreas, &path)?;
        let kind = parent.kind.child_kind().ok_or_else(|| {
            AppError::Invalid(FieldError::new("kind", MessageKey::AreaKindMismatch))
        })?;
        let name = AreaName::parse(&name)?;
        let population = Population::parse(&population)?;
        let counted_on = parse_counted_on(&counted_on, chrono::Utc::now().date_naive())?;
        let now = chrono::Utc::now().timestamp_millis();
        let audit = AuditEntry {
            at_ms: now,
            actor_id: Some(who.volunteer_id),
            action: "create_area".into(),
            entity: "area".into(),
            entity_id: None,
            area_id: None,
            before: None,
            after: Some(
                serde_json::json!({
                    "parent": parent.id.0,
                    "kind": kind.as_str(),
                    "name": name.as_str(),
                    "population": population.get(),
                })
                .to_string(),
            ),
        };
        let new = NewArea {
            parent_id: Some(parent.id),
            kind,
            name,
            population,
            population_counted_on: counted_on,
        };
        // A sibling with that name: `name` is taken (error.rs maps the constraint).
        Ok(store.create_area(&new, &audit).await?.0)
    })
    .await
}

/// The "add a street / community" form on an area page.
#[component]
pub fn NewChildArea(parent_id: i64, saved: RwSignal<u32>) -> impl IntoView {
    let t = use_texts();
    let create = ServerAction::<CreateArea>::new();
    Effect::new(move |_| {
        if let Some(Ok(_)) = create.value().get() {
            saved.update(|n| *n += 1);
        }
    });
    let error = move |field: &'static str| {
        move || {
            create.value().with(|v| match v {
                Some(Err(AppError::Invalid(e))) if e.field == field => Some(view! {
                    <span class="field-error" role="alert">
                        {t.message(e.key)}
                    </span>
                }),
                _ => None,
            })
        }
    };
    let other = move || {
        create.value().with(|v| match v {
            Some(Err(AppError::Invalid(_))) | None | Some(Ok(_)) => None,
            Some(Err(e)) => Some(view! {
                <p class="form-error" role="alert">
                    {e.user_message(t)}
                </p>
            }),
        })
    };
    view! {
        <details class="card edit-figures" data-testid="new-area">
            <summary>{t.add_child_area}</summary>
            <ActionForm action=create attr:class="stack">
                <input type="hidden" name="input[parent_id]" value=parent_id.to_string() />
                <label class="field">
                    <span>{t.area_name_label}</span>
                    <input name="input[name]" maxlength="64" />
                    {error("name")}
                    {error("kind")}
                </label>
                <label class="field">
                    <span>{t.population_label}</span>
                    <input name="input[population]" inputmode="numeric" maxlength="10" />
                    {error("population")}
                </label>
                <label class="field">
                    <span>{t.counted_on_label}</span>
                    <input name="input[counted_on]" maxlength="10" />
                    {error("counted_on")}
                </label>
                {other}
                <button
                    type="submit"
                    class="button primary block"
                    disabled=move || create.pending().get()
                >
                    {t.create}
                </button>
            </ActionForm>
        </details>
    }
}
