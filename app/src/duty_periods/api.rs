//! The server functions of the duty-period pages and what they send: the periods list, a new
//! period and the plan page's data here; changing a period in `roster_api`, answering in
//! `answer_api`, live coverage in `live_api` (all re-exported from here). Planning needs
//! `PlanDutyPeriods` over the period's area; answering needs the period to cover the
//! volunteer's home.

use crate::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

pub use super::answer_api::*;
pub use super::live_api::*;
pub use super::roster_api::*;

/// A period in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeriodLine {
    pub id: i64,
    pub name: String,
    pub level: u8,
    pub area: String,
    pub starts_on: String,
    pub ends_on: String,
    /// `draft`, `published`, `running`, `closed`.
    pub status: String,
    pub sites: u32,
    pub min_places: u32,
}

#[cfg(feature = "ssr")]
impl PeriodLine {
    /// A whole period as a line; `min_places` is the caller's, who has its cells (or 0).
    pub fn of(p: &domain::duty_period::port::DutyPeriod, min_places: u32) -> Self {
        Self {
            id: p.id.0,
            name: p.draft.name.clone(),
            level: p.draft.level.number(),
            area: p.area_name.clone(),
            starts_on: p.draft.starts_on.to_string(),
            ends_on: p.draft.ends_on.to_string(),
            status: p.status.as_str().to_owned(),
            sites: p.sites.len() as u32,
            min_places,
        }
    }
}

