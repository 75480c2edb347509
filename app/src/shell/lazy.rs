//! The pages as lazily loaded routes. The build (`cargo leptos build --split`) cuts the wasm at
//! these points, so the first download is only the shell — header, tab bar, router and the
//! reactive runtime — and the pages come in two chunks, each fetched when a page of its group is
//! first shown. The service worker pre-caches only the first group's chunk, so those pages open
//! offline even if never opened before; the second's is kept once it has been fetched:
//!
//! - `field_pages`: what a volunteer uses on patrol (home, shifts, report, own reports, hours,
//!   me, login, apply);
//! - `office_pages`: what leaders and the association use at a desk (rosters, the incident map
//!   and statistics, volunteers, teams, areas, import, audit).
//!
//! Why two groups and not a chunk per route (`#[lazy_route]`): the splitter puts the code two
//! routes share into a chunk of its own for each set of routes that shares it, which for our
//! seventeen pages made 369 wasm files — 182 requests to open the shifts page on a phone.
//! With two groups there are at most three chunks (each group's own and what both share), and
//! a volunteer never downloads the office pages.

use crate::areas::{AreaPage, ImportPage};
use crate::audit::AuditPage;
use crate::auth::{LoginPage, PasswordPage};
use crate::duty::{HoursPage, RosterPage, ShiftsPage};
use crate::duty_periods::{AnswerPage, LivePage, PeriodPlanPage, PeriodsPage, PrintPage};
use crate::incidents::{IncidentPage, IncidentsPage, MapPage, ReportPage, StatsPage};
use crate::notifications::NotificationsPage;
use crate::pages::{HomePage, MePage, PageNotLoaded};
use crate::volunteers::{ApplyPage, TeamsPage, VolunteersPage};
use leptos::prelude::*;
use leptos_router::LazyRoute;

/// The group the service worker pre-caches (server/src/assets.rs): the pages a volunteer must
/// be able to open without a network. It names the first argument of the `lazy_page!` lines
/// below.
pub const OFFLINE_GROUP: &str = "field_pages";

/// A page group's chunk could not be fetched: offline, and not in the service worker's cache.
#[derive(Debug)]
struct ChunkNotLoaded;

impl From<leptos::wasm_split::SplitLoaderError> for ChunkNotLoaded {
    fn from(_: leptos::wasm_split::SplitLoaderError) -> Self {
        Self
    }
}

/// A route whose page lives in the wasm chunk `$group`: the split function that renders it
/// (all functions naming one group land in one chunk), its preloader, and the `LazyRoute`.
///
/// The router awaits `preload` before it hydrates a server-rendered page: without it the
/// page's chunk would still be on its way and hydration would meet a page it cannot match.
/// Loading is `fallible`: a chunk that cannot be fetched shows `PageNotLoaded` in the page's
/// place instead of stopping the whole app (the splitter's default is to panic).
macro_rules! lazy_page {
    ($group:ident, $route:ident, $split:ident, $preload:ident, $page:ident) => {
        #[doc = concat!("The route to [`", stringify!($page), "`], in the `", stringify!($group), "` chunk.")]
        pub struct $route;

        #[leptos::wasm_split::wasm_split(
            $group,
            wasm_split_path = ::leptos::wasm_split,
            preload($preload),
            fallible
        )]
        fn $split() -> Result<AnyView, ChunkNotLoaded> {
            Ok(view! { <$page /> }.into_any())
        }

        impl LazyRoute for $route {
            fn data() -> Self {
                Self
            }

            async fn view(_this: Self) -> AnyView {
                // The server names the chunk, so the page it renders links it for preloading.
                #[cfg(feature = "ssr")]
                leptos::prefetch_lazy_fn_on_server(stringify!($group));
                $split()
                    .await
                    .unwrap_or_else(|ChunkNotLoaded| view! { <PageNotLoaded /> }.into_any())
            }

            async fn preload() {
                // A failure is not kept: `view` tries again, and says so if that fails too.
                let _ = $preload().await;
            }
        }
    };
}

lazy_page!(field_pages, HomeRoute, home_view, preload_home, HomePage);
lazy_page!(
    field_pages,
    ShiftsRoute,
    shifts_view,
    preload_shifts,
    ShiftsPage
);
lazy_page!(
    field_pages,
    HoursRoute,
    hours_view,
    preload_hours,
    HoursPage
);
lazy_page!(
    field_pages,
    ReportRoute,
    report_view,
    preload_report,
    ReportPage
);
lazy_page!(
    field_pages,
    IncidentsRoute,
    incidents_view,
    preload_incidents,
    IncidentsPage
);
lazy_page!(
    field_pages,
    IncidentRoute,
    incident_view,
    preload_incident,
    IncidentPage
);
lazy_page!(field_pages, MeRoute, me_view, preload_me, MePage);
lazy_page!(
    field_pages,
    NotificationsRoute,
    notifications_view,
    preload_notifications,
    NotificationsPage
);
lazy_page!(
    field_pages,
    LoginRoute,
    login_view,
    preload_login,
    LoginPage
);
lazy_page!(
    field_pages,
    PasswordRoute,
    password_view,
    preload_password,
    PasswordPage
);
lazy_page!(
    field_pages,
    AnswerRoute,
    answer_view,
    preload_answer,
    AnswerPage
);
lazy_page!(
    field_pages,
    ApplyRoute,
    apply_view,
    preload_apply,
    ApplyPage
);

lazy_page!(
    office_pages,
    RosterRoute,
    roster_view,
    preload_roster,
    RosterPage
);
lazy_page!(
    office_pages,
    PeriodsRoute,
    periods_view,
    preload_periods,
    PeriodsPage
);
lazy_page!(
    office_pages,
    PeriodPlanRoute,
    period_plan_view,
    preload_period_plan,
    PeriodPlanPage
);
lazy_page!(
    office_pages,
    PeriodPrintRoute,
    period_print_view,
    preload_period_print,
    PrintPage
);
lazy_page!(
    office_pages,
    PeriodLiveRoute,
    period_live_view,
    preload_period_live,
    LivePage
);
lazy_page!(office_pages, MapRoute, map_view, preload_map, MapPage);
lazy_page!(
    office_pages,
    StatsRoute,
    stats_view,
    preload_stats,
    StatsPage
);
lazy_page!(
    office_pages,
    VolunteersRoute,
    volunteers_view,
    preload_volunteers,
    VolunteersPage
);
lazy_page!(
    office_pages,
    TeamsRoute,
    teams_view,
    preload_teams,
    TeamsPage
);
lazy_page!(office_pages, AreaRoute, area_view, preload_area, AreaPage);
lazy_page!(
    office_pages,
    ImportRoute,
    import_view,
    preload_import,
    ImportPage
);
lazy_page!(
    office_pages,
    AuditRoute,
    audit_view,
    preload_audit,
    AuditPage
);
