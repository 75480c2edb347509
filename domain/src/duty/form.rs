//! Reading the fields of the duty forms: what every form shares, so each refuses the same
//! input with the same message.

use crate::error::{FieldError, MessageKey};
use chrono::{NaiveDate, NaiveTime, Timelike};

/// Pushes a failed field's error and carries on, so a form reports all its problems at once.
pub fn keep<T>(errors: &mut Vec<FieldError>, parsed: Result<T, FieldError>) -> Option<T> {
    parsed.map_err(|e| errors.push(e)).ok()
}

/// A date as `<input type="date">` sends it: `2026-11-25`.
pub fn parse_date(field: &'static str, input: &str) -> Result<NaiveDate, FieldError> {
    let input = input.trim();
    if input.is_empty() {
        return Err(FieldError::new(field, MessageKey::Required));
    }
    NaiveDate::parse_from_str(input, "%Y-%m-%d")
        .map_err(|_| FieldError::new(field, MessageKey::DateMalformed))
}

/// Minutes after midnight of a clock time: `08:00` as `<input type="time">` sends it, also
/// `8:00`, `08:00:00` (whole minutes only) and the full-width colon a Chinese keyboard types.
pub fn parse_clock(field: &'static str, input: &str) -> Result<u16, FieldError> {
    let input = input.trim().replace('：', ":");
    if input.is_empty() {
        return Err(FieldError::new(field, MessageKey::Required));
    }
    let time = NaiveTime::parse_from_str(&input, "%H:%M")
        .or_else(|_| NaiveTime::parse_from_str(&input, "%H:%M:%S"))
        .ok()
        .filter(|t| t.second() == 0)
        .ok_or_else(|| FieldError::new(field, MessageKey::TimeInvalid))?;
    Ok((time.hour() * 60 + time.minute()) as u16)
}

/// A whole number, or `None` when the field is empty.
pub fn parse_count(field: &'static str, input: &str) -> Result<Option<i64>, FieldError> {
    let input = input.trim();
    if input.is_empty() {
        return Ok(None);
    }
    input
        .parse()
        .map(Some)
        .map_err(|_| FieldError::new(field, MessageKey::NotANumber))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_times_are_read_as_people_type_them() {
        for t in ["8:00", "08:00", " 08:00:00 ", "08：00"] {
            assert_eq!(parse_clock("start", t), Ok(480), "{t}");
        }
        for t in ["24:00", "08:60", "0800", "8", "08:00:30", "早上八点"] {
            assert_eq!(
                parse_clock("start", t).map_err(|e| e.key),
                Err(MessageKey::TimeInvalid),
                "{t}"
            );
        }
    }

    #[test]
    fn dates_are_iso_and_counts_may_be_left_empty() {
        assert_eq!(
            parse_date("date", " 2026-11-25 "),
            Ok(NaiveDate::from_ymd_opt(2026, 11, 25).expect("date"))
        );
        assert_eq!(
            parse_date("date", "2026/11/25").map_err(|e| e.key),
            Err(MessageKey::DateMalformed)
        );
        assert_eq!(
            parse_date("date", " ").map_err(|e| e.key),
            Err(MessageKey::Required)
        );
        assert_eq!(parse_count("headcount", " "), Ok(None));
        assert_eq!(parse_count("headcount", "12"), Ok(Some(12)));
        assert_eq!(
            parse_count("headcount", "十二").map_err(|e| e.key),
            Err(MessageKey::NotANumber)
        );
    }
}
