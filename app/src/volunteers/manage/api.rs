//! The server functions of `/volunteers`: the list of registrations in the reader's area and
//! a coordinator's decision on one.

use crate::AppError;
use domain::VolunteerStatus;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// One row of the list, already masked for the reader.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VolunteerRow {
    pub id: i64,
    pub name: String,
    /// Always masked (`138****5678`); the full number is revealed on request (audited).
    pub phone: String,
    pub id_number: Option<String>,
    pub vest_no: Option<String>,
    pub status: VolunteerStatus,
    pub community: String,
    pub skills: Vec<String>,
    /// ISO date of the application.
    pub applied_on: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VolunteerListing {
    pub area_name: String,
    pub rows: Vec<VolunteerRow>,
    pub total: u32,
    pub offset: u32,
    pub page_size: u32,
    /// Whether the reader may reset these people's passwords.
    pub can_reset: bool,
}

/// What a coordinator can do to a registration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Decision {
    Approve,
    Reject,
    Suspend,
    Retire,
    Reactivate,
}

impl Decision {
    pub fn target(self) -> VolunteerStatus {
        match self {
            Decision::Approve | Decision::Reactivate => VolunteerStatus::Registered,
            Decision::Reject => VolunteerStatus::Rejected,
            Decision::Suspend => VolunteerStatus::Suspended,
            Decision::Retire => VolunteerStatus::Retired,
        }
    }

    /// Refusals and removals must say why; the person sees the reason.
    pub fn needs_reason(self) -> bool {
        matches!(
            self,
            Decision::Reject | Decision::Suspend | Decision::Retire
        )
    }

    /// The decisions open for someone in `status`.
    pub fn available(status: VolunteerStatus) -> &'static [Decision] {
        match status {
            VolunteerStatus::Applied => &[Decision::Approve, Decision::Reject],
            VolunteerStatus::Registered => &[Decision::Suspend, Decision::Retire],
            VolunteerStatus::Suspended => &[Decision::Reactivate, Decision::Retire],
            VolunteerStatus::Retired => &[Decision::Reactivate],
            VolunteerStatus::Rejected => &[],
        }
    }
}

/// Rows per page: a phone screen holds three or four cards, so 20 is a few flicks.
#[cfg(feature = "ssr")]
const PAGE_SIZE: u32 = 20;

/// What [`volunteer_list`] takes, as one value: the fields are the form's names.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct VolunteerListInput {
    pub status: Option<VolunteerStatus>,
    pub search: Option<String>,
    pub offset: u32,
}

/// Volunteers living in the reader's area of responsibility, filtered by status.
#[server(endpoint = "volunteers/list")]
pub async fn volunteer_list(input: VolunteerListInput) -> Result<VolunteerListing, AppError> {
    let VolunteerListInput {
        status,
        search,
        offset,
    } = input;
    crate::error::answer(async move {
        use domain::{Action, Role, VolunteerFilter};
        let state = crate::AppState::current()?;
        let store = state.storage.as_ref();
        let who = crate::auth::require_login()?;
        // The widest area the reader manages: a team leader's community, a coordinator's street…
        let (area, path) =
            crate::auth::widest_scope(store, &who, Role::TeamLeader, Action::ListVolunteers)
                .await?;
        let can_reset = who.may(Action::ResetPassword, &path);
        let area_name = store
            .area(area)
            .await
            .map_err(AppError::from)?
            .map(|a| a.name)
            .unwrap_or_default();
        let page = store
            .volunteers_in(&VolunteerFilter {
                within: area,
                status,
                search: search.filter(|s| !s.trim().is_empty()),
                offset,
                limit: PAGE_SIZE,
            })
            .await
            .map_err(AppError::from)?;
        let mut names = std::collections::HashMap::new();
        let mut rows = Vec::with_capacity(page.items.len());
        for v in page.items {
            if let std::collections::hash_map::Entry::Vacant(slot) = names.entry(v.home_area_id) {
                let name = store
                    .area(v.home_area_id)
                    .await
                    .map_err(AppError::from)?
                    .map(|a| a.name)
                    .unwrap_or_default();
                slot.insert(name);
            }
            rows.push(VolunteerRow {
                id: v.id.0,
                name: v.name,
                phone: v.phone.masked(),
                id_number: v.id_number_masked,
                vest_no: v.vest_no,
                status: v.status,
                community: names.get(&v.home_area_id).cloned().unwrap_or_default(),
                skills: v.skills,
                applied_on: chrono::DateTime::from_timestamp_millis(v.applied_at_ms)
                    .map(|d| d.date_naive().to_string())
                    .unwrap_or_default(),
            });
        }
        Ok(VolunteerListing {
            area_name,
            rows,
            total: page.total,
            offset,
            page_size: PAGE_SIZE,
            can_reset,
        })
    })
    .await
}

