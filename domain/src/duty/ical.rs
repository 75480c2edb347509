//! A volunteer's shifts as an iCalendar feed (RFC 5545), so the phone's own calendar reminds
//! them. Only what a calendar needs: when, where, and whether the shift was cancelled.

use chrono::DateTime;

/// One shift in the feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarEvent {
    /// Stable across fetches, so a calendar updates the event instead of adding another.
    pub uid: String,
    pub starts_at: i64,
    pub ends_at: i64,
    pub summary: String,
    pub location: String,
    pub description: String,
    pub cancelled: bool,
}

/// The whole `text/calendar` document, lines ending in CRLF and folded at 75 octets.
pub fn calendar(name: &str, events: &[CalendarEvent], now: i64) -> String {
    let mut lines = vec![
        "BEGIN:VCALENDAR".to_owned(),
        "VERSION:2.0".to_owned(),
        "PRODID:-//Pingan Vest//平安马甲//ZH".to_owned(),
        "CALSCALE:GREGORIAN".to_owned(),
        "METHOD:PUBLISH".to_owned(),
        format!("X-WR-CALNAME:{}", escape(name)),
        "X-WR-TIMEZONE:Asia/Shanghai".to_owned(),
    ];
    for e in events {
        lines.push("BEGIN:VEVENT".to_owned());
        lines.push(format!("UID:{}", escape(&e.uid)));
        lines.push(format!("DTSTAMP:{}", utc(now)));
        lines.push(format!("DTSTART:{}", utc(e.starts_at)));
        lines.push(format!("DTEND:{}", utc(e.ends_at)));
        lines.push(format!("SUMMARY:{}", escape(&e.summary)));
        lines.push(format!("LOCATION:{}", escape(&e.location)));
        if !e.description.is_empty() {
            lines.push(format!("DESCRIPTION:{}", escape(&e.description)));
        }
        lines.push(format!(
            "STATUS:{}",
            if e.cancelled {
                "CANCELLED"
            } else {
                "CONFIRMED"
            }
        ));
        // A reminder an hour before: time to put on the vest and get there.
        if !e.cancelled {
            lines.push("BEGIN:VALARM".to_owned());
            lines.push("ACTION:DISPLAY".to_owned());
            lines.push("TRIGGER:-PT1H".to_owned());
            lines.push(format!("DESCRIPTION:{}", escape(&e.summary)));
            lines.push("END:VALARM".to_owned());
        }
        lines.push("END:VEVENT".to_owned());
    }
    lines.push("END:VCALENDAR".to_owned());
    lines.iter().map(|l| fold(l)).collect()
}

/// `20261125T000000Z`
fn utc(at: i64) -> String {
    DateTime::from_timestamp_millis(at)
        .map(|t| t.format("%Y%m%dT%H%M%SZ").to_string())
        .unwrap_or_default()
}

/// TEXT values escape backslash, semicolon, comma and line breaks.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Splits a content line into pieces of at most 75 octets (never inside a UTF-8 character),
/// each continuation starting with a space, all ending in CRLF.
fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut used = 0;
    for c in line.chars() {
        let len = c.len_utf8();
        if used + len > 75 {
            out.push_str("\r\n ");
            used = 1;
        }
        out.push(c);
        used += len;
    }
    out.push_str("\r\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(cancelled: bool) -> CalendarEvent {
        CalendarEvent {
            uid: "assignment-7@pingan".into(),
            starts_at: 1_795_536_000_000 + 8 * 3_600_000,
            ends_at: 1_795_536_000_000 + 12 * 3_600_000,
            summary: "平安巡逻 · 山大路小学".into(),
            location: "山大路小学, 山大路社区".into(),
            description: "带好手电;注意安全".into(),
            cancelled,
        }
    }

    #[test]
    fn a_shift_becomes_an_event_in_utc_with_a_reminder() {
        let text = calendar("我的班次", &[event(false)], 0);
        assert!(text.starts_with("BEGIN:VCALENDAR\r\n"));
        assert!(text.ends_with("END:VCALENDAR\r\n"));
        assert!(text.contains("DTSTART:20261125T000000Z\r\n"), "{text}");
        assert!(text.contains("DTEND:20261125T040000Z\r\n"));
        assert!(text.contains("LOCATION:山大路小学\\, 山大路社区\r\n"));
        assert!(text.contains("DESCRIPTION:带好手电\\;注意安全\r\n"));
        assert!(text.contains("STATUS:CONFIRMED"));
        assert!(text.contains("TRIGGER:-PT1H"));
    }

    #[test]
    fn a_cancelled_shift_stays_in_the_feed_marked_cancelled() {
        let text = calendar("我的班次", &[event(true)], 0);
        assert!(text.contains("STATUS:CANCELLED"));
        assert!(!text.contains("VALARM"));
    }

    #[test]
    fn long_lines_fold_at_75_octets_without_splitting_a_character() {
        let long = "巡".repeat(60);
        let folded = fold(&format!("SUMMARY:{long}"));
        for piece in folded.split("\r\n").filter(|p| !p.is_empty()) {
            assert!(piece.len() <= 75, "{} octets", piece.len());
        }
        let unfolded: String = folded.replace("\r\n ", "").trim_end().to_owned();
        assert_eq!(unfolded, format!("SUMMARY:{long}"));
    }
}
