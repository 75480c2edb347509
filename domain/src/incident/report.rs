//! The report form (上报): what a volunteer fills in on the phone when reporting an incident.
//! The same parsing runs in the browser and on the server, and an offline report is parsed
//! again when it is finally sent, so every check here must still hold days later: hence the
//! phone's own clock (`made_at`) is accepted up to a week in the past.

use super::category::Categories;
use super::free_text;
use crate::duty::{DAY_MS, MINUTE_MS};
use crate::error::{FieldError, MessageKey};
use crate::geo_point::GeoPoint;
use serde::{Deserialize, Serialize};

/// How serious an incident is, as the reporter judges it: 一般, 较重, 紧急. The numbers are
/// what the form sends and the database stores, and they order by urgency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Severity {
    /// 一般: deal with it in the normal course.
    Normal = 1,
    /// 较重: should be looked at soon.
    Serious = 2,
    /// 紧急: needs someone now.
    Urgent = 3,
}

impl Severity {
    /// Every severity, least urgent first: the order of the form's choices.
    pub const ALL: [Severity; 3] = [Self::Normal, Self::Serious, Self::Urgent];

    /// The value stored in the database.
    pub fn as_i64(self) -> i64 {
        self as i64
    }

    /// Reads back a stored value (see [`Severity::as_i64`]).
    pub fn from_i64(n: i64) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_i64() == n)
    }

    /// Reads the form field `severity`: `1`, `2` or `3`.
    pub fn parse(s: &str) -> Result<Self, FieldError> {
        match s.trim() {
            "" => Err(FieldError::new("severity", MessageKey::Required)),
            "1" => Ok(Self::Normal),
            "2" => Ok(Self::Serious),
            "3" => Ok(Self::Urgent),
            _ => Err(FieldError::new("severity", MessageKey::SeverityInvalid)),
        }
    }
}

/// A description is a few sentences typed on a phone, not a statement for the police.
pub const MAX_BODY_CHARS: usize = 500;
/// The worst position accuracy still worth keeping: beyond 10 km the phone does not know
/// where it is, and a larger figure is a bug or a tampered request.
pub const MAX_ACCURACY_M: f64 = 10_000.0;
/// How long a report may wait on the phone before it is sent: a volunteer without signal
/// may sync days later, but a week-old report is news to no one and more likely a bad clock.
pub const MAX_REPORT_AGE_MS: i64 = 7 * DAY_MS;
/// How far the phone's clock may run ahead of the server's: a few minutes of drift is
/// normal, more means the time cannot be trusted.
pub const MAX_CLOCK_AHEAD_MS: i64 = 5 * MINUTE_MS;

/// A report ready to store: every field parsed and checked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IncidentDraft {
    /// A code among the configured categories at the time of the report.
    pub category: String,
    pub severity: Severity,
    /// Trimmed, 1 to [`MAX_BODY_CHARS`] characters; line breaks are `\n`.
    pub body: String,
    /// Where the phone was, WGS-84.
    pub at: GeoPoint,
    /// The position's accuracy radius in metres, if the phone gave one.
    pub accuracy_m: Option<f64>,
    /// When the volunteer made the report, by the phone's clock (epoch ms).
    pub made_at: i64,
}

impl IncidentDraft {
    /// Parses the report form, checking the fields in the order the form shows them and
    /// returning the first problem. `now` is the server's clock (or the phone's, in the
    /// browser), against which the phone's `made_at` is judged.
    // One argument per form field, as the form sends them: bundling them into a struct would
    // only move the same list of names somewhere else.
    #[allow(clippy::too_many_arguments)]
    pub fn parse(
        categories: &Categories,
        category: &str,
        severity: &str,
        body: &str,
        lat: f64,
        lon: f64,
        accuracy_m: Option<f64>,
        made_at: i64,
        now: i64,
    ) -> Result<Self, FieldError> {
        let category = categories.parse_choice(category)?;
        let severity = Severity::parse(severity)?;
        let body = free_text("body", body, MAX_BODY_CHARS)?
            .ok_or_else(|| FieldError::new("body", MessageKey::Required))?;
        // GeoPoint refuses NaN and infinities as well as positions off the globe.
        let at = GeoPoint::new(lat, lon)?;
        if let Some(accuracy) = accuracy_m {
            if !(0.0..=MAX_ACCURACY_M).contains(&accuracy) {
                return Err(FieldError::new("accuracy", MessageKey::AccuracyInvalid));
            }
        }
        let earliest = now.saturating_sub(MAX_REPORT_AGE_MS);
        let latest = now.saturating_add(MAX_CLOCK_AHEAD_MS);
        if !(earliest..=latest).contains(&made_at) {
            return Err(FieldError::new("made_at", MessageKey::ClockOutOfRange));
        }
        Ok(Self {
            category,
            severity,
            body,
            at,
            accuracy_m,
            made_at,
        })
    }
}

