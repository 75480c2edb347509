//! Live coverage of a running period, for its planners and its team leaders on duty.

use crate::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::api::{PeriodInput, PeriodLine};

/// A site of the live page now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveSite {
    pub site: i64,
    pub name: String,
    pub needed: u32,
    pub on_site: u32,
    pub expected: u32,
    pub late: u32,
    pub left_early: u32,
    /// `met`, `coming` or `gap`.
    pub cover: String,
    /// Who is late (past the grace, not in), for the leader to call.
    pub late_names: Vec<String>,
    /// Where the map draws it (`None` without a map).
    pub at: Option<(i32, i32)>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LiveData {
    pub period: PeriodLine,
    /// The slot shown (epoch ms): the one under way, or the next; `None` when none is left.
    pub slot: Option<(i64, i64)>,
    pub sites: Vec<LiveSite>,
    /// The period's area and sites drawn, when the area has boundaries.
    pub map: Option<crate::areas::MapData>,
    /// The server's clock when this was read.
    pub now: i64,
}

/// Live coverage: the period's shifts under way (or next), counted now — all sites for its
/// planners, their own sites for team leaders on duty there. Polled by the page.
#[server(endpoint = "duty-periods/live")]
pub async fn live(input: PeriodInput) -> Result<LiveData, AppError> {
    let period = input.period;
    crate::error::answer(async move {
        use domain::duty::MINUTE_MS;
        use domain::duty_period::live::{coverage, Cover};
        use domain::duty_period::port::DutyPeriodId;
        let state = crate::AppState::current()?;
        let store = state.storage.as_ref();
        let (_, p, only) = super::access::period_to_watch(store, DutyPeriodId(period)).await?;
        let now = chrono::Utc::now().timestamp_millis();
        let grace = state.duty.grace_minutes;
        let shifts: Vec<_> = store
            .live_shifts(p.id, now, i64::from(grace) * MINUTE_MS)
            .await
            .map_err(AppError::from)?
            .into_iter()
            .filter(|l| only.as_ref().is_none_or(|sites| sites.contains(&l.site)))
            .collect();
        let (shapes, all_sites) = crate::areas::area_shapes(store, p.area_id).await?;
        let ours: Vec<domain::Site> = all_sites
            .into_iter()
            .filter(|s| shifts.iter().any(|l| l.site == s.id))
            .collect();
        let map = crate::areas::build_map(&shapes, &ours, &[], crate::areas::Datum::Wgs84);
        let at = |site: domain::SiteId| {
            let i = ours.iter().position(|s| s.id == site)?;
            map.as_ref().and_then(|m| m.sites.get(i)).map(|s| s.at)
        };
        let sites = shifts
            .iter()
            .map(|l| {
                let c = coverage(l, now, grace);
                LiveSite {
                    site: l.site.0,
                    name: l.site_name.clone(),
                    needed: c.needed,
                    on_site: c.on_site,
                    expected: c.expected,
                    late: c.late,
                    left_early: c.left_early,
                    cover: match c.cover {
                        Cover::Met => "met",
                        Cover::Coming => "coming",
                        Cover::Gap => "gap",
                    }
                    .to_owned(),
                    late_names: if c.late > 0 {
                        l.not_in.iter().map(|(_, n)| n.clone()).collect()
                    } else {
                        Vec::new()
                    },
                    at: at(l.site),
                }
            })
            .collect();
        Ok(LiveData {
            period: PeriodLine::of(&p, 0),
            slot: shifts.first().map(|l| (l.starts_at, l.ends_at)),
            sites,
            map,
            now,
        })
    })
    .await
}
