//! Patrol tracks (巡逻轨迹): while a volunteer is checked in and the page is open, the phone's
//! positions are sampled (at most one every 20 s unless they moved 25 m), sent in batches and
//! stored thinned. The track and its length are shown to the volunteer and to the leaders of
//! the site's area only; after the retention period the sweeper reduces it to its length and
//! the 100 m cells it crossed (`domain::duty::track`).

use crate::i18n::use_texts;
use crate::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Most points accepted in one batch (a batch is sent every minute).
pub const MAX_BATCH: usize = 300;
/// Most points one assignment's track keeps: a 12-hour shift sampled every 20 s is 2,160.
/// Past it further points are dropped, so one account cannot fill the disk.
pub const MAX_POINTS_PER_ASSIGNMENT: u32 = 5_000;
/// Fixes less accurate than this are dropped: they draw zigzags that were never walked.
#[cfg(feature = "ssr")]
const MAX_ACCURACY_M: f64 = 100.0;
/// Douglas–Peucker tolerance for stored points.
#[cfg(feature = "ssr")]
const SIMPLIFY_M: f64 = 5.0;

/// A track drawn for the card: an SVG path in a 300 × 160 box (no coordinates leave the
/// server, only the shape), and the length.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrackShape {
    pub path: String,
    pub length_m: f64,
    /// Reduced after the retention period: only the length is left.
    pub coarsened: bool,
}

/// One sampled position: (epoch ms, lat, lon, accuracy m).
pub type Sample = (i64, f64, f64, f64);

/// What [`record_track`] takes, as one value: the fields are the form's names.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RecordTrackInput {
    pub assignment_id: i64,
    pub samples: Vec<Sample>,
}

/// Stores a batch of samples for the reader's own assignment while it is checked in.
#[server(endpoint = "shifts/track", input = server_fn::codec::Json)]
pub async fn record_track(input: RecordTrackInput) -> Result<u32, AppError> {
    let RecordTrackInput {
        assignment_id,
        samples,
    } = input;
    crate::error::answer(async move {
        use domain::duty::track::{drop_noisy, simplify};
        use domain::{CheckKind, FieldError, MessageKey, TrackPoint};
        let state = crate::AppState::current()?;
        let store = state.storage.as_ref();
        let who = crate::auth::require_login()?;
        let a = super::access::own_assignment(store, &who, assignment_id).await?;
        if samples.len() > MAX_BATCH {
            return Err(FieldError::new("samples", MessageKey::TooLong).into());
        }
        let checks = store.checks_of(a.id).await.map_err(AppError::from)?;
        // Positions are kept only between check-in and check-out. The last batch leaves the
        // phone just after the check-out (the recorder flushes as it stops): its samples from
        // before the check-out are the patrol's end, not an error.
        let Some(from) = checks
            .iter()
            .find(|c| c.kind == CheckKind::In)
            .map(|c| c.made_at)
        else {
            return Err(FieldError::new("assignment_id", MessageKey::NotCheckedIn).into());
        };
        let until = checks
            .iter()
            .find(|c| c.kind == CheckKind::Out)
            .map_or(i64::MAX, |c| c.made_at);
        let shift = super::access::shift_of(store, &a).await?;
        let now = chrono::Utc::now().timestamp_millis();
        let points: Vec<TrackPoint> = samples
            .into_iter()
            .filter(|(at, ..)| {
                (from..=until).contains(at)
                    && state.duty.accepts_check(shift.window, *at)
                    && *at <= now + 60_000
            })
            .map(|(at, lat, lon, accuracy_m)| TrackPoint {
                at,
                lat,
                lon,
                accuracy_m,
            })
            .collect();
        let kept = simplify(&drop_noisy(&points, MAX_ACCURACY_M), SIMPLIFY_M);
        store
            .add_track_points(a.id, &kept, MAX_POINTS_PER_ASSIGNMENT)
            .await
            .map_err(AppError::from)
    })
    .await
}

/// What [`track_of`] takes, as one value: the fields are the form's names.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TrackOfInput {
    pub assignment_id: i64,
}

