//! `/audit` (操作记录): the entries of the reader's area subtree, newest first, each as a
//! sentence with the fields it changed (see `sentence`).

use super::sentence::{changes, sentence, AuditLine};
use crate::i18n::{use_lang, use_texts};
use crate::AppError;
use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditView {
    pub area_name: String,
    pub lines: Vec<AuditLine>,
    /// Pass as `before_id` for the next (older) page; `None` at the end.
    pub older: Option<i64>,
}

#[cfg(feature = "ssr")]
const PAGE: u32 = 30;

/// What [`audit_log`] takes, as one value: the fields are the form's names. Every field
/// may be left out, and a call with none sends an empty body: hence the default.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct AuditLogInput {
    pub entity: Option<String>,
    pub before_id: Option<i64>,
}

/// Entries for the reader's area of responsibility, optionally for one kind of thing.
#[server(endpoint = "audit/list")]
pub async fn audit_log(#[server(default)] input: AuditLogInput) -> Result<AuditView, AppError> {
    let AuditLogInput { entity, before_id } = input;
    crate::error::answer(async move {
        use domain::{Action, AuditFilter, Role};
        let state = crate::AppState::current()?;
        let store = state.storage.as_ref();
        let who = crate::auth::require_login()?;
        let (area, _) =
            crate::auth::widest_scope(store, &who, Role::Coordinator, Action::ViewAudit).await?;
        let area_name = store
            .area(area)
            .await
            .map_err(AppError::from)?
            .map(|a| a.name)
            .unwrap_or_default();
        let records = store
            .audit_entries(&AuditFilter {
                within: Some(area),
                entity: entity.filter(|e| !e.is_empty()),
                actor_id: None,
                before_id,
                limit: PAGE,
            })
            .await
            .map_err(AppError::from)?;
        let mut names = Names::new(store);
        let mut lines = Vec::with_capacity(records.len());
        for r in &records {
            let e = &r.entry;
            let before = super::sentence::fields_of(e.before.as_deref());
            let after = super::sentence::fields_of(e.after.as_deref());
            let named = after
                .iter()
                .chain(&before)
                .find(|(k, _)| k == "volunteer")
                .and_then(|(_, v)| v.as_i64());
            let volunteer = match named {
                Some(id) => names.person(domain::VolunteerId(id)).await?,
                None => None,
            };
            lines.push(AuditLine {
                id: r.id,
                at: china_time(e.at_ms),
                actor: match e.actor_id {
                    Some(id) => names.person(id).await?,
                    None => None,
                },
                action: e.action.clone(),
                subject: match e.entity_id {
                    Some(id) => names.subject(&e.entity, id).await?,
                    None => None,
                },
                volunteer,
                before,
                after,
            });
        }
        let older = (records.len() as u32 == PAGE)
            .then(|| records.last().map(|r| r.id))
            .flatten();
        Ok(AuditView {
            area_name,
            lines,
            older,
        })
    })
    .await
}

/// Names of the people and things entries point at, each looked up once per page.
#[cfg(feature = "ssr")]
struct Names<'a> {
    store: &'a dyn domain::Storage,
    seen: std::collections::HashMap<(&'static str, i64), Option<String>>,
}

#[cfg(feature = "ssr")]
impl<'a> Names<'a> {
    fn new(store: &'a dyn domain::Storage) -> Self {
        Self {
            store,
            seen: std::collections::HashMap::new(),
        }
    }

    async fn person(&mut self, id: domain::VolunteerId) -> Result<Option<String>, AppError> {
        self.subject("volunteer", id.0).await
    }

    /// The name of what an entry acted on: a person (also for a role grant, or an assignment:
    /// its volunteer), a site, a team, an area, a shift (its site).
    async fn subject(&mut self, entity: &str, id: i64) -> Result<Option<String>, AppError> {
        use domain::{AreaId, AssignmentId, ShiftId, SiteId, TeamId, VolunteerId};
        let kind: &'static str = match entity {
            "volunteer" | "role_grant" => "volunteer",
            "assignment" => "assignment",
            "site" => "site",
            "shift" => "shift",
            "team" => "team",
            "area" => "area",
            _ => return Ok(None),
        };
        if let Some(known) = self.seen.get(&(kind, id)) {
            return Ok(known.clone());
        }
        let store = self.store;
        let name = match kind {
            "volunteer" => store.volunteer(VolunteerId(id)).await?.map(|v| v.name),
            "assignment" => match store.assignment(AssignmentId(id)).await? {
                Some(a) => store.volunteer(a.volunteer_id).await?.map(|v| v.name),
                None => None,
            },
            "site" => store.site(SiteId(id)).await?.map(|s| s.name),
            "shift" => store.shift(ShiftId(id)).await?.map(|s| s.site_name),
            "team" => store.team(TeamId(id)).await?.map(|t| t.name),
            _ => store.area(AreaId(id)).await?.map(|a| a.name.to_string()),
        };
        self.seen.insert((kind, id), name.clone());
        Ok(name)
    }
}

