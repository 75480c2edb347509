//! A notice in words: its kind's title and body in the reader's language, with the parameters
//! filled in (times in China time, hours as hours, an incident's category and status by name).
//! The server renders it for the centre and for a push message alike, so both read the same.

use crate::duty::view::{clock, day, duration};
use crate::i18n::notify::NotifyTexts;
use crate::i18n::Lang;
use crate::incidents::view::{category_label, severity_label, status_label};
use domain::incident::{Category, IncidentStatus, Severity};
use domain::notify::{Notice, NoticeKind};

/// The title and the body of `notice` for a reader of `lang`.
pub fn render(lang: Lang, categories: &[Category], notice: &Notice) -> (String, String) {
    let t = lang.texts().notify;
    let (title, body) = templates(t, notice.kind);
    let mut out = body.to_owned();
    for (name, value) in values(lang, categories, notice) {
        out = out.replace(&format!("{{{name}}}"), &value);
    }
    (title.to_owned(), out)
}

/// The parameters as the reader sees them, by the name the templates use. `time` and `hours`
/// are derived (from `starts_at` and `minutes`); SMS templates take the same names.
pub fn values(lang: Lang, categories: &[Category], notice: &Notice) -> Vec<(String, String)> {
    let i = lang.texts().incident;
    let mut out: Vec<(String, String)> = notice
        .params
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let mut put = |name: &str, value: String| {
        out.retain(|(k, _)| k != name);
        out.push((name.to_owned(), value));
    };
    if let Ok(at) = notice.param("starts_at").parse::<i64>() {
        put("time", format!("{} {}", day(lang, at), clock(at)));
    }
    if let Ok(minutes) = notice.param("minutes").parse::<i64>() {
        put("hours", duration(lang, minutes));
    }
    if !notice.param("category").is_empty() {
        put(
            "category",
            category_label(categories, notice.param("category"), lang),
        );
    }
    if let Some(s) = IncidentStatus::parse(notice.param("status")) {
        put("status", status_label(i, s).to_owned());
    }
    let severity = match notice.param("severity") {
        "1" => Some(Severity::Normal),
        "2" => Some(Severity::Serious),
        "3" => Some(Severity::Urgent),
        _ => None,
    };
    if let Some(s) = severity {
        put("severity", severity_label(i, s).to_owned());
    }
    out
}

fn templates(t: &NotifyTexts, kind: NoticeKind) -> (&'static str, &'static str) {
    match kind {
        NoticeKind::RegistrationApproved => {
            (t.kind_registration_approved, t.body_registration_approved)
        }
        NoticeKind::RegistrationRejected => {
            (t.kind_registration_rejected, t.body_registration_rejected)
        }
        NoticeKind::ShiftReminder => (t.kind_shift_reminder, t.body_shift_reminder),
        NoticeKind::ShiftCancelled => (t.kind_shift_cancelled, t.body_shift_cancelled),
        NoticeKind::WaitlistPlaceGiven => {
            (t.kind_waitlist_place_given, t.body_waitlist_place_given)
        }
        NoticeKind::IncidentAssigned => (t.kind_incident_assigned, t.body_incident_assigned),
        NoticeKind::ReportStatusChanged => {
            (t.kind_report_status_changed, t.body_report_status_changed)
        }
        NoticeKind::HoursConfirmed => (t.kind_hours_confirmed, t.body_hours_confirmed),
        NoticeKind::HoursCorrected => (t.kind_hours_corrected, t.body_hours_corrected),
        NoticeKind::HoursDisputed => (t.kind_hours_disputed, t.body_hours_disputed),
        NoticeKind::AvailabilityAsked => (t.kind_availability_asked, t.body_availability_asked),
        NoticeKind::RosterPlaced => (t.kind_roster_placed, t.body_roster_placed),
    }
}

/// A kind's name, for the settings table.
pub fn kind_name(lang: Lang, kind: NoticeKind) -> &'static str {
    templates(lang.texts().notify, kind).0
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::notify::Subject;
    use domain::ShiftId;

    #[test]
    fn every_placeholder_of_every_kind_is_filled_in_both_languages() {
        let notice = |kind| {
            Notice::new(kind, Subject::Shift(ShiftId(1)))
                .with("site", "山大路科技市场")
                .with("starts_at", 1_790_000_000_000_i64)
                .with("reason", "暴雨")
                .with("vest_no", "PA-00042")
                .with("minutes", 200)
                .with("category", "fire")
                .with("severity", 3)
                .with("status", "resolved")
                .with("period", "国庆 2026")
                .with("count", 3)
        };
        for lang in [Lang::Zh, Lang::En] {
            for kind in NoticeKind::ALL {
                let (title, body) = render(lang, &[], &notice(kind));
                assert!(!title.is_empty());
                assert!(
                    !body.contains('{'),
                    "{kind:?} in {lang:?} left a placeholder: {body}"
                );
            }
        }
        let (_, body) = render(Lang::Zh, &[], &notice(NoticeKind::HoursConfirmed));
        assert!(body.contains("3 小时 20 分钟"), "{body}");
        let (_, body) = render(Lang::En, &[], &notice(NoticeKind::ShiftCancelled));
        assert!(body.contains("Reason: 暴雨"), "{body}");
    }
}
