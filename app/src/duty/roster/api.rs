//! The server functions of `/shifts/manage`: the leader's roster, new shifts, a cancelled one,
//! a copied week, and a shift's check-in code.

#[cfg(feature = "ssr")]
use crate::duty::access::{roster_scope, shift_in_scope};
use crate::duty::decide::HoursToDecide;
use crate::duty::view::ShiftCard;
use crate::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RosterData {
    /// Sites of the leader's area, for the new-shift form.
    pub sites: Vec<(i64, String)>,
    pub shifts: Vec<ShiftCard>,
    pub to_decide: Vec<HoursToDecide>,
    /// The new-shift form's first date (China time): today, or tomorrow once a morning shift
    /// could no longer start today.
    pub default_date: String,
    /// The longest shift allowed, in minutes.
    pub max_shift_minutes: u32,
    /// Where the listed fortnight of shifts begins (epoch ms).
    pub list_from: i64,
    /// The server's clock when this was read: which shifts are "today's and the next".
    pub now: i64,
}

/// How far the roster lists shifts from where it starts.
pub const LISTED_DAYS: i64 = 14;

/// What [`roster`] takes, as one value: the fields are the form's names. Every field
/// may be left out, and a call with none sends an empty body: hence the default.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RosterInput {
    pub from: Option<i64>,
}

/// The leader's roster: hours to decide, the form's choices, and a fortnight of shifts from
/// `from` (epoch ms; yesterday when absent), so shifts planned weeks ahead can be found.
#[server(endpoint = "roster/list")]
pub async fn roster(#[server(default)] input: RosterInput) -> Result<RosterData, AppError> {
    let RosterInput { from } = input;
    crate::error::answer(async move {
        use domain::duty::DAY_MS;
        let state = crate::AppState::current()?;
        let store = state.storage.as_ref();
        let (_, area) = roster_scope(store).await?;
        let now = chrono::Utc::now().timestamp_millis();
        let sites = store
            .sites_in(area)
            .await
            .map_err(AppError::from)?
            .into_iter()
            .map(|s| (s.id.0, s.name))
            .collect();
        // From the start of that day in China, so a day's shifts are listed whole.
        let list_from =
            domain::duty::local_ms(domain::duty::local_date(from.unwrap_or(now - DAY_MS)), 0);
        let shifts = store
            .shifts_in(area, list_from, list_from + LISTED_DAYS * DAY_MS)
            .await
            .map_err(AppError::from)?
            .into_iter()
            .map(ShiftCard::from)
            .collect();
        let to_decide = store
            .services_to_decide(area)
            .await
            .map_err(AppError::from)?
            .into_iter()
            .map(|s| {
                use domain::duty::port::in_force;
                let check_in = in_force(&s.checks, domain::CheckKind::In);
                let check_out = in_force(&s.checks, domain::CheckKind::Out);
                let superseded = s
                    .checks
                    .iter()
                    .filter(|c| c.kind == domain::CheckKind::In && !c.in_force())
                    .map(|c| (c.made_at, c.proof.as_str().to_owned()))
                    .collect();
                HoursToDecide {
                    assignment_id: s.assignment_id.0,
                    volunteer: s.volunteer_name,
                    site: s.shift.site_name,
                    starts_at: s.shift.window.starts_at,
                    ends_at: s.shift.window.ends_at,
                    minutes: s.minutes,
                    disputed: s.state == domain::ServiceState::Disputed,
                    flagged: s.flagged,
                    checked_in_at: check_in.map(|c| c.made_at),
                    checked_out_at: check_out.map(|c| c.made_at),
                    reason: s
                        .checks
                        .iter()
                        .filter(|c| c.kind == domain::CheckKind::In)
                        .find_map(|c| c.outside_reason.clone()),
                    superseded,
                }
            })
            .collect();
        Ok(RosterData {
            sites,
            shifts,
            to_decide,
            // A shift typed with the form's default 08:00 start must not already be past.
            default_date: domain::duty::local_date(now + 16 * 60 * domain::duty::MINUTE_MS)
                .to_string(),
            max_shift_minutes: state.duty.max_shift_minutes,
            list_from,
            now,
        })
    })
    .await
}

/// What [`cancel_shift`] takes, as one value: the fields are the form's names.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CancelShiftInput {
    pub shift_id: i64,
    pub reason: String,
}

