//! The server functions of the duty-period pages and what they send. Planning (periods, the
//! grid, the roster) needs `PlanDutyPeriods` over the period's area; answering needs the
//! period to cover the volunteer's home.

use crate::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

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
        let line = PeriodLine {
            id: period.id.0,
            name: period.draft.name.clone(),
            level: period.draft.level.number(),
            area: period.area_name.clone(),
            starts_on: period.draft.starts_on.to_string(),
            ends_on: period.draft.ends_on.to_string(),
            status: period.status.as_str().to_owned(),
            sites: period.sites.len() as u32,
            min_places: total.min_places,
        };
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

/// Sets the need of cells: one cell (`sites`, `days` and `slots` each one value), or a fill
/// rule (an empty list means all of them).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CellsInput {
    pub period: i64,
    pub sites: Vec<i64>,
    pub days: Vec<u16>,
    pub slots: Vec<u16>,
    pub min: String,
    pub target: String,
    pub leaders: String,
    pub skill: String,
}

#[server(endpoint = "duty-periods/cells", input = server_fn::codec::Json)]
pub async fn set_cells(input: CellsInput) -> Result<u32, AppError> {
    crate::error::answer(async move {
        use domain::duty_period::grid::{CellAt, CellNeed};
        use domain::duty_period::port::DutyPeriodId;
        use domain::{FieldError, MessageKey, SiteId};
        let state = crate::AppState::current()?;
        let store = state.storage.as_ref();
        let (_, period) = super::access::period_to_plan(store, DutyPeriodId(input.period)).await?;
        let need = CellNeed::parse(&input.min, &input.target, &input.leaders, &input.skill)
            .map_err(AppError::fields)?;
        let days = period.draft.days();
        let slots = period.slots.len() as u16;
        if input.days.iter().any(|&d| d >= days) || input.slots.iter().any(|&s| s >= slots) {
            return Err(FieldError::new("slot", MessageKey::Required).into());
        }
        let known: Vec<SiteId> = period.sites.iter().map(|s| s.id).collect();
        if input.sites.iter().any(|s| !known.contains(&SiteId(*s))) {
            return Err(FieldError::new("sites", MessageKey::SiteUnknown).into());
        }
        let pick = |chosen: &[u16], all: u16| -> Vec<u16> {
            if chosen.is_empty() {
                (0..all).collect()
            } else {
                chosen.to_vec()
            }
        };
        let sites: Vec<SiteId> = if input.sites.is_empty() {
            known
        } else {
            input.sites.iter().map(|s| SiteId(*s)).collect()
        };
        let mut cells = Vec::new();
        for &site in &sites {
            for day in pick(&input.days, days) {
                for slot in pick(&input.slots, slots) {
                    cells.push((CellAt { site, day, slot }, need.clone()));
                }
            }
        }
        store
            .set_cells(period.id, &cells)
            .await
            .map_err(AppError::from)?;
        Ok(cells.len() as u32)
    })
    .await
}

/// Moves the period on: `to` is `publish` (ask for availability) or `close`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusInput {
    pub period: i64,
    pub to: String,
}

#[server(endpoint = "duty-periods/status")]
pub async fn change_status(input: StatusInput) -> Result<u32, AppError> {
    let StatusInput { period, to } = input;
    crate::error::answer(async move {
        use domain::duty_period::period::PeriodStatus;
        use domain::duty_period::port::DutyPeriodId;
        let state = crate::AppState::current()?;
        let store = state.storage.as_ref();
        let (who, p) = super::access::period_to_plan(store, DutyPeriodId(period)).await?;
        let (from, to) = match to.as_str() {
            "publish" => (PeriodStatus::Draft, PeriodStatus::Published),
            "close" => (PeriodStatus::Running, PeriodStatus::Closed),
            _ => return Err(AppError::NotFound),
        };
        if to == PeriodStatus::Published
            && store.cells(p.id).await.map_err(AppError::from)?.is_empty()
        {
            return Err(domain::FieldError::new("cells", domain::MessageKey::Required).into());
        }
        let now = chrono::Utc::now().timestamp_millis();
        let audit = domain::AuditEntry {
            at_ms: now,
            actor_id: Some(who.volunteer_id),
            action: format!("duty_period_{}", to.as_str()),
            entity: "duty_period".into(),
            entity_id: Some(p.id.0),
            area_id: Some(p.area_id),
            before: Some(from.as_str().into()),
            after: Some(to.as_str().into()),
        };
        store
            .set_period_status(p.id, from, to, now, &audit)
            .await
            .map_err(AppError::from)
    })
    .await
}

