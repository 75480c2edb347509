//! Urgent open incidents at the top of a leader's home page, looked up again every 30 seconds
//! while the page is open; a new one raises an alert (and a short vibration on phones that
//! have it), so a leader with the app open learns of it without refreshing.

use super::view::local_time;
use crate::i18n::{use_lang, use_texts};
use crate::AppError;
use domain::incident::port::IncidentSummary;
use domain::incident::Category;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UrgentList {
    /// Whether the reader leads an area (only then is the list looked up again).
    pub leading: bool,
    pub items: Vec<IncidentSummary>,
    pub categories: Vec<Category>,
}

/// The newest urgent open incidents in the reader's leading scope (none for volunteers).
#[server(endpoint = "incidents/urgent")]
pub async fn urgent_incidents() -> Result<UrgentList, AppError> {
    crate::error::answer(async move {
        use domain::incident::port::{IncidentQuery, Viewer};
        let state = crate::AppState::current()?;
        let store = state.storage.as_ref();
        let who = crate::auth::require_login()?;
        let viewer = super::access::viewer_of(store, &who).await?;
        let leading = matches!(viewer, Viewer::Area(_));
        let items = match viewer {
            Viewer::Area(_) => {
                store
                    .incidents(
                        viewer,
                        &IncidentQuery {
                            severity: Some(domain::incident::Severity::Urgent),
                            open_only: true,
                            ..Default::default()
                        },
                        5,
                        0,
                    )
                    .await
                    .map_err(AppError::from)?
                    .items
            }
            Viewer::Volunteer { .. } => Vec::new(),
        };
        Ok(UrgentList {
            leading,
            items,
            categories: state.incidents.categories.all().to_vec(),
        })
    })
    .await
}

/// How often the home page looks for new urgent incidents.
#[cfg(feature = "hydrate")]
const POLL_MS: u32 = 30_000;

#[component]
pub fn UrgentAlerts() -> impl IntoView {
    let tick = RwSignal::new(0u32);
    let data = Resource::new(move || tick.get(), |_| urgent_incidents());
    // The newest urgent incident seen so far; a newer one is "new".
    let seen = RwSignal::new(None::<i64>);
    let fresh = RwSignal::new(false);
    // Looked up again only for leaders, and only while the page is on screen.
    let leading = RwSignal::new(false);
    #[cfg(feature = "hydrate")]
    {
        let visible = || {
            web_sys::window()
                .and_then(|w| w.document())
                .is_none_or(|d| !d.hidden())
        };
        let handle = set_interval_with_handle(
            move || {
                if leading.get_untracked() && visible() {
                    tick.update(|n| *n += 1);
                }
            },
            std::time::Duration::from_millis(u64::from(POLL_MS)),
        );
        on_cleanup(move || {
            if let Ok(h) = handle {
                h.clear();
            }
        });
    }
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(list) if !list.items.is_empty() => {
                        leading.set(list.leading);
                        let newest = list.items.iter().map(|i| i.id.0).max();
                        let before = seen.get_untracked();
                        if before.is_some() && newest > before {
                            fresh.set(true);
                            #[cfg(feature = "hydrate")]
                            if let Some(w) = web_sys::window() {
                                let _ = w.navigator().vibrate_with_duration(300);
                            }
                        }
                        seen.set(newest.max(before));
                        view! { <UrgentBox list fresh /> }.into_any()
                    }
                    Ok(list) => {
                        leading.set(list.leading);
                        ().into_any()
                    }
                    Err(_) => ().into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn UrgentBox(list: UrgentList, fresh: RwSignal<bool>) -> impl IntoView {
    let i = use_texts().incident;
    let lang = use_lang();
    view! {
        <section class="card urgent stack" role="alert" data-testid="urgent-alerts">
            <h2>{move || if fresh.get() { i.urgent_new } else { i.urgent_title }}</h2>
            <ul>
                {list
                    .items
                    .into_iter()
                    .map(|item| {
                        let label = super::view::category_label(
                            &list.categories,
                            &item.category,
                            lang,
                        );
                        view! {
                            <li>
                                <a
                                    href=format!("/incidents/{}", item.id.0)
                                    data-testid="urgent-item"
                                >
                                    <strong>{label}</strong>
                                    " · "
                                    {item.area_name.clone()}
                                    " · "
                                    {local_time(item.made_at)}
                                </a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </section>
    }
}
