//! The frame around every page: the HTML document, the header, the tab bar, the routes.

pub mod desk;
mod header;
mod lazy;
mod tab_bar;

use crate::i18n::{use_lang, Lang};
use crate::pages::{NotFoundPage, OfflinePage};
use crate::pwa::{register_service_worker, OfflineBanner, OutboxStatus};
use header::Header;
pub use lazy::OFFLINE_GROUP;
use lazy::*;
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    path, Lazy, SsrMode,
};
use tab_bar::TabBar;

/// The whole HTML document, rendered only on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    use leptos_meta::MetaTags;
    let lang = current_lang();
    let css = css_href();
    view! {
        <!DOCTYPE html>
        <html lang=lang.code()>
            <head>
                <meta charset="utf-8" />
                <meta
                    name="viewport"
                    content="width=device-width, initial-scale=1, viewport-fit=cover"
                />
                <meta name="theme-color" content="#c8102e" />
                <meta name="description" content=lang.texts().tagline />
                <link rel="manifest" href="/manifest.webmanifest" />
                <link rel="icon" href="/icons/icon.svg" type="image/svg+xml" />
                <link rel="apple-touch-icon" href="/icons/icon-192.png" />
                <link rel="stylesheet" href=css />
                // The outbox keeps check-ins made offline; the service worker loads it too.
                <script src="/outbox.js" defer></script>
                // Shrinks photos on the phone before a report keeps them.
                <script src="/photo.js" defer></script>
                // After a failed submit, brings the first error into view and focuses its field.
                <script src="/forms.js" defer></script>
                // Turns push on or off for this phone from the 我的 page.
                <script src="/push.js" defer></script>
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The application: the same component tree renders on the server and hydrates in the browser.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    provide_context(current_lang());
    let t = use_lang().texts();
    // `data-hydrated` is set by the entry point once the whole page, lazy route included, has
    // hydrated (frontend/src/lib.rs), not here: this effect can run while a route's chunk is
    // still loading.
    Effect::new(move |_| register_service_worker());
    desk::provide_frame();

    view! {
        <Title formatter=move |page: String| {
            if page.is_empty() {
                t.app_name.to_owned()
            } else {
                format!("{page} · {}", t.app_name)
            }
        } />
        <Router>
            <Header />
            <OfflineBanner />
            <OutboxStatus />
            <desk::DeskNav />
            <main id="main" class="page">
                <Routes fallback=NotFoundPage>
                    <Route path=path!("/") view={Lazy::<HomeRoute>::new()} ssr=SsrMode::Async />
                    <Route
                        path=path!("/shifts")
                        view={Lazy::<ShiftsRoute>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/shifts/manage")
                        view={Lazy::<RosterRoute>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/incidents/new")
                        view={Lazy::<ReportRoute>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/incidents/stats")
                        view={Lazy::<StatsRoute>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/incidents/:id")
                        view={Lazy::<IncidentRoute>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/incidents")
                        view={Lazy::<IncidentsRoute>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route path=path!("/map") view={Lazy::<MapRoute>::new()} ssr=SsrMode::Async />
                    <Route
                        path=path!("/me/hours")
                        view={Lazy::<HoursRoute>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route path=path!("/me") view={Lazy::<MeRoute>::new()} ssr=SsrMode::Async />
                    <Route
                        path=path!("/notifications")
                        view={Lazy::<NotificationsRoute>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route path=path!("/offline") view=OfflinePage ssr=SsrMode::Async />
                    <Route
                        path=path!("/login")
                        view={Lazy::<LoginRoute>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/password")
                        view={Lazy::<PasswordRoute>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/areas/import")
                        view={Lazy::<ImportRoute>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/areas/:id")
                        view={Lazy::<AreaRoute>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/apply")
                        view={Lazy::<ApplyRoute>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/volunteers")
                        view={Lazy::<VolunteersRoute>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/audit")
                        view={Lazy::<AuditRoute>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/teams")
                        view={Lazy::<TeamsRoute>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/duty-periods")
                        view={Lazy::<PeriodsRoute>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/duty-periods/:id")
                        view={Lazy::<PeriodPlanRoute>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/duty-periods/:id/live")
                        view={Lazy::<PeriodLiveRoute>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/duty-periods/:id/print")
                        view={Lazy::<PeriodPrintRoute>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/duty-periods/:id/answer")
                        view={Lazy::<AnswerRoute>::new()}
                        ssr=SsrMode::Async
                    />
                </Routes>
            </main>
            <TabBar />
        </Router>
    }
}

/// The page's language. The server negotiates it from the `lang` cookie and `Accept-Language`;
/// the browser reads back what the server put in `<html lang>`, so hydration agrees.
fn current_lang() -> Lang {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>()
            .map(|parts| Lang::of_request(&parts.headers))
            .unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    {
        let html_lang = web_sys_lang();
        html_lang
            .as_deref()
            .and_then(Lang::from_code)
            .unwrap_or_default()
    }
}

#[cfg(not(feature = "ssr"))]
fn web_sys_lang() -> Option<String> {
    #[cfg(feature = "hydrate")]
    {
        let doc = web_sys::window()?.document()?;
        doc.document_element()?.get_attribute("lang")
    }
    #[cfg(not(feature = "hydrate"))]
    {
        None
    }
}

fn css_href() -> String {
    #[cfg(feature = "ssr")]
    {
        use_context::<crate::AppState>()
            .map(|s| s.assets.css.clone())
            .unwrap_or_else(|| "/pkg/pingan.css".to_owned())
    }
    #[cfg(not(feature = "ssr"))]
    {
        String::new()
    }
}