/// The track of an assignment, for its volunteer or a leader of the site's area.
#[server(endpoint = "shifts/track-view")]
pub async fn track_of(input: TrackOfInput) -> Result<TrackShape, AppError> {
    let TrackOfInput { assignment_id } = input;
    crate::error::answer(async move {
        use domain::duty::track::length_m;
        use domain::{Action, AssignmentId};
        let state = crate::AppState::current()?;
        let store = state.storage.as_ref();
        let who = crate::auth::require_login()?;
        let a = store
            .assignment(AssignmentId(assignment_id))
            .await
            .map_err(AppError::from)?
            .ok_or(AppError::NotFound)?;
        // Tracks are personal: the volunteer's own, or a leader's who confirms their hours —
        // and a leader's look is audited, like a contact reveal (行踪轨迹, PIPL art. 28).
        if a.volunteer_id != who.volunteer_id {
            let (_, shift) =
                super::access::shift_in_scope(store, a.shift_id.0, Action::ConfirmHours).await?;
            store
                .append_audit(&domain::AuditEntry {
                    at_ms: chrono::Utc::now().timestamp_millis(),
                    actor_id: Some(who.volunteer_id),
                    action: "view_track".into(),
                    entity: "assignment".into(),
                    entity_id: Some(a.id.0),
                    area_id: Some(shift.area_id),
                    before: None,
                    after: Some(serde_json::json!({ "volunteer": a.volunteer_id.0 }).to_string()),
                })
                .await
                .map_err(AppError::from)?;
        }
        if let Some((length, _)) = store.track_summary(a.id).await.map_err(AppError::from)? {
            return Ok(TrackShape {
                path: String::new(),
                length_m: length,
                coarsened: true,
            });
        }
        let points = store.track_points(a.id).await.map_err(AppError::from)?;
        Ok(TrackShape {
            path: svg_path(&points),
            length_m: length_m(&points),
            coarsened: false,
        })
    })
    .await
}