#[server(endpoint = "roster/cancel")]
pub async fn cancel_shift(input: CancelShiftInput) -> Result<(), AppError> {
    let CancelShiftInput { shift_id, reason } = input;
    crate::error::answer(async move {
        use domain::{Action, AuditEntry, FieldError, MessageKey};
        let state = crate::AppState::current()?;
        let store = state.storage.as_ref();
        let (who, shift) = shift_in_scope(store, shift_id, Action::ManageShifts).await?;
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(FieldError::new("reason", MessageKey::ReasonRequired).into());
        }
        if reason.chars().count() > 200 {
            return Err(FieldError::new("reason", MessageKey::TooLong).into());
        }
        let now = chrono::Utc::now().timestamp_millis();
        let audit = AuditEntry {
            at_ms: now,
            actor_id: Some(who.volunteer_id),
            action: "cancel_shift".into(),
            entity: "shift".into(),
            entity_id: Some(shift.id.0),
            area_id: Some(shift.area_id),
            before: None,
            after: Some(serde_json::json!({ "reason": reason }).to_string()),
        };
        store
            .cancel_shift(shift.id, reason, now, &audit)
            .await
            .map_err(|e| match e {
                domain::StorageError::MissingReference => AppError::Conflict,
                other => other.into(),
            })
    })
    .await
}

/// Copies this week's (Monday to Sunday, China time) live shifts of the area to next week,
/// skipping any that next week already has; returns how many were made.
#[server(endpoint = "roster/copy-week")]
pub async fn copy_week() -> Result<u32, AppError> {
    crate::error::answer(async move {
        use domain::duty::week::{next_week_copies, week_start};
        use domain::duty::WEEK_MS;
        use domain::{AuditEntry, NewShift};
        let state = crate::AppState::current()?;
        let store = state.storage.as_ref();
        let (who, area) = roster_scope(store).await?;
        let now = chrono::Utc::now().timestamp_millis();
        let monday = week_start(now);
        let both_weeks = store
            .shifts_in(area, monday, monday + 2 * WEEK_MS)
            .await
            .map_err(AppError::from)?;
        let copies: Vec<NewShift> = next_week_copies(&both_weeks, monday)
            .into_iter()
            .map(|(s, window)| NewShift {
                site_id: s.site_id,
                window,
                headcount: s.headcount,
                leaders_needed: s.leaders_needed,
                notes: s.notes.clone(),
                created_by: Some(who.volunteer_id),
                created_at: now,
            })
            .collect();
        if copies.is_empty() {
            return Ok(0);
        }
        let audit = AuditEntry {
            at_ms: now,
            actor_id: Some(who.volunteer_id),
            action: "copy_week".into(),
            entity: "area".into(),
            entity_id: Some(area.0),
            area_id: Some(area),
            before: None,
            after: Some(serde_json::json!({ "shifts": copies.len() }).to_string()),
        };
        let ids = store
            .insert_shifts(&copies, &audit)
            .await
            .map_err(AppError::from)?;
        Ok(ids.len() as u32)
    })
    .await
}

/// A shift's check-in code as the leader's phone shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CodeCard {
    pub code: String,
    /// Seconds until the next code.
    pub seconds_left: u32,
    /// A QR code (SVG) of the link `/shifts?code=…` on this server: a volunteer scans it with
    /// the phone's camera or WeChat and lands on their shifts with the code filled in.
    pub qr_svg: String,
}

/// What [`check_code`] takes, as one value: the fields are the form's names.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CheckCodeInput {
    pub shift_id: i64,
}

/// The shift's current check-in code, the seconds it stays valid, and its QR code.
#[server(endpoint = "roster/code")]
pub async fn check_code(input: CheckCodeInput) -> Result<CodeCard, AppError> {
    let CheckCodeInput { shift_id } = input;
    crate::error::answer(async move {
        use domain::duty::rules::{check_in_code, CODE_PERIOD_MS};
        let state = crate::AppState::current()?;
        let (_, shift) = shift_in_scope(
            state.storage.as_ref(),
            shift_id,
            domain::Action::ManageShifts,
        )
        .await?;
        let now = chrono::Utc::now().timestamp_millis();
        let left = CODE_PERIOD_MS - now.rem_euclid(CODE_PERIOD_MS);
        let code = check_in_code(state.secrets.as_ref(), shift.id.0, now);
        Ok(CodeCard {
            qr_svg: qr_link(&code),
            code,
            seconds_left: (left / 1000) as u32,
        })
    })
    .await
}

/// The QR code of this server's `/shifts?code=…` (the host the leader's phone used).
#[cfg(feature = "ssr")]
fn qr_link(code: &str) -> String {
    use qrcode::render::svg;
    let parts = leptos::prelude::use_context::<http::request::Parts>();
    let header = |name: &str| {
        parts
            .as_ref()
            .and_then(|p| p.headers.get(name))
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let host = header("host").unwrap_or_else(|| "localhost".into());
    let scheme = header("x-forwarded-proto").unwrap_or_else(|| "http".into());
    let link = format!("{scheme}://{host}/shifts?code={code}");
    match qrcode::QrCode::new(link.as_bytes()) {
        Ok(qr) => qr
            .render::<svg::Color>()
            .min_dimensions(220, 220)
            .quiet_zone(true)
            .build(),
        Err(_) => String::new(),
    }
}

/// The new-shift form as typed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NewShiftsInput {
    pub site_id: String,
    pub date: String,
    pub start: String,
    pub end: String,
    pub headcount: String,
    pub leaders: String,
    pub notes: String,
    pub repeat: bool,
    /// "1" = Monday … "7" = Sunday.
    pub weekdays: Vec<String>,
    pub until: String,
}