/// What [`decide`] takes, as one value: the fields are the form's names.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct DecideInput {
    pub volunteer_id: i64,
    pub decision: Decision,
    pub reason: Option<String>,
}

/// Applies a decision to one volunteer; returns their new status (and vest number, if any).
#[server(endpoint = "volunteers/decide")]
pub async fn decide(input: DecideInput) -> Result<Option<String>, AppError> {
    let DecideInput {
        volunteer_id,
        decision,
        reason,
    } = input;
    crate::error::answer(async move {
        use domain::{Action, AuditEntry, FieldError, MessageKey, VolunteerId};
        let state = crate::AppState::current()?;
        let store = state.storage.as_ref();
        let id = VolunteerId(volunteer_id);
        let (who, v) =
            crate::auth::require_outranking(store, id, Action::ManageRegistrations).await?;
        if !v.status.can_become(decision.target())
            || !Decision::available(v.status).contains(&decision)
        {
            return Err(AppError::Conflict);
        }
        let reason = reason
            .map(|r| r.trim().to_owned())
            .filter(|r| !r.is_empty());
        if decision.needs_reason() && reason.is_none() {
            return Err(AppError::Invalid(FieldError::new(
                "reason",
                MessageKey::Required,
            )));
        }
        if reason.as_ref().is_some_and(|r| r.chars().count() > 200) {
            return Err(AppError::Invalid(FieldError::new(
                "reason",
                MessageKey::TooLong,
            )));
        }
        let now = chrono::Utc::now().timestamp_millis();
        let audit = AuditEntry {
            at_ms: now,
            actor_id: Some(who.volunteer_id),
            action: format!("{decision:?}").to_lowercase(),
            entity: "volunteer".into(),
            entity_id: Some(id.0),
            area_id: Some(v.home_area_id),
            before: Some(format!(r#"{{"status":"{}"}}"#, v.status.as_str())),
            after: Some(
                serde_json::json!({ "status": decision.target().as_str(), "reason": reason })
                    .to_string(),
            ),
        };
        match decision.target() {
            VolunteerStatus::Registered => {
                let vest = store
                    .approve_volunteer(id, Some(who.volunteer_id), now, &audit)
                    .await
                    .map_err(AppError::from)?;
                Ok(Some(vest))
            }
            status => {
                store
                    .set_volunteer_status(
                        id,
                        status,
                        Some(who.volunteer_id),
                        reason.as_deref(),
                        now,
                        &audit,
                    )
                    .await
                    .map_err(AppError::from)?;
                // A suspended or retired person is logged out everywhere at once.
                if status != VolunteerStatus::Rejected {
                    store.delete_sessions_of(id).await.map_err(AppError::from)?;
                }
                Ok(None)
            }
        }
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_offered_decision_is_an_allowed_transition() {
        for status in [
            VolunteerStatus::Applied,
            VolunteerStatus::Registered,
            VolunteerStatus::Rejected,
            VolunteerStatus::Suspended,
            VolunteerStatus::Retired,
        ] {
            for d in Decision::available(status) {
                assert!(status.can_become(d.target()), "{status:?} → {d:?}");
            }
        }
    }
}
