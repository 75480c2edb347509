//! What the duty pages receive from the server, how times read on a phone, and the line of how
//! full a shift is that both the shifts page and the roster show. Both sides
//! format from the same numbers with the same code, so hydration sees the same text.

use crate::i18n::Lang;
use chrono::Datelike;
use serde::{Deserialize, Serialize};

/// A shift as a card shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShiftCard {
    pub id: i64,
    pub site_id: i64,
    pub site: String,
    /// Metres from the phone, when the volunteer asked for shifts near them.
    pub distance_m: Option<u32>,
    pub starts_at: i64,
    pub ends_at: i64,
    pub headcount: u32,
    pub leaders_needed: u32,
    pub signed_up: u32,
    pub leaders_signed_up: u32,
    pub waitlisted: u32,
    pub notes: String,
    /// The leader's reason, once cancelled.
    pub cancelled: Option<String>,
}

#[cfg(feature = "ssr")]
impl From<domain::Shift> for ShiftCard {
    fn from(s: domain::Shift) -> Self {
        Self {
            id: s.id.0,
            site_id: s.site_id.0,
            site: s.site_name,
            distance_m: None,
            starts_at: s.window.starts_at,
            ends_at: s.window.ends_at,
            headcount: s.headcount,
            leaders_needed: s.leaders_needed,
            signed_up: s.signed_up,
            leaders_signed_up: s.leaders_signed_up,
            waitlisted: s.waitlisted,
            notes: s.notes,
            cancelled: s.cancelled.map(|(_, why)| why),
        }
    }
}

impl ShiftCard {
    pub fn is_full(&self) -> bool {
        self.signed_up >= self.headcount
    }
}

/// A check event as the volunteer and the leader see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckView {
    pub client_key: String,
    pub made_at: i64,
    /// `Proof::as_str`: inside, outside, unknown, qr, auto.
    pub proof: String,
    pub reason: Option<String>,
}

#[cfg(feature = "ssr")]
impl From<domain::CheckEvent> for CheckView {
    fn from(c: domain::CheckEvent) -> Self {
        Self {
            client_key: c.client_key,
            made_at: c.made_at,
            proof: c.proof.as_str().to_owned(),
            reason: c.outside_reason,
        }
    }
}

/// One of my shifts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MyShiftCard {
    pub assignment_id: i64,
    pub shift: ShiftCard,
    pub waitlisted: bool,
    pub checked_in: Option<CheckView>,
    pub checked_out: Option<CheckView>,
    /// Minutes claimed and the record's state (pending, confirmed, disputed).
    pub service: Option<(u32, String)>,
    /// Still before the cancel cut-off.
    pub may_cancel: bool,
    /// Check events are accepted now (from an hour before the start to the grace after).
    pub check_open: bool,
    /// Between its start and its end now: "in progress", never "next".
    pub under_way: bool,
    /// Until when the sign-up can be cancelled online (the cut-off before the start).
    pub cancel_until: i64,
    /// When check-in opens, if it has not yet.
    pub check_opens_at: Option<i64>,
}

use domain::duty::local_datetime as local;

/// "11月25日 周三 08:00–12:00" / "Wed 25 Nov 08:00–12:00"; an end on the next day is marked.
pub fn when(lang: Lang, starts_at: i64, ends_at: i64) -> String {
    let (Some(s), Some(e)) = (local(starts_at), local(ends_at)) else {
        return String::new();
    };
    let next_day = if e.date() > s.date() {
        match lang {
            Lang::Zh => "（次日）",
            Lang::En => " (next day)",
        }
    } else {
        ""
    };
    format!(
        "{} {}–{}{next_day}",
        day(lang, starts_at),
        s.format("%H:%M"),
        e.format("%H:%M")
    )
}

/// "11月25日 周三" / "Wed 25 Nov": the local day a shift starts.
pub fn day(lang: Lang, at: i64) -> String {
    local(at)
        .map(|t| day_of(lang, t.date()))
        .unwrap_or_default()
}

