//! One press of a check button: a fresh position from the phone (unless a code is given), the
//! event with its UUIDv7, and the outbox, which keeps it until the server has it.

use leptos::prelude::*;

/// Where one press of the button stands.
#[cfg_attr(
    not(feature = "hydrate"),
    allow(dead_code, reason = "only the browser presses buttons")
)]
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Phase {
    Idle,
    Locating,
    Sending,
    /// In the outbox, to be sent when the network returns.
    Waiting,
    /// The server refused it, with its reason.
    Refused(String),
    /// The phone gave no position for a check-in: nothing was sent, the code is offered first.
    NoPosition,
}

/// What a press of a check button asks for.
#[derive(Clone, Copy)]
pub(super) enum How {
    /// The phone's position.
    Position,
    /// The leader's code typed in the code entry.
    Code,
    /// Without a position: the volunteer was told location is blocked and checks in anyway.
    Unknown,
}

#[cfg_attr(
    not(feature = "hydrate"),
    allow(dead_code, reason = "only the browser presses buttons")
)]
pub(super) struct Press {
    pub(super) code: Option<String>,
    /// Whether a check-in without a position waits for the volunteer's word instead of going.
    pub(super) needs_position: bool,
}

/// Gets a position (unless a code is given), makes the event and hands it to the outbox.
#[cfg(feature = "hydrate")]
pub(super) fn send(
    assignment_id: i64,
    kind: &'static str,
    how: Press,
    (phase, refresh, waiting): (RwSignal<Phase>, RwSignal<u32>, RwSignal<Vec<i64>>),
    t: &'static crate::i18n::Texts,
) {
    use crate::duty::check::{CheckInput, CHECKS_URL};
    use crate::geolocation::{request_position, Fix};
    let Press {
        code,
        needs_position,
    } = how;
    let with_code = code.is_some();
    let made_at = js_sys::Date::now() as i64;
    let finish = move |fix: Fix| {
        let (lat, lon, accuracy_m) = match fix {
            Fix::Found {
                lat,
                lon,
                accuracy_m,
            } => (Some(lat), Some(lon), Some(accuracy_m)),
            // Blocked or unavailable: say so and offer the code, instead of storing a
            // check-in "位置未知" the volunteer never chose.
            _ if needs_position => {
                phase.set(Phase::NoPosition);
                return;
            }
            _ => (None, None, None),
        };
        let Some(client_key) = crate::duty::outbox::new_key() else {
            phase.set(Phase::Refused(t.error_internal.to_owned()));
            return;
        };
        let input = CheckInput {
            client_key,
            assignment_id,
            kind: kind.to_owned(),
            made_at,
            lat,
            lon,
            accuracy_m,
            code: code.clone(),
            reason: None,
        };
        let Ok(body) = serde_json::to_string(&input) else {
            return;
        };
        phase.set(Phase::Sending);
        leptos::task::spawn_local(async move {
            match crate::duty::outbox::submit(CHECKS_URL, &body).await {
                Ok(o) if o.status == "sent" => {
                    phase.set(Phase::Idle);
                    refresh.update(|r| *r += 1);
                }
                Ok(o) if o.status == "waiting" => {
                    waiting.update(|w| w.push(assignment_id));
                    phase.set(Phase::Waiting);
                }
                Ok(o) => phase.set(Phase::Refused(
                    o.error.unwrap_or_else(|| t.error_internal.to_owned()),
                )),
                Err(e) => {
                    leptos::logging::warn!("outbox: {e}");
                    phase.set(Phase::Refused(t.error_internal.to_owned()));
                }
            }
        });
    };
    if with_code || !needs_position && kind == "in" {
        finish(Fix::Idle);
    } else {
        phase.set(Phase::Locating);
        // While on duty the track recorder watches the position too; a fix from the last few
        // seconds is as good as a new one, and asking again while a watch runs can stall.
        request_position(10_000, finish);
    }
}

#[cfg(not(feature = "hydrate"))]
pub(super) fn send(
    _assignment_id: i64,
    _kind: &'static str,
    _how: Press,
    _signals: (RwSignal<Phase>, RwSignal<u32>, RwSignal<Vec<i64>>),
    _t: &'static crate::i18n::Texts,
) {
}
