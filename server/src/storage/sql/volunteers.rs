//! Volunteers: registration, passwords, status decisions, vest numbers and the scoped list.

use super::{Conn, Pool, SUBTREE_OF_1};
use crate::storage::error::{count, exactly_one, Error, Result};
use crate::storage::like_literal;
use crate::storage::rows::{convert, volunteer_status, VolunteerRow, VOLUNTEER_COLUMNS};
use domain::{
    LoginRecord, NewVolunteer, PhoneNumber, StorageError, Volunteer, VolunteerFilter, VolunteerId,
    VolunteerPage, VolunteerStatus,
};

pub async fn insert(conn: &mut Conn, v: &NewVolunteer) -> Result<VolunteerId> {
    let skills = serde_json::to_string(&v.skills)
        .map_err(|e| Error(StorageError::Backend(e.to_string())))?;
    let consent_at = v.location_consent_version.as_ref().map(|_| v.now_ms);
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO volunteers (name, phone, id_number_sealed, id_number_masked, home_area_id, \
         status, vest_no, skills, location_consent_at, location_consent_version, applied_at, \
         password_hash, password_changed_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
    )
    .bind(v.name.as_str())
    .bind(v.phone.as_str())
    .bind(v.id_number.as_ref().map(|s| s.sealed.as_slice()))
    .bind(v.id_number.as_ref().map(|s| s.masked.as_str()))
    .bind(v.home_area_id.0)
    .bind(v.status.as_str())
    .bind(v.vest_no.as_deref())
    .bind(skills)
    .bind(consent_at)
    .bind(v.location_consent_version.as_deref())
    .bind(v.now_ms)
    .bind(v.password_hash.as_deref())
    .bind(v.password_hash.as_ref().map(|_| v.now_ms))
    .fetch_one(conn)
    .await?;
    Ok(VolunteerId(id))
}

pub async fn get(pool: &Pool, id: VolunteerId) -> Result<Option<Volunteer>> {
    let row: Option<VolunteerRow> = sqlx::query_as(&format!(
        "SELECT {VOLUNTEER_COLUMNS} FROM volunteers v WHERE v.id = $1"
    ))
    .bind(id.0)
    .fetch_optional(pool)
    .await?;
    row.map(Volunteer::try_from).transpose()
}

pub async fn by_phone(pool: &Pool, phone: &PhoneNumber) -> Result<Option<Volunteer>> {
    let row: Option<VolunteerRow> = sqlx::query_as(&format!(
        "SELECT {VOLUNTEER_COLUMNS} FROM volunteers v WHERE v.phone = $1"
    ))
    .bind(phone.as_str())
    .fetch_optional(pool)
    .await?;
    row.map(Volunteer::try_from).transpose()
}

pub async fn login_record(pool: &Pool, phone: &PhoneNumber) -> Result<Option<LoginRecord>> {
    let row: Option<(i64, Option<String>, String, bool)> = sqlx::query_as(
        "SELECT id, password_hash, status, password_temporary FROM volunteers WHERE phone = $1",
    )
    .bind(phone.as_str())
    .fetch_optional(pool)
    .await?;
    row.map(|(id, password_hash, status, password_temporary)| {
        Ok(LoginRecord {
            id: VolunteerId(id),
            password_hash,
            password_temporary,
            status: volunteer_status(&status)?,
        })
    })
    .transpose()
}

/// Stores a new password hash; `temporary` when an admin set it and the person must choose.
pub async fn set_password(
    conn: &mut Conn,
    id: VolunteerId,
    hash: &str,
    now_ms: i64,
    temporary: bool,
) -> Result<()> {
    let done = sqlx::query(
        "UPDATE volunteers SET password_hash = $1, password_changed_at = $2, \
         password_temporary = $3 WHERE id = $4",
    )
    .bind(hash)
    .bind(now_ms)
    .bind(temporary)
    .bind(id.0)
    .execute(conn)
    .await?;
    exactly_one(done.rows_affected())
}

pub async fn set_status(
    conn: &mut Conn,
    id: VolunteerId,
    status: VolunteerStatus,
    by: Option<VolunteerId>,
    reason: Option<&str>,
    now_ms: i64,
) -> Result<()> {
    let done = sqlx::query(
        "UPDATE volunteers SET status = $1, decided_by = $2, decision_reason = $3, \
         decided_at = $4 WHERE id = $5",
    )
    .bind(status.as_str())
    .bind(by.map(|b| b.0))
    .bind(reason)
    .bind(now_ms)
    .bind(id.0)
    .execute(conn)
    .await?;
    exactly_one(done.rows_affected())
}