/// A cell still short after generating, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShortLine {
    pub site: i64,
    pub day: u16,
    pub slot: u16,
    pub needed: u32,
    pub placed: u32,
    pub available: u32,
    pub elsewhere: u32,
    pub day_full: u32,
    pub own_limit: u32,
    pub leaders_short: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GenerateReport {
    pub placed: u32,
    pub dropped: u32,
    pub short: Vec<ShortLine>,
}

#[server(endpoint = "duty-periods/generate")]
pub async fn generate(input: PeriodInput) -> Result<GenerateReport, AppError> {
    let period = input.period;
    crate::error::answer(async move {
        use domain::duty_period::period::PeriodStatus;
        use domain::duty_period::port::DutyPeriodId;
        let state = crate::AppState::current()?;
        let store = state.storage.as_ref();
        let (_, p) = super::access::period_to_plan(store, DutyPeriodId(period)).await?;
        if p.status != PeriodStatus::Published {
            return Err(AppError::Conflict);
        }
        let done = super::service::generate_roster(store, &p, &state.duty.fatigue)
            .await
            .map_err(AppError::from)?;
        let cells = store.cells(p.id).await.map_err(AppError::from)?;
        let roster = store.roster(p.id).await.map_err(AppError::from)?;
        Ok(GenerateReport {
            placed: done.placed,
            dropped: done.dropped,
            short: done
                .short
                .into_iter()
                .map(|(at, s)| ShortLine {
                    site: at.site.0,
                    day: at.day,
                    slot: at.slot,
                    needed: cells.get(&at).map(|c| c.min).unwrap_or(s.needed),
                    placed: roster.iter().filter(|l| l.entry.at == at).count() as u32,
                    available: s.available,
                    elsewhere: s.elsewhere,
                    day_full: s.day_full,
                    own_limit: s.own_limit,
                    leaders_short: s.leaders_short,
                })
                .collect(),
        })
    })
    .await
}

/// A change by hand to the draft roster: place `volunteer` (replacing `replacing` when not
/// 0), remove them, or lock or unlock the cell.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RosterEditInput {
    pub period: i64,
    pub site: i64,
    pub day: u16,
    pub slot: u16,
    /// `place`, `remove`, `lock`, `unlock`.
    pub what: String,
    pub volunteer: i64,
    pub replacing: i64,
}

