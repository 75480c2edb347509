//! The server functions that change a period: its cells, its status, the generated roster,
//! changes to it by hand, and publishing it.

use crate::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::api::PeriodInput;

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