/// Whether a report may carry `count` photos, at most `max` (a deployment setting: each photo
/// costs the volunteer's mobile data and the server's disk).
pub fn photo_count_ok(count: usize, max: usize) -> Result<(), FieldError> {
    if count > max {
        return Err(FieldError::new("photos", MessageKey::TooManyPhotos));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// 2026-11-25 00:00 in China.
    const NOW: i64 = 1_795_536_000_000;

    fn report(
        body: &str,
        lat: f64,
        accuracy_m: Option<f64>,
        made_at: i64,
    ) -> Result<IncidentDraft, FieldError> {
        IncidentDraft::parse(
            &Categories::defaults(),
            "fire",
            "2",
            body,
            lat,
            117.0483,
            accuracy_m,
            made_at,
            NOW,
        )
    }

    fn problem(r: Result<IncidentDraft, FieldError>) -> (String, MessageKey) {
        let e = r.expect_err("invalid");
        (e.field.into_owned(), e.key)
    }

    #[test]
    fn a_report_from_the_stairwell_parses() {
        let d = report(
            "  三楼楼道堆放纸箱，\r\n堵住消防通道  ",
            36.6651,
            Some(12.5),
            NOW - 60_000,
        )
        .expect("valid");
        assert_eq!(d.category, "fire");
        assert_eq!(d.severity, Severity::Serious);
        assert_eq!(d.body, "三楼楼道堆放纸箱，\n堵住消防通道");
        assert_eq!((d.at.lat(), d.at.lon()), (36.6651, 117.0483));
        assert_eq!(d.accuracy_m, Some(12.5));
        assert_eq!(d.made_at, NOW - 60_000);
    }

    #[test]
    fn severities_are_read_from_the_form_and_the_database() {
        assert_eq!(Severity::parse(" 3 "), Ok(Severity::Urgent));
        assert_eq!(
            Severity::parse(""),
            Err(FieldError::new("severity", MessageKey::Required))
        );
        for bad in ["0", "4", "urgent", "紧急", "1.0"] {
            assert_eq!(
                Severity::parse(bad),
                Err(FieldError::new("severity", MessageKey::SeverityInvalid)),
                "{bad}"
            );
        }
        for s in Severity::ALL {
            assert_eq!(Severity::from_i64(s.as_i64()), Some(s));
            assert_eq!(Severity::parse(&s.as_i64().to_string()), Ok(s));
        }
        assert_eq!(Severity::from_i64(0), None);
        assert!(Severity::Normal < Severity::Serious && Severity::Serious < Severity::Urgent);
    }

    #[test]
    fn fields_are_checked_in_form_order() {
        let all_bad = |category: &str, severity: &str, body: &str| {
            IncidentDraft::parse(
                &Categories::defaults(),
                category,
                severity,
                body,
                f64::NAN,
                f64::NAN,
                Some(-1.0),
                0,
                NOW,
            )
        };
        assert_eq!(
            problem(all_bad("", "", "")),
            ("category".into(), MessageKey::Required)
        );
        assert_eq!(
            problem(all_bad("fire", "", "")),
            ("severity".into(), MessageKey::Required)
        );
        assert_eq!(
            problem(all_bad("fire", "1", "")),
            ("body".into(), MessageKey::Required)
        );
        assert_eq!(
            problem(all_bad("fire", "1", "有人")),
            ("lat".into(), MessageKey::LatitudeOutOfRange)
        );
        let bad_accuracy = IncidentDraft::parse(
            &Categories::defaults(),
            "fire",
            "1",
            "有人",
            36.0,
            117.0,
            Some(-1.0),
            0,
            NOW,
        );
        assert_eq!(
            problem(bad_accuracy),
            ("accuracy".into(), MessageKey::AccuracyInvalid)
        );
        assert_eq!(
            problem(report("有人", 36.0, None, 0)),
            ("made_at".into(), MessageKey::ClockOutOfRange)
        );
    }

    #[test]
    fn the_body_is_required_bounded_and_free_of_control_characters() {
        assert_eq!(
            problem(report(" \r\n ", 36.0, None, NOW)),
            ("body".into(), MessageKey::Required)
        );
        assert!(report(&"火".repeat(MAX_BODY_CHARS), 36.0, None, NOW).is_ok());
        assert_eq!(
            problem(report(&"火".repeat(MAX_BODY_CHARS + 1), 36.0, None, NOW)),
            ("body".into(), MessageKey::TooLong)
        );
        assert_eq!(
            problem(report("有\u{1b}[31m人", 36.0, None, NOW)),
            ("body".into(), MessageKey::TextInvalid)
        );
    }

    #[test]
    fn positions_off_the_globe_or_not_numbers_are_refused() {
        assert_eq!(
            problem(report("有人", 90.5, None, NOW)),
            ("lat".into(), MessageKey::LatitudeOutOfRange)
        );
        assert_eq!(
            problem(report("有人", f64::INFINITY, None, NOW)),
            ("lat".into(), MessageKey::LatitudeOutOfRange)
        );
        let bad_lon = IncidentDraft::parse(
            &Categories::defaults(),
            "fire",
            "1",
            "有人",
            36.0,
            f64::NAN,
            None,
            NOW,
            NOW,
        );
        assert_eq!(
            problem(bad_lon),
            ("lon".into(), MessageKey::LongitudeOutOfRange)
        );
    }

    #[test]
    fn accuracy_is_optional_but_must_be_a_plausible_distance() {
        assert!(report("有人", 36.0, None, NOW).is_ok());
        assert!(report("有人", 36.0, Some(0.0), NOW).is_ok());
        assert!(report("有人", 36.0, Some(MAX_ACCURACY_M), NOW).is_ok());
        for bad in [-0.1, MAX_ACCURACY_M + 0.1, f64::NAN, f64::INFINITY] {
            assert_eq!(
                problem(report("有人", 36.0, Some(bad), NOW)),
                ("accuracy".into(), MessageKey::AccuracyInvalid),
                "{bad}"
            );
        }
    }

    #[test]
    fn the_phone_clock_may_lag_a_week_and_run_ahead_five_minutes() {
        let at = |made_at| report("有人", 36.0, None, made_at).map(|d| d.made_at);
        assert_eq!(at(NOW - 7 * DAY_MS), Ok(NOW - 7 * DAY_MS));
        assert_eq!(at(NOW + 5 * MINUTE_MS), Ok(NOW + 5 * MINUTE_MS));
        for bad in [
            NOW - 7 * DAY_MS - 1,
            NOW + 5 * MINUTE_MS + 1,
            i64::MIN,
            i64::MAX,
        ] {
            assert_eq!(
                at(bad),
                Err(FieldError::new("made_at", MessageKey::ClockOutOfRange))
            );
        }
        // A server clock at the ends of the range must not overflow.
        let edge = |now| {
            IncidentDraft::parse(
                &Categories::defaults(),
                "other",
                "1",
                "x",
                0.0,
                0.0,
                None,
                now,
                now,
            )
            .is_ok()
        };
        assert!(edge(i64::MAX) && edge(i64::MIN));
    }

    #[test]
    fn photos_are_counted_against_the_limit() {
        assert_eq!(photo_count_ok(0, 3), Ok(()));
        assert_eq!(photo_count_ok(3, 3), Ok(()));
        assert_eq!(
            photo_count_ok(4, 3),
            Err(FieldError::new("photos", MessageKey::TooManyPhotos))
        );
    }

    proptest! {
        #[test]
        fn any_accepted_report_has_a_clock_within_the_window(
            offset in -8 * DAY_MS..=8 * DAY_MS,
            accuracy in proptest::option::of(-100.0..20_000.0f64),
        ) {
            match report("有人", 36.0, accuracy, NOW + offset) {
                Ok(d) => {
                    prop_assert!(NOW - d.made_at <= MAX_REPORT_AGE_MS);
                    prop_assert!(d.made_at - NOW <= MAX_CLOCK_AHEAD_MS);
                    prop_assert!(d.accuracy_m.is_none_or(|a| (0.0..=MAX_ACCURACY_M).contains(&a)));
                }
                Err(e) => prop_assert!(e.field == "made_at" || e.field == "accuracy"),
            }
        }
    }
}