#[server(endpoint = "duty-periods/roster-edit", input = server_fn::codec::Json)]
pub async fn edit_roster(input: RosterEditInput) -> Result<(), AppError> {
    crate::error::answer(async move {
        use domain::duty_period::grid::CellAt;
        use domain::duty_period::port::{DutyPeriodId, RosterEntry};
        use domain::duty_period::roster::Answer;
        use domain::{FieldError, MessageKey, SiteId, VolunteerId};
        let state = crate::AppState::current()?;
        let store = state.storage.as_ref();
        let (_, p) = super::access::period_to_plan(store, DutyPeriodId(input.period)).await?;
        let at = CellAt {
            site: SiteId(input.site),
            day: input.day,
            slot: input.slot,
        };
        let cells = store.cells(p.id).await.map_err(AppError::from)?;
        if !cells.contains_key(&at) {
            return Err(AppError::NotFound);
        }
        match input.what.as_str() {
            "lock" | "unlock" => store
                .lock_cell(p.id, at, input.what == "lock")
                .await
                .map_err(AppError::from),
            "remove" => store
                .remove_from_roster(p.id, at, VolunteerId(input.volunteer))
                .await
                .map_err(AppError::from),
            "place" => {
                let who = VolunteerId(input.volunteer);
                let person = store
                    .period_people(p.id)
                    .await
                    .map_err(AppError::from)?
                    .into_iter()
                    .find(|x| x.id == who)
                    .ok_or_else(|| {
                        AppError::Invalid(FieldError::new(
                            "volunteer",
                            MessageKey::VolunteerUnknown,
                        ))
                    })?;
                // Only someone who said they could come that slot: answering is their consent.
                let slots = p.slots.len();
                let said = store
                    .availability_of(p.id, who)
                    .await
                    .map_err(AppError::from)?
                    .and_then(|a| {
                        a.answers
                            .get(usize::from(at.day) * slots + usize::from(at.slot))
                            .copied()
                    })
                    .unwrap_or_default();
                if said == Answer::No {
                    return Err(FieldError::new("volunteer", MessageKey::NotAvailableThen).into());
                }
                // The exact fatigue rules against their other shifts and roster places.
                let window =
                    super::service::slot_window(&p, at.day, at.slot).ok_or(AppError::NotFound)?;
                let day_ms = domain::duty::DAY_MS;
                let mut held: Vec<_> = store
                    .busy_windows(p.id, window.starts_at - day_ms, window.ends_at + day_ms)
                    .await
                    .map_err(AppError::from)?
                    .into_iter()
                    .filter(|(v, _)| *v == who)
                    .map(|(_, w)| w)
                    .collect();
                held.extend(
                    store
                        .roster(p.id)
                        .await
                        .map_err(AppError::from)?
                        .into_iter()
                        .filter(|l| l.entry.volunteer == who)
                        .filter_map(|l| {
                            super::service::slot_window(&p, l.entry.at.day, l.entry.at.slot)
                        }),
                );
                state
                    .duty
                    .fatigue
                    .check(&held, window)
                    .map_err(|r| FieldError::new("volunteer", r.key()))?;
                let replacing = (input.replacing != 0).then_some(VolunteerId(input.replacing));
                let need = &cells[&at];
                let entry = RosterEntry {
                    at,
                    volunteer: who,
                    as_leader: person.leader && need.leaders > 0,
                    locked: true,
                };
                store
                    .place_on_roster(p.id, &entry, replacing)
                    .await
                    .map_err(AppError::from)
            }
            _ => Err(AppError::NotFound),
        }
    })
    .await
}

#[server(endpoint = "duty-periods/publish-roster")]
pub async fn publish_roster(
    input: PeriodInput,
) -> Result<domain::duty_period::port::PublishedRoster, AppError> {
    let period = input.period;
    crate::error::answer(async move {
        use domain::duty_period::port::DutyPeriodId;
        let state = crate::AppState::current()?;
        let store = state.storage.as_ref();
        let (who, p) = super::access::period_to_plan(store, DutyPeriodId(period)).await?;
        let now = chrono::Utc::now().timestamp_millis();
        let audit = domain::AuditEntry {
            at_ms: now,
            actor_id: Some(who.volunteer_id),
            action: "publish_duty_roster".into(),
            entity: "duty_period".into(),
            entity_id: Some(p.id.0),
            area_id: Some(p.area_id),
            before: Some("published".into()),
            after: Some("running".into()),
        };
        store
            .publish_roster(p.id, who.volunteer_id, now, &audit)
            .await
            .map_err(AppError::from)
    })
    .await
}

/// A volunteer's availability page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerData {
    pub period: PeriodLine,
    pub assembly: String,
    pub dress: String,
    pub notes: String,
    pub slots: Vec<String>,
    pub days: Vec<String>,
    /// One letter per day and slot ('y', 'm', 'n'), day-major; all 'n' before a first answer.
    pub answers: String,
    pub most_slots: Option<u32>,
    pub answered_at: Option<i64>,
    /// Answers may still change (the roster is not out).
    pub open: bool,
}

