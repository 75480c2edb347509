//! The top bar: the app's name, where the reader stands (an office role's scope, a volunteer's
//! home community), and the language switch.

use super::desk::{scope_line, use_frame};
use crate::i18n::{use_lang, Lang};
use leptos::prelude::*;
use leptos_router::hooks::use_location;

#[component]
pub fn Header() -> impl IntoView {
    let lang = use_lang();
    let t = lang.texts();
    let frame = use_frame();
    view! {
        <header class="top-bar">
            <a class="brand" href="/">
                <img class="brand-mark" src="/icons/icon.svg" alt="" width="28" height="28" />
                <span class="brand-name">{t.app_name}</span>
            </a>
            <span class="area-name" data-testid="area-name">
                <Suspense fallback=move || {
                    t.loading
                }>
                    {move || Suspend::new(async move {
                        let frame = match frame {
                            Some(f) => f.await.ok(),
                            None => None,
                        };
                        match frame {
                            Some(super::desk::Frame { desk: Some(desk), .. }) => {
                                scope_line(t, &desk)
                            }
                            Some(super::desk::Frame { place: Some(place), .. }) => place,
                            _ => t.area_unknown.to_owned(),
                        }
                    })}
                </Suspense>
            </span>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let unread = match frame {
                        Some(f) => f.await.ok().and_then(|f| f.unread),
                        None => None,
                    };
                    view! { <crate::notifications::Bell rendered=unread /> }
                })}
            </Suspense>
            <LanguageSwitch lang />
        </header>
    }
}

/// A plain form, so it works with JavaScript off; the server sets the cookie and sends the
/// reader back to the page they were on.
#[component]
fn LanguageSwitch(lang: Lang) -> impl IntoView {
    let t = lang.texts();
    let other = match lang {
        Lang::Zh => Lang::En,
        Lang::En => Lang::Zh,
    };
    let location = use_location();
    let next = move || {
        let path = location.pathname.get();
        let query = location.search.get();
        if query.is_empty() {
            path
        } else {
            format!("{path}?{query}")
        }
    };
    view! {
        <form class="lang-switch" method="post" action="/lang">
            <input type="hidden" name="lang" value=other.code() />
            <input type="hidden" name="next" value=next />
            <button
                type="submit"
                class="lang-button"
                aria-label=t.switch_language
                lang=other.code()
            >
                {t.other_language_name}
            </button>
        </form>
    }
}