/// Registers `id`, giving them a vest number unless they have one; returns the number.
pub async fn approve(
    conn: &mut Conn,
    id: VolunteerId,
    by: Option<VolunteerId>,
    now_ms: i64,
) -> Result<String> {
    let current: Option<Option<String>> =
        sqlx::query_scalar("SELECT vest_no FROM volunteers WHERE id = $1")
            .bind(id.0)
            .fetch_optional(&mut *conn)
            .await?;
    let vest_no = match current {
        None => return Err(Error(StorageError::MissingReference)),
        Some(Some(v)) => v,
        Some(None) => {
            // "PA-00042": the sequence is the highest so far plus one; the unique key refuses
            // a concurrent twin, and the caller may retry.
            let max: Option<i64> = sqlx::query_scalar(
                "SELECT MAX(CAST(SUBSTR(vest_no, 4) AS BIGINT)) FROM volunteers \
                 WHERE vest_no LIKE 'PA-%'",
            )
            .fetch_one(&mut *conn)
            .await?;
            format!("PA-{:05}", max.unwrap_or(0) + 1)
        }
    };
    sqlx::query(
        "UPDATE volunteers SET status = 'registered', vest_no = $1, decided_by = $2, \
         decision_reason = NULL, decided_at = $3 WHERE id = $4",
    )
    .bind(&vest_no)
    .bind(by.map(|b| b.0))
    .bind(now_ms)
    .bind(id.0)
    .execute(&mut *conn)
    .await?;
    Ok(vest_no)
}

/// One page of the volunteers in a subtree, filtered by status and a search.
pub async fn page(pool: &Pool, f: &VolunteerFilter) -> Result<VolunteerPage> {
    const WHERE: &str = "WHERE v.home_area_id IN (SELECT id FROM sub) \
         AND ($2 IS NULL OR v.status = $2) \
         AND ($3 IS NULL OR v.name LIKE $3 ESCAPE '\\' OR v.phone LIKE $4)";
    let search = f.search.as_deref().map(str::trim).filter(|s| !s.is_empty());
    // The name's start, typed characters taken literally (a `%` or `_` is not a wildcard); the
    // phone only by exactly its last four digits, so a search cannot read a whole number digit
    // by digit past the audited reveal.
    let name_prefix = search.map(|s| format!("{}%", like_literal(s)));
    let phone_tail = search
        .filter(|s| s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit()))
        .map(|s| format!("%{s}"));
    let total: i64 = sqlx::query_scalar(&format!(
        "{SUBTREE_OF_1} SELECT COUNT(*) FROM volunteers v {WHERE}"
    ))
    .bind(f.within.0)
    .bind(f.status.map(|s| s.as_str()))
    .bind(name_prefix.as_deref())
    .bind(phone_tail.as_deref())
    .fetch_one(pool)
    .await?;
    let rows: Vec<VolunteerRow> = sqlx::query_as(&format!(
        "{SUBTREE_OF_1} SELECT {VOLUNTEER_COLUMNS} FROM volunteers v {WHERE} \
         ORDER BY v.applied_at, v.id LIMIT $5 OFFSET $6"
    ))
    .bind(f.within.0)
    .bind(f.status.map(|s| s.as_str()))
    .bind(name_prefix.as_deref())
    .bind(phone_tail.as_deref())
    .bind(i64::from(f.limit.clamp(1, 200)))
    .bind(i64::from(f.offset))
    .fetch_all(pool)
    .await?;
    Ok(VolunteerPage {
        items: convert(rows)?,
        total: count(total)?,
    })
}

pub async fn sealed_id_number(pool: &Pool, id: VolunteerId) -> Result<Option<Vec<u8>>> {
    let sealed: Option<Option<Vec<u8>>> =
        sqlx::query_scalar("SELECT id_number_sealed FROM volunteers WHERE id = $1")
            .bind(id.0)
            .fetch_optional(pool)
            .await?;
    Ok(sealed.flatten())
}

/// Bumps the calendar generation, so older calendar links stop working; returns the new one.
pub async fn renew_calendar(conn: &mut Conn, id: VolunteerId) -> Result<i64> {
    let generation: Option<i64> = sqlx::query_scalar(
        "UPDATE volunteers SET calendar_generation = calendar_generation + 1 \
         WHERE id = $1 RETURNING calendar_generation",
    )
    .bind(id.0)
    .fetch_optional(conn)
    .await?;
    generation.ok_or(Error(StorageError::MissingReference))
}
