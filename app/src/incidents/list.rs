//! `/incidents` (隐患事件): the incidents the reader may see, newest first, filtered by area,
//! category, status and dates, 20 to a page. The filters are a plain GET form, so the address
//! says what is shown and a link to a filtered list can be passed on.

use super::view::IncidentCard;
use crate::i18n::{use_lang, use_texts};
use crate::AppError;
use domain::incident::port::IncidentSummary;
use domain::incident::{Category, IncidentStatus};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

pub const PER_PAGE: u32 = 20;

/// The list's filters as the address carries them (`?status=referred&page=2`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ListFilters {
    pub area: Option<i64>,
    pub category: Option<String>,
    pub status: Option<String>,
    /// `2026-11-01`, China dates, both inclusive.
    pub from: Option<String>,
    pub until: Option<String>,
    pub page: u32,
}

impl ListFilters {
    fn from_query(q: &leptos_router::params::ParamsMap) -> Self {
        let text = |k: &str| q.get(k).filter(|v| !v.trim().is_empty());
        Self {
            area: text("area").and_then(|v| v.parse().ok()),
            category: text("category"),
            status: text("status"),
            from: text("from"),
            until: text("until"),
            page: text("page")
                .and_then(|v| v.parse().ok())
                .unwrap_or(1)
                .max(1),
        }
    }

    /// The address of page `page` of this list.
    fn href(&self, page: u32) -> String {
        let mut parts = Vec::new();
        if let Some(a) = self.area {
            parts.push(format!("area={a}"));
        }
        for (k, v) in [
            ("category", &self.category),
            ("status", &self.status),
            ("from", &self.from),
            ("until", &self.until),
        ] {
            if let Some(v) = v {
                parts.push(format!("{k}={}", url_escape(v)));
            }
        }
        parts.push(format!("page={page}"));
        format!("/incidents?{}", parts.join("&"))
    }
}

/// Percent-encodes a query value (categories are ASCII codes; dates are digits and dashes).
fn url_escape(v: &str) -> String {
    v.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            other => format!("%{other:02X}"),
        })
        .collect()
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ListData {
    pub items: Vec<IncidentSummary>,
    pub total: u32,
    /// The page shown: the one asked for, or the last one when it asked past the end.
    pub page: u32,
    pub categories: Vec<Category>,
    /// The areas a leader can narrow the list to (their scope and the areas below it).
    pub areas: Vec<(i64, String)>,
    pub can_triage: bool,
}

/// Parses the filters into a storage query; a bad date is refused with its field.
#[cfg(feature = "ssr")]
pub(crate) fn query_of(
    filters: &ListFilters,
) -> Result<domain::incident::port::IncidentQuery, AppError> {
    use domain::duty::{local_ms, DAY_MS};
    use domain::{FieldError, MessageKey};
    let date = |field: &'static str, v: &Option<String>| -> Result<Option<i64>, AppError> {
        v.as_deref()
            .map(|d| {
                chrono::NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d")
                    .map(|d| local_ms(d, 0))
                    .map_err(|_| AppError::from(FieldError::new(field, MessageKey::DateMalformed)))
            })
            .transpose()
    };
    let status = match filters.status.as_deref() {
        Some("open") => None,
        Some(s) => Some(IncidentStatus::parse(s).ok_or_else(|| {
            AppError::from(FieldError::new("status", MessageKey::StepNotAllowed))
        })?),
        None => None,
    };
    Ok(domain::incident::port::IncidentQuery {
        category: filters.category.clone(),
        status,
        open_only: filters.status.as_deref() == Some("open"),
        severity: None,
        from: date("from", &filters.from)?,
        until: date("until", &filters.until)?.map(|d| d + DAY_MS),
    })
}

/// The areas of a leader's scope, the scope first, then two levels below it.
#[cfg(feature = "ssr")]
pub(crate) async fn scope_areas(
    store: &dyn domain::Storage,
    root: domain::AreaId,
) -> Result<Vec<(i64, String)>, AppError> {
    let mut out = Vec::new();
    if let Some(a) = store.area(root).await.map_err(AppError::from)? {
        out.push((a.id.0, a.name));
    }
    for child in store
        .child_areas(Some(root))
        .await
        .map_err(AppError::from)?
    {
        out.push((child.id.0, format!("· {}", child.name)));
        for grandchild in store
            .child_areas(Some(child.id))
            .await
            .map_err(AppError::from)?
        {
            out.push((grandchild.id.0, format!("· · {}", grandchild.name)));
        }
    }
    Ok(out)
}

#[server(endpoint = "incidents/list")]
pub async fn incident_list(filters: ListFilters) -> Result<ListData, AppError> {
    crate::error::answer(async move {
        use domain::incident::port::Viewer;
        let state = crate::AppState::current()?;
        let store = state.storage.as_ref();
        let who = crate::auth::require_login()?;
        let viewer = super::access::viewer_of(store, &who).await?;
        let areas = match viewer {
            Viewer::Area(root) => scope_areas(store, root).await?,
            Viewer::Volunteer { .. } => Vec::new(),
        };
        let viewer = super::access::narrowed(store, &who, viewer, filters.area).await?;
        let query = query_of(&filters)?;
        let offset = |page: u32| (page.max(1) - 1).saturating_mul(PER_PAGE);
        let mut shown = filters.page.max(1);
        let mut page = store
            .incidents(viewer, &query, PER_PAGE, offset(shown))
            .await
            .map_err(AppError::from)?;
        if page.items.is_empty() && page.total > 0 {
            // Past the end (an old link, a list that shrank): the last page instead.
            shown = page.total.div_ceil(PER_PAGE);
            page = store
                .incidents(viewer, &query, PER_PAGE, offset(shown))
                .await
                .map_err(AppError::from)?;
        }
        Ok(ListData {
            items: page.items,
            total: page.total,
            page: shown,
            categories: state.incidents.categories.all().to_vec(),
            areas,
            can_triage: matches!(viewer, Viewer::Area(_)),
        })
    })
    .await
}

