//! Who is on a shift, for its leader: names and vest numbers instead of "已报名 3/4", where each
//! person stands now (waiting, checked in, late, absent, done), and a call button whose number
//! is revealed through the audited contact lookup. Today's and the next day's shifts show their
//! people at once; later ones on request.

use super::view::clock;
use crate::i18n::use_texts;
use crate::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Where a person on a shift stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Standing {
    /// On the waitlist: called up if someone cancels.
    Waitlisted,
    /// Not checked in, and the shift has not begun (or began less than the grace ago).
    Expected,
    /// Not checked in, the shift under way past the grace.
    Late,
    /// Never checked in, the shift over.
    Absent,
    /// Checked in, not yet out.
    OnDuty,
    CheckedOut,
}

impl Standing {
    /// From the person's events and the clock: late once the grace after the start is over,
    /// absent once the shift (and its grace) is over.
    #[cfg(feature = "ssr")]
    pub fn of(
        person: &domain::ShiftPerson,
        window: domain::ShiftWindow,
        grace_minutes: u32,
        now: i64,
    ) -> Self {
        use domain::duty::port::in_force;
        use domain::{AssignmentState, CheckKind};
        let grace = i64::from(grace_minutes) * domain::duty::MINUTE_MS;
        if person.assignment.state == AssignmentState::Waitlisted {
            return Self::Waitlisted;
        }
        match (
            in_force(&person.checks, CheckKind::In),
            in_force(&person.checks, CheckKind::Out),
        ) {
            (Some(_), Some(_)) => Self::CheckedOut,
            (Some(_), None) => Self::OnDuty,
            (None, _) if now > window.ends_at + grace => Self::Absent,
            (None, _) if now > window.starts_at + grace => Self::Late,
            (None, _) => Self::Expected,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PersonOnShift {
    pub volunteer_id: i64,
    pub name: String,
    pub vest_no: Option<String>,
    pub phone_masked: String,
    pub as_leader: bool,
    pub standing: Standing,
    pub checked_in_at: Option<i64>,
    /// inside, outside, unknown, qr
    pub proof: Option<String>,
    pub checked_out_at: Option<i64>,
}

/// What [`shift_people`] takes, as one value: the fields are the form's names.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ShiftPeopleInput {
    pub shift_id: i64,
}

/// The people of a shift the reader leads (or coordinates): "not found" outside their scope.
#[server(endpoint = "roster/people")]
pub async fn shift_people(input: ShiftPeopleInput) -> Result<Vec<PersonOnShift>, AppError> {
    let ShiftPeopleInput { shift_id } = input;
    crate::error::answer(async move {
        use domain::duty::port::in_force;
        use domain::CheckKind;
        let state = crate::AppState::current()?;
        let store = state.storage.as_ref();
        let (_, shift) =
            super::access::shift_in_scope(store, shift_id, domain::Action::ManageShifts).await?;
        let now = chrono::Utc::now().timestamp_millis();
        let people = store.shift_people(shift.id).await.map_err(AppError::from)?;
        Ok(people
            .iter()
            .map(|p| {
                let check_in = in_force(&p.checks, CheckKind::In);
                PersonOnShift {
                    volunteer_id: p.assignment.volunteer_id.0,
                    name: p.name.clone(),
                    vest_no: p.vest_no.clone(),
                    phone_masked: p.phone_masked.clone(),
                    as_leader: p.assignment.as_leader,
                    standing: Standing::of(p, shift.window, state.duty.grace_minutes, now),
                    checked_in_at: check_in.map(|c| c.made_at),
                    proof: check_in.map(|c| c.proof.as_str().to_owned()),
                    checked_out_at: in_force(&p.checks, CheckKind::Out).map(|c| c.made_at),
                }
            })
            .collect())
    })
    .await
}

/// The people of one roster card. `soon` (today's and the next day's shifts) loads them at
/// once; otherwise a button does.
#[component]
pub fn ShiftPeople(shift_id: i64, soon: bool, refresh: RwSignal<u32>) -> impl IntoView {
    let t = use_texts();
    let d = t.duty;
    let wanted = RwSignal::new(soon);
    // Loaded in the browser once the page is up, into a plain signal: a card has no data of
    // its own in the server's render (it says "loading"), so there is nothing to line up
    // between the server's render and the browser's — resources made inside the roster's
    // suspense, one per card, did not line up under load, and hydration failed.
    let people = RwSignal::new(None::<Result<Vec<PersonOnShift>, AppError>>);
    Effect::new(move |_| {
        let want = wanted.get();
        refresh.track();
        if want {
            leptos::task::spawn_local(async move {
                people.set(Some(shift_people(ShiftPeopleInput { shift_id }).await));
            });
        }
    });
    view! {
        <section class="people" data-testid="shift-people" aria-label=d.people_title>
            <Show when=move || !wanted.get()>
                <button
                    type="button"
                    class="button small"
                    data-testid="show-people"
                    on:click=move |_| wanted.set(true)
                >
                    {d.show_people}
                </button>
            </Show>
            {move || match people.get() {
                None if wanted.get() => view! { <p class="loading">{t.loading}</p> }.into_any(),
                None => ().into_any(),
                Some(Ok(list)) if list.is_empty() => {
                    view! { <p class="muted">{d.people_empty}</p> }.into_any()
                }
                Some(Ok(list)) => {
                    view! {
                        <ul class="people-list">
                            {list.into_iter().map(|p| view! { <Person p /> }).collect_view()}
                        </ul>
                    }
                        .into_any()
                }
                Some(Err(e)) => {
                    view! {
                        <p class="form-error" role="alert">
                            {e.user_message(t)}
                        </p>
                    }
                        .into_any()
                }
            }}
        </section>
    }
}

#[component]
fn Person(p: PersonOnShift) -> impl IntoView {
    let d = use_texts().duty;
    let (label, status) = match p.standing {
        Standing::Waitlisted => (d.standing_waitlisted.to_owned(), "waitlisted"),
        Standing::Expected => (d.standing_expected.to_owned(), "expected"),
        Standing::Late => (d.standing_late.to_owned(), "late"),
        Standing::Absent => (d.standing_absent.to_owned(), "absent"),
        Standing::OnDuty => {
            let verdict = match p.proof.as_deref() {
                Some("inside") => d.verdict_inside,
                Some("outside") => d.verdict_outside,
                Some("qr") => d.verdict_qr,
                _ => d.verdict_unknown,
            };
            let at = p.checked_in_at.map(clock).unwrap_or_default();
            (format!("{} {at} · {verdict}", d.checked_in), "on-duty")
        }
        Standing::CheckedOut => {
            let at = p.checked_out_at.map(clock).unwrap_or_default();
            (format!("{} {at}", d.checked_out), "done")
        }
    };
    view! {
        <li class="person" data-testid="person" data-standing=status data-name=p.name.clone()>
            <div class="person-who">
                <strong>{p.name.clone()}</strong>
                {p.as_leader.then(|| view! { <span class="badge">{d.leaders}</span> })}
                {p.vest_no.clone().map(|v| view! { <span class="muted">" " {v}</span> })}
            </div>
            <span class="badge" data-status=status data-testid="standing">
                {label}
            </span>
            <crate::volunteers::ContactReveal
                volunteer_id=p.volunteer_id
                masked=p.phone_masked.clone()
            />
        </li>
    }
}
