//! The leader's new-shift form on `/shifts/manage`: one shift, or one per ticked weekday over a
//! date range. It tells the truth before anything is stored — a start already past, a shift
//! that ends when it starts or runs longer than the association allows are refused, every
//! problem is shown at once beside its field, a night shift says that it ends the next day —
//! and after storing it lists what was created, with a way to see those shifts in the list.

use super::view::{duration, when};
use crate::field::{described_by, Field};
use crate::i18n::{use_lang, use_texts};
use crate::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

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

/// "4 小时" for a day shift, "夜班：次日 06:00 结束，共 8 小时" across midnight, nothing while
/// the times are incomplete or equal (the submit says what is wrong then).
fn length_hint(
    lang: crate::i18n::Lang,
    d: &crate::i18n::duty::DutyTexts,
    start: &str,
    end: &str,
) -> Option<String> {
    use domain::duty::form::parse_clock;
    let (s, e) = (
        parse_clock("start", start).ok()?,
        parse_clock("end", end).ok()?,
    );
    if s == e {
        return None;
    }
    let minutes = if e > s { e - s } else { e + 1440 - s };
    let length = duration(lang, i64::from(minutes));
    Some(if e > s {
        d.shift_length.replace("{length}", &length)
    } else {
        d.night_shift_length
            .replace("{end}", &format!("{:02}:{:02}", e / 60, e % 60))
            .replace("{length}", &length)
    })
}