#[component]
pub fn IncidentsPage() -> impl IntoView {
    let t = use_texts();
    let i = t.incident;
    let query = use_query_map();
    let filters = Memo::new(move |_| query.with(ListFilters::from_query));
    let data = Resource::new(move || filters.get(), incident_list);
    view! {
        <Title text=i.list_title />
        <div class="section-head">
            <h1>{i.list_title}</h1>
            <a class="button primary small" href="/incidents/new" data-testid="new-report">
                {i.new_report}
            </a>
        </div>
        <nav class="subnav">
            <a href="/map">{i.map_link}</a>
            <a href="/incidents/stats">{i.stats_link}</a>
        </nav>
        <Transition fallback=move || {
            view! { <p class="loading">{t.loading}</p> }
        }>
            {move || Suspend::new(async move {
                let f = filters.get_untracked();
                match data.await {
                    Ok(list) => view! { <ListView list filters=f /> }.into_any(),
                    Err(AppError::Unauthenticated) => {
                        view! { <crate::auth::LoginPrompt next="/incidents" /> }.into_any()
                    }
                    Err(e) => {
                        view! {
                            <p class="form-error" role="alert" data-testid="list-error">
                                {e.user_message(t)}
                            </p>
                        }
                            .into_any()
                    }
                }
            })}
        </Transition>
    }
}

#[component]
fn ListView(list: ListData, filters: ListFilters) -> impl IntoView {
    let t = use_texts();
    let i = t.incident;
    let lang = use_lang();
    let categories = StoredValue::new(list.categories.clone());
    let pages = list.total.div_ceil(PER_PAGE).max(1);
    let page = list.page.min(pages);
    let status_options = [("open", i.status_open)].into_iter().chain(
        IncidentStatus::ALL
            .iter()
            .map(|s| (s.as_str(), super::view::status_label(i, *s))),
    );
    let selected = |v: &str, current: &Option<String>| current.as_deref() == Some(v);
    view! {
        <details
            class="card filters"
            open=filters
                != ListFilters {
                    page: filters.page,
                    ..Default::default()
                }
        >
            <summary>{i.filter}</summary>
            <form method="get" action="/incidents" class="stack" data-testid="filters">
                {(!list.areas.is_empty())
                    .then(|| {
                        view! {
                            <label class="field">
                                <span>{i.area}</span>
                                <select name="area">
                                    <option value="">{i.any}</option>
                                    {list
                                        .areas
                                        .iter()
                                        .map(|(id, name)| {
                                            view! {
                                                <option
                                                    value=id.to_string()
                                                    selected=filters.area == Some(*id)
                                                >
                                                    {name.clone()}
                                                </option>
                                            }
                                        })
                                        .collect_view()}
                                </select>
                            </label>
                        }
                    })}
                <label class="field">
                    <span>{i.category}</span>
                    <select name="category">
                        <option value="">{i.any}</option>
                        {list
                            .categories
                            .iter()
                            .map(|c| {
                                view! {
                                    <option
                                        value=c.code.clone()
                                        selected=selected(&c.code, &filters.category)
                                    >
                                        {super::view::category_label(
                                            std::slice::from_ref(c),
                                            &c.code,
                                            lang,
                                        )}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </label>
                <label class="field">
                    <span>{i.status}</span>
                    <select name="status">
                        <option value="">{i.any}</option>
                        {status_options
                            .map(|(v, label)| {
                                view! {
                                    <option value=v selected=selected(v, &filters.status)>
                                        {label}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </label>
                <div class="row">
                    <label class="field">
                        <span>{i.from}</span>
                        <input
                            type="date"
                            name="from"
                            value=filters.from.clone().unwrap_or_default()
                        />
                    </label>
                    <label class="field">
                        <span>{i.until}</span>
                        <input
                            type="date"
                            name="until"
                            value=filters.until.clone().unwrap_or_default()
                        />
                    </label>
                </div>
                <button type="submit" class="button block">
                    {i.apply_filter}
                </button>
            </form>
        </details>
        <p class="muted" data-testid="incident-total">
            {i.total}
            " "
            {list.total}
        </p>
        {list.items.is_empty().then(|| view! { <p class="empty-state">{i.list_empty}</p> })}
        <div class="stack">
            {list
                .items
                .into_iter()
                .map(|item| view! { <IncidentCard item categories /> })
                .collect_view()}
        </div>
        {(pages > 1)
            .then(|| {
                view! {
                    <nav class="pager" aria-label=i.page>
                        {(page > 1)
                            .then(|| {
                                view! {
                                    <a class="button small" href=filters.href(page - 1)>
                                        {i.prev_page}
                                    </a>
                                }
                            })}
                        <span>{page} " / " {pages}</span>
                        {(page < pages)
                            .then(|| {
                                view! {
                                    <a class="button small" href=filters.href(page + 1)>
                                        {i.next_page}
                                    </a>
                                }
                            })}
                    </nav>
                }
            })}
    }
    .into_any()
}