/// The points as an SVG path scaled into 300 × 160 (north up, equal metres both ways).
#[cfg(feature = "ssr")]
fn svg_path(points: &[domain::TrackPoint]) -> String {
    let Some(first) = points.first() else {
        return String::new();
    };
    let k = first.lat.to_radians().cos();
    let xy: Vec<(f64, f64)> = points.iter().map(|p| (p.lon * k, -p.lat)).collect();
    let (mut x0, mut x1, mut y0, mut y1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    for (x, y) in &xy {
        x0 = x0.min(*x);
        x1 = x1.max(*x);
        y0 = y0.min(*y);
        y1 = y1.max(*y);
    }
    let span = (x1 - x0).max(y1 - y0).max(1e-9);
    let scale = 140.0 / span;
    let (ox, oy) = (
        150.0 - (x0 + x1) / 2.0 * scale,
        80.0 - (y0 + y1) / 2.0 * scale,
    );
    xy.iter()
        .enumerate()
        .map(|(i, (x, y))| {
            let cmd = if i == 0 { 'M' } else { 'L' };
            format!("{cmd}{:.1} {:.1}", x * scale + ox, y * scale + oy)
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The track's shape and length, loaded on demand.
#[component]
pub fn TrackPanel(assignment_id: i64) -> impl IntoView {
    let d = use_texts().duty;
    let shown = RwSignal::new(false);
    // Loaded in the browser when opened, into a plain signal (like the roster's people
    // lists: many of these sit inside the roster's suspense).
    let track = RwSignal::new(None::<Result<TrackShape, AppError>>);
    Effect::new(move |_| {
        if shown.get() {
            leptos::task::spawn_local(async move {
                track.set(Some(track_of(TrackOfInput { assignment_id }).await));
            });
        }
    });
    view! {
        <details class="track" data-testid="track" on:toggle=move |_| shown.set(true)>
            <summary>{d.track_title}</summary>
            {move || match track.get() {
                Some(Ok(t)) => {
                    view! {
                        <p data-testid="track-length">
                            {d.track_length} " " {format_length(t.length_m)}
                        </p>
                        {(!t.path.is_empty())
                            .then(|| {
                                view! {
                                    <svg
                                        class="track-map"
                                        viewBox="0 0 300 160"
                                        role="img"
                                        aria-label=d.track_title
                                    >
                                        <path
                                            d=t.path.clone()
                                            fill="none"
                                            stroke="#c8102e"
                                            stroke-width="3"
                                            stroke-linejoin="round"
                                            stroke-linecap="round"
                                        />
                                    </svg>
                                }
                            })}
                    }
                        .into_any()
                }
                Some(Err(e)) => {
                    view! { <p class="form-error">{e.user_message(use_texts())}</p> }.into_any()
                }
                None => ().into_any(),
            }}
        </details>
    }
    .into_any()
}

fn format_length(m: f64) -> String {
    // A track of one point (or none) measures -0.0 or NaN, never "-0 m".
    let m = if m.is_finite() && m > 0.0 { m } else { 0.0 };
    if m >= 1000.0 {
        format!("{:.1} km", m / 1000.0)
    } else {
        format!("{m:.0} m")
    }
}

/// While mounted, samples the phone's position and sends batches for `assignment_id`. The
/// recorder stops when the card goes (check-out, another page): no position is taken then.
#[component]
pub fn TrackRecorder(assignment_id: i64) -> impl IntoView {
    #[cfg(feature = "hydrate")]
    recorder::start(assignment_id);
    #[cfg(not(feature = "hydrate"))]
    let _ = assignment_id;
}

#[cfg(feature = "hydrate")]
mod recorder {
    use super::{record_track, RecordTrackInput, Sample, MAX_BATCH};
    use std::cell::RefCell;
    use std::rc::Rc;
    use wasm_bindgen::{closure::Closure, JsCast};

    /// A new sample is kept after this long, or sooner when the phone moved this far.
    const EVERY_MS: i64 = 20_000;
    const MOVED_M: f64 = 25.0;
    /// Batches go out this often.
    const SEND_EVERY_MS: i32 = 60_000;
    /// Samples kept while the network is down (about 3 hours at one per 20 s).
    const KEEP_AT_MOST: usize = 600;

    pub fn start(assignment_id: i64) {
        let Some(window) = web_sys::window() else {
            return;
        };
        let Ok(geo) = window.navigator().geolocation() else {
            return;
        };
        let buffer: Rc<RefCell<Vec<Sample>>> = Rc::default();
        let on_fix = {
            let buffer = buffer.clone();
            Closure::<dyn Fn(web_sys::Position)>::new(move |pos: web_sys::Position| {
                let c = pos.coords();
                let at = js_sys::Date::now() as i64;
                let sample = (at, c.latitude(), c.longitude(), c.accuracy());
                let mut b = buffer.borrow_mut();
                let keep = match b.last() {
                    None => true,
                    Some(&(t, lat, lon, _)) => {
                        at - t >= EVERY_MS
                            || domain::duty::geofence::haversine_m(lat, lon, sample.1, sample.2)
                                >= MOVED_M
                    }
                };
                if keep {
                    b.push(sample);
                    if b.len() > KEEP_AT_MOST {
                        b.remove(0);
                    }
                }
            })
        };
        let options = web_sys::PositionOptions::new();
        options.set_enable_high_accuracy(true);
        options.set_maximum_age(10_000);
        let watch = geo
            .watch_position_with_error_callback_and_options(
                on_fix.as_ref().unchecked_ref(),
                None,
                &options,
            )
            .ok();
        let send = {
            let buffer = buffer.clone();
            Closure::<dyn Fn()>::new(move || flush(assignment_id, buffer.clone()))
        };
        let timer = window
            .set_interval_with_callback_and_timeout_and_arguments_0(
                send.as_ref().unchecked_ref(),
                SEND_EVERY_MS,
            )
            .ok();
        // Browser handles are not `Send`; the cleanup runs on this same (only) thread.
        let parts = send_wrapper::SendWrapper::new((geo, buffer, on_fix, send));
        leptos::prelude::on_cleanup(move || {
            let (geo, buffer, on_fix, send) = parts.take();
            if let Some(id) = watch {
                geo.clear_watch(id);
            }
            if let (Some(id), Some(w)) = (timer, web_sys::window()) {
                w.clear_interval_with_handle(id);
            }
            // Send what is left before the recorder goes.
            flush(assignment_id, buffer);
            drop(on_fix);
            drop(send);
        });
    }

    fn flush(assignment_id: i64, buffer: Rc<RefCell<Vec<Sample>>>) {
        let batch: Vec<Sample> = {
            let mut b = buffer.borrow_mut();
            let n = b.len().min(MAX_BATCH);
            b.drain(..n).collect()
        };
        if batch.is_empty() {
            return;
        }
        leptos::task::spawn_local(async move {
            if record_track(RecordTrackInput {
                assignment_id,
                samples: batch.clone(),
            })
            .await
            .is_err()
            {
                // Offline or refused: put them back (the oldest first) for the next round.
                let mut b = buffer.borrow_mut();
                let rest = std::mem::take(&mut *b);
                *b = batch.into_iter().chain(rest).collect();
                let excess = b.len().saturating_sub(KEEP_AT_MOST);
                b.drain(..excess);
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::format_length;

    #[test]
    fn a_length_reads_in_metres_or_kilometres_and_never_negative() {
        assert_eq!(format_length(-0.0), "0 m");
        assert_eq!(format_length(f64::NAN), "0 m");
        assert_eq!(format_length(412.4), "412 m");
        assert_eq!(format_length(1_260.0), "1.3 km");
    }
}
