//! The bell in the header: a link to `/notifications` with the unread count. The server renders
//! the count from the page's frame, so it shows without JavaScript; once the page is live the
//! count is asked for again every 15 s while the page is on screen, so a notice shows on the
//! bell without a reload.

use crate::i18n::use_texts;
use leptos::prelude::*;

#[cfg(feature = "hydrate")]
const POLL_MS: u64 = 15_000;

/// `rendered`: the count the page was rendered with (`None` when logged out: no bell).
#[component]
pub fn Bell(rendered: Option<u32>) -> impl IntoView {
    let n = use_texts().notify;
    let count = RwSignal::new(rendered);
    #[cfg(feature = "hydrate")]
    if rendered.is_some() {
        let visible = || {
            web_sys::window()
                .and_then(|w| w.document())
                .is_none_or(|d| !d.hidden())
        };
        let handle = set_interval_with_handle(
            move || {
                if visible() {
                    leptos::task::spawn_local(async move {
                        // A failure (offline, logged out meanwhile) keeps the last figure.
                        if let Ok(unread) = super::api::unread_count().await {
                            count.set(Some(unread));
                        }
                    });
                }
            },
            std::time::Duration::from_millis(POLL_MS),
        );
        on_cleanup(move || {
            if let Ok(h) = handle {
                h.clear();
            }
        });
    }
    move || {
        count.get().map(|unread| {
            let label = if unread > 0 {
                format!("{} {unread} {}", n.bell, n.unread)
            } else {
                n.bell.to_owned()
            };
            view! {
                <a class="bell" href="/notifications" aria-label=label data-testid="bell">
                    <svg
                        class="bell-icon"
                        viewBox="0 0 24 24"
                        width="22"
                        height="22"
                        aria-hidden="true"
                    >
                        <path d="M12 3a6 6 0 0 0-6 6v3.6L4.3 15.4A1 1 0 0 0 5.2 17h13.6a1 1 0 0 0 .9-1.6L18 12.6V9a6 6 0 0 0-6-6zm-2.5 15a2.5 2.5 0 0 0 5 0z" />
                    </svg>
                    {(unread > 0)
                        .then(|| {
                            view! {
                                <span class="bell-count" data-testid="bell-count">
                                    {if unread > 99 {
                                        "99+".to_owned()
                                    } else {
                                        unread.to_string()
                                    }}
                                </span>
                            }
                        })}
                </a>
            }
        })
    }
}