/// What a submit stored: how many shifts, where, and the first of them (a year of a weekly
/// pattern is a hundred shifts; the form lists a few and says how many more).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Created {
    pub count: u32,
    pub site: String,
    /// (starts_at, ends_at) of the first [`LISTED`] shifts, in time order.
    pub first: Vec<(i64, i64)>,
}

/// How many of the created shifts the form lists by date.
pub const LISTED: usize = 8;

/// Creates the shift (or, repeated, one per matching day) and says what it created.
#[server(endpoint = "roster/create", input = server_fn::codec::Json)]
pub async fn create_shifts(input: NewShiftsInput) -> Result<Created, AppError> {
    crate::error::answer(async move {
        use domain::duty::shift::{ShiftLimits, LATE_ENTRY_MINUTES};
        use domain::{Action, AuditEntry, FieldError, MessageKey, NewShift, ShiftDraft};
        let state = crate::AppState::current()?;
        let store = state.storage.as_ref();
        crate::auth::require_login()?;
        let now = chrono::Utc::now().timestamp_millis();
        let limits = ShiftLimits {
            now,
            max_minutes: state.duty.max_shift_minutes,
        };
        let mut errors = Vec::new();
        let draft = ShiftDraft::parse(
            &input.site_id,
            &input.date,
            &input.start,
            &input.end,
            &input.headcount,
            &input.leaders,
            &input.notes,
            limits,
        )
        .map_err(|e| errors.extend(e))
        .ok();
        let pattern = if input.repeat {
            let days: Vec<&str> = input.weekdays.iter().map(String::as_str).collect();
            domain::WeeklyPattern::parse(&days, &input.start, &input.end, &input.date, &input.until)
                .map_err(|e| {
                    // The pattern reads the same times and first date as the single shift: only
                    // its own fields add problems, under the names the form uses.
                    for mut problem in e {
                        problem.field = match problem.field.as_ref() {
                            "valid_until" => "until".into(),
                            "weekdays" => "weekdays".into(),
                            _ => continue,
                        };
                        errors.push(problem);
                    }
                })
                .ok()
        } else {
            None
        };
        // A weekly pattern starts on its first matching weekday, not necessarily on the date
        // typed: whether it begins in the past is judged on its occurrences below.
        if input.repeat {
            errors.retain(|e| e.key != MessageKey::ShiftInPast);
        }
        domain::duty::shift::in_form_order(&mut errors);
        errors.dedup();
        let (Some(draft), true) = (draft, errors.is_empty()) else {
            return Err(AppError::fields(errors));
        };
        let windows = match pattern {
            Some(p) => p.occurrences(),
            None => vec![draft.window()],
        };
        let earliest = now - LATE_ENTRY_MINUTES * domain::duty::MINUTE_MS;
        if windows.iter().any(|w| w.starts_at < earliest) {
            return Err(FieldError::new("date", MessageKey::ShiftInPast).into());
        }
        let unknown_site = || AppError::from(FieldError::new("site", MessageKey::SiteUnknown));
        let site = store
            .site(draft.site_id())
            .await
            .map_err(AppError::from)?
            .ok_or_else(unknown_site)?;
        let path = store
            .area_path(site.area_id)
            .await
            .map_err(AppError::from)?;
        let who = crate::auth::require(Action::ManageShifts, &path).map_err(|e| match e {
            AppError::Forbidden => unknown_site(),
            other => other,
        })?;
        let shifts: Vec<NewShift> = windows
            .iter()
            .map(|&window| NewShift {
                site_id: site.id,
                window,
                headcount: draft.headcount(),
                leaders_needed: draft.leaders(),
                notes: draft.notes().to_owned(),
                created_by: Some(who.volunteer_id),
                created_at: now,
            })
            .collect();
        let audit = AuditEntry {
            at_ms: now,
            actor_id: Some(who.volunteer_id),
            action: "create_shifts".into(),
            entity: "site".into(),
            entity_id: Some(site.id.0),
            area_id: Some(site.area_id),
            before: None,
            after: Some(
                serde_json::json!({ "shifts": shifts.len(), "from": input.date, "until": input.until })
                    .to_string(),
            ),
        };
        let ids = store
            .insert_shifts(&shifts, &audit)
            .await
            .map_err(AppError::from)?;
        let mut first: Vec<(i64, i64)> = windows.iter().map(|w| (w.starts_at, w.ends_at)).collect();
        first.sort_unstable();
        first.truncate(LISTED);
        Ok(Created {
            count: ids.len() as u32,
            site: site.name,
            first,
        })
    })
    .await
}
