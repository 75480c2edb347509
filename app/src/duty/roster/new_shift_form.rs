//! The leader's new-shift form on `/shifts/manage`: one shift, or one per ticked weekday over a
//! date range. It tells the truth before anything is stored — a start already past, a shift
//! that ends when it starts or runs longer than the association allows are refused, every
//! problem is shown at once beside its field, a night shift says that it ends the next day —
//! and after storing it lists what was created, with a way to see those shifts in the list.

use super::api::{Created, NewShiftsInput};
use crate::duty::view::{duration, when};
use crate::field::{described_by, Field};
use crate::i18n::{use_lang, use_texts};
use crate::AppError;
use leptos::prelude::*;

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