/// The instant in China Standard Time (UTC+8, no daylight saving), to the minute.
#[cfg(feature = "ssr")]
fn china_time(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms + 8 * 3_600_000)
        .map(|d| d.format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_default()
}

#[component]
pub fn AuditPage() -> impl IntoView {
    let t = use_texts();
    let lang = use_lang();
    let entity = RwSignal::new(String::new());
    let before = RwSignal::new(None::<i64>);
    let view = Resource::new(
        move || (entity.get(), before.get()),
        |(entity, before)| {
            audit_log(AuditLogInput {
                entity: Some(entity),
                before_id: before,
            })
        },
    );
    let filters = [
        ("", t.all),
        ("volunteer", t.audit_volunteers),
        ("role_grant", t.audit_roles),
        ("area", t.audit_areas),
        ("assignment", t.audit_hours),
    ];
    view! {
        <Title text=t.audit_title />
        <h1>{t.audit_title}</h1>
        <div class="chips" role="tablist">
            {filters
                .into_iter()
                .map(|(code, label)| {
                    view! {
                        <button
                            type="button"
                            class="chip"
                            role="tab"
                            aria-selected=move || (entity.get() == code).to_string()
                            on:click=move |_| {
                                entity.set(code.to_owned());
                                before.set(None);
                            }
                        >
                            {label}
                        </button>
                    }
                })
                .collect_view()}
        </div>
        <Transition fallback=move || {
            view! { <p class="loading">{t.loading}</p> }
        }>
            {move || Suspend::new(async move {
                match view.await {
                    Ok(v) => {
                        let older = v.older;
                        view! {
                            <p class="muted">{v.area_name.clone()}</p>
                            {if v.lines.is_empty() {
                                view! { <p class="empty-state">{t.audit_empty}</p> }.into_any()
                            } else {
                                view! {
                                    <ol class="audit" data-testid="audit-list">
                                        {v
                                            .lines
                                            .into_iter()
                                            .map(|l| {
                                                let said = sentence(t, lang, &l);
                                                let fields = changes(t, lang, &l);
                                                view! {
                                                    <li class="card audit-line" data-action=l.action.clone()>
                                                        <p class="audit-sentence">{said}</p>
                                                        <p class="muted audit-at">{l.at.clone()}</p>
                                                        {(!fields.is_empty())
                                                            .then(|| {
                                                                view! {
                                                                    <dl class="audit-changes">
                                                                        {fields
                                                                            .into_iter()
                                                                            .map(|c| {
                                                                                view! {
                                                                                    <dt>{c.label}</dt>
                                                                                    <dd>
                                                                                        {c
                                                                                            .before
                                                                                            .map(|b| {
                                                                                                view! {
                                                                                                    <span class="before">{b}</span>
                                                                                                    " → "
                                                                                                }
                                                                                            })}
                                                                                        <span class="after">
                                                                                            {c.after.unwrap_or_else(|| t.audit.none.to_owned())}
                                                                                        </span>
                                                                                    </dd>
                                                                                }
                                                                            })
                                                                            .collect_view()}
                                                                    </dl>
                                                                }
                                                            })}
                                                    </li>
                                                }
                                            })
                                            .collect_view()}
                                    </ol>
                                }
                                    .into_any()
                            }}
                            {older
                                .map(|id| {
                                    view! {
                                        <button
                                            type="button"
                                            class="button block"
                                            on:click=move |_| before.set(Some(id))
                                        >
                                            {t.older}
                                        </button>
                                    }
                                })}
                        }
                            .into_any()
                    }
                    Err(e) => view! { <crate::pages::PageError e /> }.into_any(),
                }
            })}
        </Transition>
    }
}