#[cfg(feature = "ssr")]
impl From<domain::duty_period::port::PeriodSummary> for PeriodLine {
    fn from(p: domain::duty_period::port::PeriodSummary) -> Self {
        Self {
            id: p.id.0,
            name: p.name,
            level: p.level.number(),
            area: p.area_name,
            starts_on: p.starts_on.to_string(),
            ends_on: p.ends_on.to_string(),
            status: p.status.as_str().to_owned(),
            sites: p.sites,
            min_places: p.min_places,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeriodsData {
    /// The reader plans periods (and `periods` and `sites` are filled).
    pub may_plan: bool,
    pub periods: Vec<PeriodLine>,
    /// Periods asking the reader for availability, or running with them.
    pub mine: Vec<PeriodLine>,
    /// Of `mine`, the running ones whose live page the reader may open (a team leader on duty
    /// at one of its sites).
    pub watchable: Vec<i64>,
    /// The sites of the planner's area, for a new period: id, name, and the areas above it
    /// (so the form offers only the sites of the chosen area).
    pub sites: Vec<(i64, String, Vec<i64>)>,
    /// The areas a new period may cover: the planner's own and those below it, down to
    /// communities, as "解放路街道" / "解放路街道 · 山大路社区".
    pub areas: Vec<(i64, String)>,
}

#[server(endpoint = "duty-periods/list")]
pub async fn periods() -> Result<PeriodsData, AppError> {
    crate::error::answer(async move {
        let state = crate::AppState::current()?;
        let store = state.storage.as_ref();
        let who = crate::auth::require_login()?;
        let mine: Vec<PeriodLine> = store
            .periods_for(who.volunteer_id)
            .await
            .map_err(AppError::from)?
            .into_iter()
            .map(PeriodLine::from)
            .collect();
        let mut watchable = Vec::new();
        if who.highest_role() >= domain::Role::TeamLeader {
            for line in mine.iter().filter(|l| l.status == "running") {
                let id = domain::duty_period::port::DutyPeriodId(line.id);
                if super::access::period_to_watch(store, id).await.is_ok() {
                    watchable.push(line.id);
                }
            }
        }
        let Ok(area) = super::access::planning_scope(store, &who).await else {
            return Ok(PeriodsData {
                may_plan: false,
                periods: Vec::new(),
                mine,
                watchable,
                sites: Vec::new(),
                areas: Vec::new(),
            });
        };
        let periods = store
            .periods_in(area)
            .await
            .map_err(AppError::from)?
            .into_iter()
            .map(PeriodLine::from)
            .collect();
        let mut sites = Vec::new();
        for s in store.sites_in(area).await.map_err(AppError::from)? {
            let path = store.area_path(s.area_id).await.map_err(AppError::from)?;
            sites.push((s.id.0, s.name, path.0.iter().map(|a| a.0).collect()));
        }
        let areas = super::access::plannable_areas(store, area).await?;
        Ok(PeriodsData {
            may_plan: true,
            periods,
            mine,
            watchable,
            sites,
            areas,
        })
    })
    .await
}

/// The new-period form; with `copy_from`, an earlier period's sites, slots and needs come
/// along (the sites and slots fields are then ignored).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct NewPeriodInput {
    pub name: String,
    pub level: String,
    pub starts_on: String,
    pub ends_on: String,
    pub assembly: String,
    pub dress: String,
    pub notes: String,
    pub slots: String,
    pub sites: Vec<String>,
    pub copy_from: String,
    /// The area the period covers (its volunteers are asked); the planner's own when empty.
    pub area: String,
}

#[server(endpoint = "duty-periods/create", input = server_fn::codec::Json)]
pub async fn create_period(input: NewPeriodInput) -> Result<i64, AppError> {
    crate::error::answer(async move {
        use domain::duty_period::grid::SlotSet;
        use domain::duty_period::period::PeriodDraft;
        use domain::duty_period::port::{DutyPeriodId, NewPeriod};
        use domain::{FieldError, MessageKey, SiteId};
        let state = crate::AppState::current()?;
        let store = state.storage.as_ref();
        let who = crate::auth::require_login()?;
        let scope = super::access::planning_scope(store, &who).await?;
        let area = match input.area.trim() {
            "" => scope,
            chosen => {
                let offered = super::access::plannable_areas(store, scope).await?;
                chosen
                    .parse::<i64>()
                    .ok()
                    .filter(|id| offered.iter().any(|(a, _)| a == id))
                    .map(domain::AreaId)
                    .ok_or_else(|| {
                        AppError::Invalid(FieldError::new("area", MessageKey::CommunityUnknown))
                    })?
            }
        };
        let mut errors = Vec::new();
        let draft = PeriodDraft::parse(
            &input.name,
            &input.level,
            &input.starts_on,
            &input.ends_on,
            [&input.assembly, &input.dress, &input.notes],
        )
        .map_err(|e| errors.extend(e))
        .ok();
        let copy_from = match input.copy_from.trim() {
            "" => None,
            id => {
                let id = id.parse::<i64>().map_err(|_| {
                    AppError::Invalid(FieldError::new("copy_from", MessageKey::NotANumber))
                })?;
                let (_, old) = super::access::period_to_plan(store, DutyPeriodId(id)).await?;
                Some(old)
            }
        };
        let (slots, sites) = match &copy_from {
            Some(old) => (
                Some(old.slots.clone()),
                old.sites.iter().map(|s| s.id).collect(),
            ),
            None => {
                let slots = SlotSet::parse(&input.slots)
                    .map_err(|e| errors.push(e))
                    .ok();
                let in_scope: Vec<SiteId> = store
                    .sites_in(area)
                    .await
                    .map_err(AppError::from)?
                    .into_iter()
                    .map(|s| s.id)
                    .collect();
                let mut sites = Vec::new();
                for s in &input.sites {
                    match s.trim().parse::<i64>().map(SiteId) {
                        Ok(id) if in_scope.contains(&id) => {
                            if !sites.contains(&id) {
                                sites.push(id)
                            }
                        }
                        _ => errors.push(FieldError::new("sites", MessageKey::SiteUnknown)),
                    }
                }
                if sites.is_empty() && !errors.iter().any(|e| e.field == "sites") {
                    errors.push(FieldError::new("sites", MessageKey::Required));
                }
                (slots, sites)
            }
        };
        let (Some(draft), Some(slots)) = (draft, slots) else {
            return Err(AppError::fields(errors));
        };
        if !errors.is_empty() {
            return Err(AppError::fields(errors));
        }
        let now = chrono::Utc::now().timestamp_millis();
        let period = NewPeriod {
            area_id: area,
            draft: draft.clone(),
            slots,
            sites,
            copied_from: copy_from.as_ref().map(|p| p.id),
            credit_bp: state.duty.credit.multiplier_bp(draft.level),
            created_by: who.volunteer_id,
            created_at: now,
        };
        let audit = domain::AuditEntry {
            at_ms: now,
            actor_id: Some(who.volunteer_id),
            action: "create_duty_period".into(),
            entity: "duty_period".into(),
            entity_id: None,
            area_id: Some(area),
            before: None,
            after: Some(
                serde_json::json!({
                    "name": period.draft.name,
                    "level": period.draft.level.number(),
                    "starts_on": period.draft.starts_on,
                    "ends_on": period.draft.ends_on,
                    "copied_from": period.copied_from.map(|p| p.0),
                })
                .to_string(),
            ),
        };
        let id = store
            .create_period(&period, &audit)
            .await
            .map_err(AppError::from)?;
        Ok(id.0)
    })
    .await
}

/// A person in a cell of the review grid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlacedView {
    pub volunteer: i64,
    pub name: String,
    pub as_leader: bool,
    pub locked: bool,
}

/// One cell of the grid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CellView {
    pub site: i64,
    pub day: u16,
    pub slot: u16,
    pub min: u32,
    pub target: u32,
    pub leaders: u32,
    pub skill: String,
    pub placed: Vec<PlacedView>,
}

/// Places and hours, at the minimum and the target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TotalsView {
    pub min_places: u32,
    pub target_places: u32,
    pub min_hours: u32,
    pub target_hours: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateView {
    pub community: String,
    pub answered: u32,
    pub volunteers: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanData {
    pub period: PeriodLine,
    pub assembly: String,
    pub dress: String,
    pub notes: String,
    /// "07:00–11:00" per slot.
    pub slots: Vec<String>,
    /// Each day's date ("2026-10-01").
    pub days: Vec<String>,
    pub sites: Vec<(i64, String)>,
    pub cells: Vec<CellView>,
    pub per_day: Vec<TotalsView>,
    pub total: TotalsView,
    pub rates: Vec<RateView>,
    /// Who answered (能来 or 看情况 at least once), for placing by hand: id and name.
    pub answered: Vec<(i64, String)>,
    /// Once the roster is out: what the period came to, per day, per site and in total.
    pub turnout: Option<TurnoutView>,
}

/// 勤务统计: rows named by day (a date) or site, then the total.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TurnoutView {
    pub days: Vec<(String, domain::duty_period::turnout::Turnout)>,
    pub sites: Vec<(String, domain::duty_period::turnout::Turnout)>,
    pub total: domain::duty_period::turnout::Turnout,
}