#[component]
pub fn NewShiftForm(
    sites: Vec<(i64, String)>,
    today: String,
    /// The longest shift allowed, in minutes (shown beside the times).
    max_minutes: u32,
    form: RwSignal<NewShiftsInput>,
    create: Action<NewShiftsInput, Result<Created, AppError>>,
    /// Set to a created shift's start to show the list from that day.
    list_from: RwSignal<Option<i64>>,
) -> impl IntoView {
    let t = use_texts();
    let d = t.duty;
    let lang = use_lang();
    // First drawn: the first site and today.
    form.update_untracked(|f| {
        if f.site_id.is_empty() {
            f.site_id = sites.first().map(|s| s.0.to_string()).unwrap_or_default();
        }
        if f.date.is_empty() {
            f.date = today.clone();
            f.until = today;
        }
    });
    // A failure that is not about a field (no permission, the network) is shown above the button.
    let general = move || {
        create.value().with(|v| match v {
            Some(Err(e)) if e.field_errors().is_empty() => Some(e.user_message(t)),
            _ => None,
        })
    };
    let created = move || {
        create
            .value()
            .with(|v| v.as_ref().and_then(|r| r.as_ref().ok().cloned()))
    };
    let field = move |get: fn(&NewShiftsInput) -> &String, set: fn(&mut NewShiftsInput, String)| {
        (
            move || form.with(|f| get(f).clone()),
            move |ev: leptos::ev::Event| form.update(|f| set(f, event_target_value(&ev))),
        )
    };
    let (date, set_date) = field(|f| &f.date, |f, v| f.date = v);
    let (start, set_start) = field(|f| &f.start, |f, v| f.start = v);
    let (end, set_end) = field(|f| &f.end, |f, v| f.end = v);
    let (headcount, set_headcount) = field(|f| &f.headcount, |f, v| f.headcount = v);
    let (leaders, set_leaders) = field(|f| &f.leaders, |f, v| f.leaders = v);
    let (notes, set_notes) = field(|f| &f.notes, |f, v| f.notes = v);
    let (until, set_until) = field(|f| &f.until, |f, v| f.until = v);
    let repeat = move || form.with(|f| f.repeat);
    let names: Vec<String> = d.weekday_names.chars().map(String::from).collect();
    let hint = move || form.with(|f| length_hint(lang, d, &f.start, &f.end));
    let most = d
        .max_shift_hint
        .replace("{length}", &duration(lang, i64::from(max_minutes)));
    let problem = move |field: &'static str| crate::actions::field_problem(create, field, t);
    let invalid = move |field: &'static str| {
        let problem = crate::actions::field_problem(create, field, t);
        move || problem().is_some().then_some("true")
    };
    view! {
        <form
            class="card stack"
            data-testid="new-shift"
            novalidate
            on:submit=move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                create.dispatch(form.get());
            }
        >
            <h2>{d.new_shift}</h2>
            <Field id="shift-site" label=d.site name="site" problem=problem("site")>
                <select
                    id="shift-site"
                    name="site_id"
                    aria-invalid=invalid("site")
                    aria-describedby=described_by("shift-site")
                    on:change=move |ev| form.update(|f| f.site_id = event_target_value(&ev))
                >
                    {sites
                        .into_iter()
                        .map(|(id, n)| {
                            let selected = form.with_untracked(|f| f.site_id == id.to_string());
                            view! {
                                <option value=id.to_string() selected=selected>
                                    {n}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </Field>
            <Field id="shift-date" label=d.date name="date" problem=problem("date")>
                <input
                    id="shift-date"
                    type="date"
                    name="date"
                    aria-invalid=invalid("date")
                    aria-describedby=described_by("shift-date")
                    prop:value=date
                    on:input=set_date
                />
            </Field>
            <div class="row">
                <Field id="shift-start" label=d.start name="start" problem=problem("start")>
                    <input
                        id="shift-start"
                        type="time"
                        name="start"
                        aria-invalid=invalid("start")
                        aria-describedby=described_by("shift-start")
                        prop:value=start
                        on:input=set_start
                    />
                </Field>
                <Field id="shift-end" label=d.end name="end" problem=problem("end")>
                    <input
                        id="shift-end"
                        type="time"
                        name="end"
                        aria-invalid=invalid("end")
                        aria-describedby=described_by("shift-end")
                        prop:value=end
                        on:input=set_end
                    />
                </Field>
            </div>
            <p class="hint" data-testid="length-hint">
                {move || hint().unwrap_or_else(|| d.overnight_hint.to_owned())}
                " "
                {most.clone()}
            </p>
            <div class="row">
                <Field
                    id="shift-headcount"
                    label=d.headcount
                    name="headcount"
                    problem=problem("headcount")
                >
                    <input
                        id="shift-headcount"
                        inputmode="numeric"
                        name="headcount"
                        aria-invalid=invalid("headcount")
                        aria-describedby=described_by("shift-headcount")
                        prop:value=headcount
                        on:input=set_headcount
                    />
                </Field>
                <Field
                    id="shift-leaders"
                    label=d.leaders_needed
                    name="leaders"
                    problem=problem("leaders")
                >
                    <input
                        id="shift-leaders"
                        inputmode="numeric"
                        name="leaders"
                        placeholder="0"
                        aria-invalid=invalid("leaders")
                        aria-describedby=described_by("shift-leaders")
                        prop:value=leaders
                        on:input=set_leaders
                    />
                </Field>
            </div>
            <Field id="shift-notes" label=d.notes name="notes" problem=problem("notes")>
                <input
                    id="shift-notes"
                    maxlength="500"
                    name="notes"
                    aria-invalid=invalid("notes")
                    aria-describedby=described_by("shift-notes")
                    prop:value=notes
                    on:input=set_notes
                />
            </Field>
            <label class="check">
                <input
                    type="checkbox"
                    name="repeat"
                    prop:checked=repeat
                    on:change=move |ev| form.update(|f| f.repeat = event_target_checked(&ev))
                />
                <span>{d.repeat_weekly}</span>
            </label>
            <Show when=repeat>
                <fieldset class="weekdays">
                    <legend>{d.weekdays}</legend>
                    {names
                        .clone()
                        .into_iter()
                        .enumerate()
                        .map(|(i, name)| {
                            let value = (i + 1).to_string();
                            let v2 = value.clone();
                            view! {
                                <label class="check day">
                                    <input
                                        type="checkbox"
                                        value=value.clone()
                                        prop:checked=move || form.with(|f| f.weekdays.contains(&v2))
                                        on:change=move |ev| {
                                            let on = event_target_checked(&ev);
                                            let v = value.clone();
                                            form.update(|f| {
                                                f.weekdays.retain(|w| *w != v);
                                                if on {
                                                    f.weekdays.push(v);
                                                }
                                            });
                                        }
                                    />
                                    <span>{name}</span>
                                </label>
                            }
                        })
                        .collect_view()}
                    {move || {
                        problem("weekdays")()
                            .map(|m| {
                                view! {
                                    <p
                                        class="field-error"
                                        role="alert"
                                        data-testid="error-weekdays"
                                    >
                                        {m}
                                    </p>
                                }
                            })
                    }}
                </fieldset>
                <Field id="shift-until" label=d.until name="until" problem=problem("until")>
                    <input
                        id="shift-until"
                        type="date"
                        name="until"
                        aria-invalid=invalid("until")
                        aria-describedby=described_by("shift-until")
                        prop:value=until
                        on:input=set_until
                    />
                </Field>
            </Show>
            {move || {
                general()
                    .map(|e| {
                        view! {
                            <p class="form-error" role="alert">
                                {e}
                            </p>
                        }
                    })
            }}
            {move || {
                created()
                    .map(|c| {
                        let more = c.count as usize - c.first.len().min(c.count as usize);
                        let first_start = c.first.first().map(|w| w.0);
                        view! {
                            <div class="alert ok stack" role="status" data-testid="created-shifts">
                                <p data-testid="created">{format!("{}{}", d.created, c.count)}</p>
                                <ul class="created-list">
                                    {c
                                        .first
                                        .iter()
                                        .map(|&(s, e)| {
                                            view! {
                                                <li>{c.site.clone()} " · " {when(lang, s, e)}</li>
                                            }
                                        })
                                        .collect_view()}
                                    {(more > 0)
                                        .then(|| {
                                            view! {
                                                <li>{d.created_more.replace("{n}", &more.to_string())}</li>
                                            }
                                        })}
                                </ul>
                                {first_start
                                    .map(|s| {
                                        view! {
                                            <button
                                                type="button"
                                                class="button text"
                                                data-testid="show-created"
                                                on:click=move |_| list_from.set(Some(s))
                                            >
                                                {d.show_created}
                                            </button>
                                        }
                                    })}
                            </div>
                        }
                    })
            }}
            <button
                type="submit"
                class="button primary block"
                disabled=move || create.pending().get()
            >
                {d.create_shifts}
            </button>
        </form>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{duty::ZH, Lang};

    #[test]
    fn the_length_hint_says_when_a_shift_ends_the_next_day() {
        assert_eq!(
            length_hint(Lang::Zh, &ZH, "08:00", "12:00").as_deref(),
            Some("共 4 小时。")
        );
        assert_eq!(
            length_hint(Lang::Zh, &ZH, "22:00", "06:00").as_deref(),
            Some("夜班：次日 06:00 结束，共 8 小时。")
        );
        assert_eq!(length_hint(Lang::Zh, &ZH, "09:00", "09:00"), None);
        assert_eq!(length_hint(Lang::Zh, &ZH, "09:00", ""), None);
    }
}
