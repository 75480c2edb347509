//! A volunteer's availability for a period: reading it and answering.

use crate::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::api::{PeriodInput, PeriodLine};

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
            period: PeriodLine::of(&p, 0),
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
