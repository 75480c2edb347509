use crate::i18n::use_texts;
use crate::AppError;
use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditLine {
    pub id: i64,
    /// `2026-11-22 09:14` in China Standard Time.
    pub at: String,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<i64>,
    pub before: Option<String>,
    pub after: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditView {
    pub area_name: String,
    pub lines: Vec<AuditLine>,
    /// Pass as `before_id` for the next (older) page; `None` at the end.
    pub older: Option<i64>,
}

#[cfg(feature = "ssr")]
const PAGE: u32 = 30;

/// Entries for the reader's area of responsibility, optionally for one kind of thing.
#[server(endpoint = "audit/list")]
pub async fn audit_log(
    entity: Option<String>,
    before_id: Option<i64>,
) -> Result<AuditView, AppError> {
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
        let mut names = std::collections::HashMap::new();
        let mut lines = Vec::with_capacity(records.len());
        for r in &records {
            let actor = match r.entry.actor_id {
                None => String::from("—"),
                Some(id) => {
                    if let std::collections::hash_map::Entry::Vacant(slot) = names.entry(id) {
                        let name = store
                            .volunteer(id)
                            .await
                            .map_err(AppError::from)?
                            .map(|v| v.name)
                            .unwrap_or_default();
                        slot.insert(name);
                    }
                    names.get(&id).cloned().unwrap_or_default()
                }
            };
            lines.push(AuditLine {
                id: r.id,
                at: china_time(r.entry.at_ms),
                actor,
                action: r.entry.action.clone(),
                entity: r.entry.entity.clone(),
                entity_id: r.entry.entity_id,
                before: r.entry.before.clone(),
                after: r.entry.after.clone(),
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
    let entity = RwSignal::new(String::new());
    let before = RwSignal::new(None::<i64>);
    let view = Resource::new(
        move || (entity.get(), before.get()),
        |(entity, before)| audit_log(Some(entity), before),
    );
    let filters = [
        ("", t.all),
        ("volunteer", t.audit_volunteers),
        ("role_grant", t.audit_roles),
        ("area", t.audit_areas),
    ];
    view! {
        <Title text=t.audit_title />
        <h1>{t.audit_title}</h1>
        <div class="chips" role="tablist">
            {filters.into_iter().map(|(code, label)| view! {
                <button type="button" class="chip" role="tab"
                    aria-selected=move || (entity.get() == code).to_string()
                    on:click=move |_| { entity.set(code.to_owned()); before.set(None); }>
                    {label}
                </button>
            }).collect_view()}
        </div>
        <Transition fallback=move || view! { <p class="loading">{t.loading}</p> }>
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
                                        {v.lines.into_iter().map(|l| view! {
                                            <li class="card audit-line">
                                                <div class="audit-head">
                                                    <strong>{t.audit_action(&l.action).to_owned()}</strong>
                                                    <span class="muted">{l.at.clone()}</span>
                                                </div>
                                                <p>{format!("{} · {} #{}", l.actor, l.entity, l.entity_id.map(|i| i.to_string()).unwrap_or_default())}</p>
                                                {l.before.clone().map(|b| view! { <p class="diff before"><span class="muted">{t.audit_before}": "</span>{b}</p> })}
                                                {l.after.clone().map(|a| view! { <p class="diff after"><span class="muted">{t.audit_after}": "</span>{a}</p> })}
                                            </li>
                                        }).collect_view()}
                                    </ol>
                                }.into_any()
                            }}
                            {older.map(|id| view! {
                                <button type="button" class="button block" on:click=move |_| before.set(Some(id))>
                                    {t.older}
                                </button>
                            })}
                        }.into_any()
                    }
                    Err(e) => view! { <crate::pages::PageError e /> }.into_any(),
                }
            })}
        </Transition>
    }
}