/// A stored date ("2026-12-02") the way every page writes days: "12月2日 周三" / "Wed 2 Dec".
pub fn date_label(lang: Lang, date: &str) -> String {
    chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d")
        .map(|d| day_of(lang, d))
        .unwrap_or_else(|_| date.to_owned())
}

fn day_of(lang: Lang, d: chrono::NaiveDate) -> String {
    match lang {
        Lang::Zh => {
            const DAYS: [&str; 7] = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"];
            let weekday = d.weekday().num_days_from_monday() as usize;
            format!("{}月{}日 {}", d.month(), d.day(), DAYS[weekday])
        }
        Lang::En => d.format("%a %-d %b").to_string(),
    }
}

/// "08:03" in China time.
pub fn clock(at: i64) -> String {
    local(at)
        .map(|t| t.format("%H:%M").to_string())
        .unwrap_or_default()
}

/// Minutes as "3 小时 20 分钟" / "3 h 20 min".
pub fn duration(lang: Lang, minutes: i64) -> String {
    let t = lang.texts().duty;
    let (h, m) = (minutes / 60, minutes % 60);
    match (h, m) {
        (0, m) => format!("{m} {}", t.minutes_unit),
        (h, 0) => format!("{h} {}", t.hours_unit),
        (h, m) => format!("{h} {} {} {}", t.hours_unit, m.abs(), t.minutes_unit),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_date_reads_like_every_other_day_label() {
        assert_eq!(date_label(Lang::Zh, "2026-12-02"), "12月2日 周三");
        assert_eq!(date_label(Lang::En, "2026-12-02"), "Wed 2 Dec");
        assert_eq!(date_label(Lang::Zh, "not a date"), "not a date");
        let at = domain::duty::local_ms(
            chrono::NaiveDate::from_ymd_opt(2026, 12, 2).expect("date"),
            8 * 60,
        );
        assert_eq!(day(Lang::Zh, at), date_label(Lang::Zh, "2026-12-02"));
    }

    /// 2026-11-25 08:00 in China.
    const EIGHT: i64 = 1_795_536_000_000 + 8 * 3_600_000;

    #[test]
    fn shift_times_read_in_china_time_in_both_languages() {
        let four_hours = EIGHT + 4 * 3_600_000;
        assert_eq!(
            when(Lang::Zh, EIGHT, four_hours),
            "11月25日 周三 08:00–12:00"
        );
        assert_eq!(when(Lang::En, EIGHT, four_hours), "Wed 25 Nov 08:00–12:00");
        let night = EIGHT + 14 * 3_600_000;
        assert_eq!(
            when(Lang::Zh, night, night + 8 * 3_600_000),
            "11月25日 周三 22:00–06:00（次日）"
        );
        assert_eq!(clock(EIGHT), "08:00");
        assert_eq!(day(Lang::Zh, EIGHT), "11月25日 周三");
        assert_eq!(day(Lang::En, EIGHT), "Wed 25 Nov");
    }

    #[test]
    fn durations_read_as_hours_and_minutes() {
        assert_eq!(duration(Lang::Zh, 200), "3 小时 20 分钟");
        assert_eq!(duration(Lang::En, 45), "45 min");
        assert_eq!(duration(Lang::En, 120), "2 h");
    }
}

/// "已报名 3/5 · 队长 1/1 · 候补 2"
#[leptos::component]
pub fn Filled(shift: ShiftCard) -> impl leptos::IntoView {
    use leptos::prelude::*;
    let d = crate::i18n::use_texts().duty;
    view! {
        <p class="shift-filled" data-testid="filled">
            <span>{d.filled} " " {shift.signed_up} "/" {shift.headcount}</span>
            {(shift.leaders_needed > 0)
                .then(|| {
                    view! {
                        <span>
                            " · " {d.leaders} " " {shift.leaders_signed_up} "/"
                            {shift.leaders_needed}
                        </span>
                    }
                })}
            {(shift.waitlisted > 0)
                .then(|| view! { <span>" · " {d.waitlist_count} " " {shift.waitlisted}</span> })}
        </p>
    }
}