/// Which period a call is about.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeriodInput {
    pub period: i64,
}

#[server(endpoint = "duty-periods/plan")]
pub async fn plan(input: PeriodInput) -> Result<PlanData, AppError> {
    let id = input.period;
    crate::error::answer(async move {
        use domain::duty_period::grid::totals;
        use domain::duty_period::port::DutyPeriodId;
        use std::collections::HashMap;
        let state = crate::AppState::current()?;
        let store = state.storage.as_ref();
        let (_, period) = super::access::period_to_plan(store, DutyPeriodId(id)).await?;
        let cells = store.cells(period.id).await.map_err(AppError::from)?;
        let roster = store.roster(period.id).await.map_err(AppError::from)?;
        let mut placed: HashMap<_, Vec<PlacedView>> = HashMap::new();
        for line in roster {
            placed.entry(line.entry.at).or_default().push(PlacedView {
                volunteer: line.entry.volunteer.0,
                name: line.name,
                as_leader: line.entry.as_leader,
                locked: line.entry.locked,
            });
        }
        let days = period.draft.days();
        let (per_day, total) = totals(&cells, days, period.slots.minutes());
        let hours = |t: domain::duty_period::grid::Totals| TotalsView {
            min_places: t.min_places,
            target_places: t.target_places,
            min_hours: (t.min_minutes / 60) as u32,
            target_hours: (t.target_minutes / 60) as u32,
        };
        let rates = store
            .answer_rates(period.id)
            .await
            .map_err(AppError::from)?
            .into_iter()
            .map(|r| RateView {
                community: r.name,
                answered: r.answered,
                volunteers: r.volunteers,
            })
            .collect();
        let names: HashMap<_, _> = store
            .period_people(period.id)
            .await
            .map_err(AppError::from)?
            .into_iter()
            .map(|p| (p.id, p.name))
            .collect();
        let answered = store
            .availability(period.id)
            .await
            .map_err(AppError::from)?
            .into_iter()
            .filter(|a| {
                a.answers
                    .iter()
                    .any(|x| *x != domain::duty_period::roster::Answer::No)
            })
            .filter_map(|a| Some((a.volunteer.0, names.get(&a.volunteer)?.clone())))
            .collect();
        let turnout = if matches!(
            period.status,
            domain::duty_period::period::PeriodStatus::Running
                | domain::duty_period::period::PeriodStatus::Closed
        ) {
            let grace = i64::from(state.duty.grace_minutes) * domain::duty::MINUTE_MS;
            let cells = store
                .turnout(period.id, grace)
                .await
                .map_err(AppError::from)?;
            let report = domain::duty_period::turnout::report(&cells);
            let date = |day: u16| {
                period
                    .draft
                    .starts_on
                    .checked_add_days(chrono::Days::new(u64::from(day)))
                    .map(|d| d.to_string())
                    .unwrap_or_default()
            };
            let site_name = |site: domain::SiteId| {
                period
                    .sites
                    .iter()
                    .find(|s| s.id == site)
                    .map(|s| s.name.clone())
                    .unwrap_or_default()
            };
            Some(TurnoutView {
                days: report.per_day.iter().map(|(d, t)| (date(*d), *t)).collect(),
                sites: report
                    .per_site
                    .iter()
                    .map(|(s, t)| (site_name(*s), *t))
                    .collect(),
                total: report.total,
            })
        } else {
            None
        };
        let line = PeriodLine::of(&period, total.min_places);
        Ok(PlanData {
            period: line,
            assembly: period.draft.briefing.assembly.clone(),
            dress: period.draft.briefing.dress.clone(),
            notes: period.draft.briefing.notes.clone(),
            slots: period.slots.slots().iter().map(|s| s.label()).collect(),
            days: (0..days)
                .filter_map(|d| {
                    period
                        .draft
                        .starts_on
                        .checked_add_days(chrono::Days::new(u64::from(d)))
                })
                .map(|d| d.to_string())
                .collect(),
            sites: period
                .sites
                .iter()
                .map(|s| (s.id.0, s.name.clone()))
                .collect(),
            cells: cells
                .into_iter()
                .map(|(at, need)| CellView {
                    site: at.site.0,
                    day: at.day,
                    slot: at.slot,
                    min: need.min,
                    target: need.target,
                    leaders: need.leaders,
                    skill: need.skill.unwrap_or_default(),
                    placed: placed.remove(&at).unwrap_or_default(),
                })
                .collect(),
            per_day: per_day.into_iter().map(hours).collect(),
            total: hours(total),
            rates,
            answered,
            turnout,
        })
    })
    .await
}
