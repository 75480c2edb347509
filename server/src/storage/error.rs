//! How a database failure becomes the port's [`StorageError`]: by the kind the driver reports
//! and the constraint that actually broke, never by matching whole messages.
//!
//! PostgreSQL names the broken constraint. SQLite names a CHECK constraint in its message
//! ("CHECK constraint failed: areas_name_check") but a UNIQUE one only by its columns
//! ("UNIQUE constraint failed: areas.parent_id, areas.name"), so those columns are looked up
//! in [`SQLITE_UNIQUE_KEYS`], the one table kept beside the migrations (a test holds it to them).

use domain::StorageError;
use std::collections::BTreeSet;
use std::sync::{Mutex, OnceLock};

/// A storage failure inside the adapters; `?` builds it from sqlx's errors and from the port's
/// own, and the port methods hand it back as a [`StorageError`].
#[derive(Debug)]
pub struct Error(pub StorageError);

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl From<sqlx::Error> for Error {
    fn from(e: sqlx::Error) -> Self {
        Error(classify(&e))
    }
}

impl From<StorageError> for Error {
    fn from(e: StorageError) -> Self {
        Error(e)
    }
}

impl From<Error> for StorageError {
    fn from(e: Error) -> Self {
        e.0
    }
}

/// A value in the database that no code writes: someone edited it by hand.
pub fn corrupt(column: &str) -> Error {
    Error(StorageError::Backend(format!(
        "unexpected value in column {column}"
    )))
}

/// A count or size that does not fit the port's `u32`.
pub fn count(n: i64) -> Result<u32> {
    u32::try_from(n).map_err(|_| corrupt("a count"))
}

/// An `UPDATE` by primary key that found no row means the id does not exist.
pub fn exactly_one(rows: u64) -> Result<()> {
    if rows == 1 {
        Ok(())
    } else {
        Err(Error(StorageError::MissingReference))
    }
}

/// The port's reading of a database error.
pub fn classify(e: &sqlx::Error) -> StorageError {
    use sqlx::error::ErrorKind;
    let Some(db) = e.as_database_error() else {
        return StorageError::Backend(e.to_string());
    };
    let broken = match db.kind() {
        ErrorKind::ForeignKeyViolation => return StorageError::MissingReference,
        ErrorKind::UniqueViolation => db
            .constraint()
            .map(str::to_owned)
            .or_else(|| sqlite_unique_key(db.message()).map(str::to_owned)),
        ErrorKind::CheckViolation => db
            .constraint()
            .map(str::to_owned)
            .or_else(|| sqlite_check_name(db.message())),
        _ => None,
    };
    match broken {
        Some(name) => StorageError::Constraint(intern(&name)),
        None => StorageError::Backend(e.to_string()),
    }
}