#[server(endpoint = "duty-periods/my-answer")]
pub async fn my_answer(input: PeriodInput) -> Result<AnswerData, AppError> {
    let period = input.period;
    crate::error::answer(async move {
        use domain::duty_period::period::PeriodStatus;
        use domain::duty_period::port::{Availability, DutyPeriodId};
        let state = crate::AppState::current()?;
        let store = state.storage.as_ref();
        let (who, p) = super::access::period_to_answer(store, DutyPeriodId(period)).await?;
        let mine = store
            .availability_of(p.id, who.volunteer_id)
            .await
            .map_err(AppError::from)?;
        let cells = usize::from(p.draft.days()) * p.slots.len();
        let days = p.draft.days();
        Ok(AnswerData {
            period: PeriodLine {
                id: p.id.0,
                name: p.draft.name.clone(),
                level: p.draft.level.number(),
                area: p.area_name.clone(),
                starts_on: p.draft.starts_on.to_string(),
                ends_on: p.draft.ends_on.to_string(),
                status: p.status.as_str().to_owned(),
                sites: p.sites.len() as u32,
                min_places: 0,
            },
            assembly: p.draft.briefing.assembly.clone(),
            dress: p.draft.briefing.dress.clone(),
            notes: p.draft.briefing.notes.clone(),
            slots: p.slots.slots().iter().map(|s| s.label()).collect(),
            days: (0..days)
                .filter_map(|d| {
                    p.draft
                        .starts_on
                        .checked_add_days(chrono::Days::new(u64::from(d)))
                })
                .map(|d| d.to_string())
                .collect(),
            answers: mine
                .as_ref()
                .map(|a| Availability::encode(&a.answers))
                .unwrap_or_else(|| "n".repeat(cells)),
            most_slots: mine.as_ref().and_then(|a| a.most_slots),
            answered_at: mine.as_ref().map(|a| a.answered_at),
            open: p.status == PeriodStatus::Published,
        })
    })
    .await
}

/// A volunteer's answer: one letter per day and slot, and their "at most N".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerInput {
    pub period: i64,
    pub answers: String,
    pub most_slots: String,
}

#[server(endpoint = "duty-periods/answer")]
pub async fn answer(input: AnswerInput) -> Result<(), AppError> {
    let AnswerInput {
        period,
        answers,
        most_slots,
    } = input;
    crate::error::answer(async move {
        use domain::duty_period::port::{Availability, DutyPeriodId};
        use domain::{FieldError, MessageKey};
        let state = crate::AppState::current()?;
        let store = state.storage.as_ref();
        let (who, p) = super::access::period_to_answer(store, DutyPeriodId(period)).await?;
        let cells = usize::from(p.draft.days()) * p.slots.len();
        if answers.chars().count() != cells || answers.chars().any(|c| !"ymn".contains(c)) {
            return Err(FieldError::new("answers", MessageKey::AnswersInvalid).into());
        }
        let most_slots = match most_slots.trim() {
            "" => None,
            n => match n.parse::<u32>() {
                Ok(n) if (1..=cells as u32).contains(&n) => Some(n),
                Ok(_) => {
                    return Err(
                        FieldError::new("most_slots", MessageKey::HeadcountOutOfRange).into(),
                    )
                }
                Err(_) => return Err(FieldError::new("most_slots", MessageKey::NotANumber).into()),
            },
        };
        let now = chrono::Utc::now().timestamp_millis();
        store
            .put_availability(
                p.id,
                &Availability {
                    volunteer: who.volunteer_id,
                    answers: Availability::decode(&answers),
                    most_slots,
                    answered_at: now,
                },
            )
            .await
            .map_err(|e| match e {
                // The roster went out (or the period closed) while the page was open.
                domain::StorageError::ChangedMeanwhile => {
                    AppError::Invalid(FieldError::new("answers", MessageKey::AnswersClosed))
                }
                other => other.into(),
            })
    })
    .await
}

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
            period: PeriodLine {
                id: p.id.0,
                name: p.draft.name.clone(),
                level: p.draft.level.number(),
                area: p.area_name.clone(),
                starts_on: p.draft.starts_on.to_string(),
                ends_on: p.draft.ends_on.to_string(),
                status: p.status.as_str().to_owned(),
                sites: p.sites.len() as u32,
                min_places: 0,
            },
            slot: shifts.first().map(|l| (l.starts_at, l.ends_at)),
            sites,
            map,
            now,
        })
    })
    .await
}