/// SQLite's UNIQUE and PRIMARY KEY constraints, by the `table.column` list its message gives.
/// Keep in step with `migrations/sqlite`; `tests/migrations.rs` checks that every unique key
/// there is here.
pub const SQLITE_UNIQUE_KEYS: &[(&str, &str)] = &[
    ("areas.parent_id, areas.name", "areas_parent_name_key"),
    // Root areas (no parent): SQLite's UNIQUE lets NULL parents repeat, this index does not.
    ("areas.name", "areas_root_name_key"),
    ("sites.area_id, sites.name", "sites_area_name_key"),
    (
        "duty_periods.area_id, duty_periods.name",
        "duty_periods_area_name_key",
    ),
    ("volunteers.phone", "volunteers_phone_key"),
    ("volunteers.vest_no", "volunteers_vest_no_key"),
    (
        "role_grants.volunteer_id, role_grants.role, role_grants.area_id",
        "role_grants_who_what_where_key",
    ),
    ("teams.area_id, teams.name", "teams_area_name_key"),
    (
        "team_members.team_id, team_members.volunteer_id",
        "team_members_pkey",
    ),
    (
        "assignments.shift_id, assignments.volunteer_id",
        "assignments_shift_volunteer_key",
    ),
    (
        "duty_period_slots.duty_period_id, duty_period_slots.ordinal",
        "duty_period_slots_pkey",
    ),
    (
        "duty_period_sites.duty_period_id, duty_period_sites.site_id",
        "duty_period_sites_pkey",
    ),
    (
        "duty_cells.duty_period_id, duty_cells.site_id, duty_cells.day, duty_cells.slot",
        "duty_cells_pkey",
    ),
    (
        "duty_answers.duty_period_id, duty_answers.volunteer_id",
        "duty_answers_pkey",
    ),
    (
        "duty_roster.duty_period_id, duty_roster.volunteer_id, duty_roster.day, duty_roster.slot",
        "duty_roster_pkey",
    ),
    ("check_events.client_key", "check_events_client_key_key"),
    (
        "check_events.assignment_id, check_events.kind",
        "check_events_in_force_key",
    ),
    ("service_records.assignment_id", "service_records_pkey"),
    ("duty_credits.assignment_id", "duty_credits_assignment_key"),
    ("track_summaries.assignment_id", "track_summaries_pkey"),
    (
        "track_points.assignment_id, track_points.at",
        "track_points_assignment_at_key",
    ),
    ("incidents.client_key", "incidents_client_key_key"),
    (
        "incident_photos.incident_id, incident_photos.sha256",
        "incident_photos_incident_sha_key",
    ),
    ("star_levels.stars", "star_levels_pkey"),
    (
        "commendation_rounds.area_id, commendation_rounds.name",
        "commendation_rounds_area_name_key",
    ),
    (
        "commendation_candidates.round_id, commendation_candidates.volunteer_id",
        "commendation_candidates_pkey",
    ),
    ("certificates.serial", "certificates_serial_key"),
    (
        "certificates.round_id, certificates.volunteer_id",
        "certificates_round_volunteer_key",
    ),
    ("sessions.token_hash", "sessions_pkey"),
    ("rate_limits.key_hash", "rate_limits_pkey"),
    ("idempotency_keys.client_key", "idempotency_keys_pkey"),
    ("notifications.dedupe_key", "notifications_dedupe_key"),
    ("phone_codes.phone", "phone_codes_pkey"),
    (
        "push_subscriptions.endpoint",
        "push_subscriptions_endpoint_key",
    ),
    (
        "notification_deliveries.notification_id, notification_deliveries.subscription_id",
        "notification_deliveries_push_key",
    ),
    // A text per notice: a partial index (channel = 'sms') over the notice alone.
    (
        "notification_deliveries.notification_id",
        "notification_deliveries_sms_key",
    ),
    (
        "notification_mutes.volunteer_id, notification_mutes.kind, notification_mutes.channel",
        "notification_mutes_pkey",
    ),
];

/// The constraint behind SQLite's "UNIQUE constraint failed: t.a, t.b".
fn sqlite_unique_key(message: &str) -> Option<&'static str> {
    let columns = message.strip_prefix("UNIQUE constraint failed: ")?.trim();
    SQLITE_UNIQUE_KEYS
        .iter()
        .find(|(cols, _)| *cols == columns)
        .map(|(_, name)| *name)
}

/// The name in SQLite's "CHECK constraint failed: name" (older versions quote the expression
/// of an unnamed check instead, which is not a name).
fn sqlite_check_name(message: &str) -> Option<String> {
    let name = message.strip_prefix("CHECK constraint failed: ")?.trim();
    let is_name = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    is_name.then(|| name.to_owned())
}

/// The port carries constraint names as `&'static str` so services can match them as
/// literals. The schema holds a fixed set of names, so each distinct one is leaked once.
fn intern(name: &str) -> &'static str {
    static NAMES: OnceLock<Mutex<BTreeSet<&'static str>>> = OnceLock::new();
    let mut names = NAMES
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(known) = names.get(name) {
        return known;
    }
    let leaked: &'static str = Box::leak(name.to_owned().into_boxed_str());
    names.insert(leaked);
    leaked
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_unique_messages_name_their_constraint() {
        assert_eq!(
            sqlite_unique_key("UNIQUE constraint failed: areas.parent_id, areas.name"),
            Some("areas_parent_name_key")
        );
        assert_eq!(
            sqlite_unique_key("UNIQUE constraint failed: volunteers.phone"),
            Some("volunteers_phone_key")
        );
        assert_eq!(
            sqlite_unique_key("UNIQUE constraint failed: nowhere.x"),
            None
        );
        assert_eq!(sqlite_unique_key("database is locked"), None);
    }

    #[test]
    fn sqlite_check_messages_give_a_name_or_nothing() {
        assert_eq!(
            sqlite_check_name("CHECK constraint failed: areas_population_check").as_deref(),
            Some("areas_population_check")
        );
        assert_eq!(
            sqlite_check_name("CHECK constraint failed: population >= 0"),
            None
        );
    }

    #[test]
    fn an_interned_name_is_the_same_slice_each_time() {
        let a = intern("sites_fence_check");
        let b = intern(&String::from("sites_fence_check"));
        assert!(std::ptr::eq(a, b));
    }
}
