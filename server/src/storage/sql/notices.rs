//! Notices written inside the transaction of the change they tell of (a cancelled shift, hours
//! decided, a registration decided, an incident assigned or moved on): the change and its
//! notices commit together or not at all. Each notice's key is derived from the event, so a
//! change retried after a lost answer notifies once.

use super::Conn;
use crate::storage::error::Result;
use domain::incident::port::{ChangeKind, IncidentChange, IncidentId};
use domain::notify::{Notice, NoticeKind, Subject};
use domain::{AssignmentId, Decision, ShiftId, VolunteerId};

/// Stores one notice for one person unless its key is there already.
pub async fn add(
    conn: &mut Conn,
    recipient: VolunteerId,
    notice: &Notice,
    key: &str,
    lead_ms: Option<i64>,
    due_at: i64,
    now: i64,
) -> Result<bool> {
    let done = sqlx::query(
        "INSERT INTO notifications (recipient_id, kind, subject, params, urgent, dedupe_key, \
         lead_ms, due_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
         ON CONFLICT (dedupe_key) DO NOTHING",
    )
    .bind(recipient.0)
    .bind(notice.kind.as_str())
    .bind(notice.subject.to_db())
    .bind(notice.params_json())
    .bind(notice.urgent)
    .bind(key)
    .bind(lead_ms)
    .bind(due_at)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Everyone on the shift (signed up or waitlisted) hears it was cancelled, and why.
pub async fn shift_cancelled(conn: &mut Conn, id: ShiftId, reason: &str, now: i64) -> Result<()> {
    let people: Vec<(i64, String, i64)> = sqlx::query_as(
        "SELECT a.volunteer_id, s.name, sh.starts_at FROM assignments a \
         JOIN shifts sh ON sh.id = a.shift_id JOIN sites s ON s.id = sh.site_id \
         WHERE a.shift_id = $1 AND a.state IN ('signed_up', 'waitlisted')",
    )
    .bind(id.0)
    .fetch_all(&mut *conn)
    .await?;
    for (volunteer, site, starts_at) in people {
        let notice = Notice::new(NoticeKind::ShiftCancelled, Subject::Shift(id))
            .with("site", site)
            .with("starts_at", starts_at)
            .with("reason", reason);
        let key = format!("shift_cancelled:{}:{volunteer}", id.0);
        add(
            conn,
            VolunteerId(volunteer),
            &notice,
            &key,
            Some(starts_at - now),
            now,
            now,
        )
        .await?;
    }
    Ok(())
}

/// The person moved from the waitlist onto the shift of the sign-up `cancelled` just freed.
pub async fn place_given(
    conn: &mut Conn,
    volunteer: VolunteerId,
    cancelled: AssignmentId,
    now: i64,
) -> Result<()> {
    let (shift, site, starts_at): (i64, String, i64) = sqlx::query_as(
        "SELECT sh.id, s.name, sh.starts_at FROM assignments a \
         JOIN shifts sh ON sh.id = a.shift_id JOIN sites s ON s.id = sh.site_id WHERE a.id = $1",
    )
    .bind(cancelled.0)
    .fetch_one(&mut *conn)
    .await?;
    let notice = Notice::new(
        NoticeKind::WaitlistPlaceGiven,
        Subject::Shift(ShiftId(shift)),
    )
    .with("site", site)
    .with("starts_at", starts_at);
    // The place is the one `cancelled` freed: a key per freed place, so one promotion is one
    // notice, and a later promotion of the same person (after their own cancelling) is news.
    let key = format!("place_given:{}:{}", cancelled.0, volunteer.0);
    add(
        conn,
        volunteer,
        &notice,
        &key,
        Some(starts_at - now),
        now,
        now,
    )
    .await?;
    Ok(())
}

/// The volunteer hears how a leader (or the clock) decided their hours.
pub async fn hours_decided(
    conn: &mut Conn,
    id: AssignmentId,
    decision: &Decision,
    by: Option<VolunteerId>,
    now: i64,
) -> Result<()> {
    let (volunteer, site, starts_at, claimed): (i64, String, i64, i64) = sqlx::query_as(
        "SELECT a.volunteer_id, s.name, sh.starts_at, r.minutes FROM assignments a \
         JOIN shifts sh ON sh.id = a.shift_id JOIN sites s ON s.id = sh.site_id \
         JOIN service_records r ON r.assignment_id = a.id WHERE a.id = $1",
    )
    .bind(id.0)
    .fetch_one(&mut *conn)
    .await?;
    let (kind, notice) = match decision {
        Decision::Confirm { minutes, reason } if i64::from(*minutes) != claimed => (
            "corrected",
            Notice::new(NoticeKind::HoursCorrected, Subject::Hours)
                .with("minutes", minutes)
                .with("reason", reason.as_deref().unwrap_or("")),
        ),
        Decision::Confirm { minutes, .. } => (
            "confirmed",
            Notice::new(NoticeKind::HoursConfirmed, Subject::Hours).with("minutes", minutes),
        ),
        Decision::Dispute { reason } => (
            "disputed",
            Notice::new(NoticeKind::HoursDisputed, Subject::Hours).with("reason", reason),
        ),
    };
    // Hours confirmed by the clock (no leader) are the expected end of every shift: telling
    // of each would teach people to ignore the bell.
    if by.is_none() && kind == "confirmed" {
        return Ok(());
    }
    let notice = notice.with("site", site).with("starts_at", starts_at);
    let key = format!("hours:{}:{kind}:{now}", id.0);
    add(conn, VolunteerId(volunteer), &notice, &key, None, now, now).await?;
    Ok(())
}

/// An applicant hears they were registered (with their vest number) or turned down.
pub async fn registration(
    conn: &mut Conn,
    volunteer: VolunteerId,
    outcome: Result<&str, &str>,
    now: i64,
) -> Result<()> {
    let (notice, what) = match outcome {
        Ok(vest_no) => (
            Notice::new(NoticeKind::RegistrationApproved, Subject::Me).with("vest_no", vest_no),
            "approved",
        ),
        Err(reason) => (
            Notice::new(NoticeKind::RegistrationRejected, Subject::Me).with("reason", reason),
            "rejected",
        ),
    };
    let key = format!("registration:{}:{what}:{now}", volunteer.0);
    add(conn, volunteer, &notice, &key, None, now, now).await?;
    Ok(())
}

/// An assignee hears an incident was given to them (urgently when the incident is urgent); a
/// reporter hears their report moved on. Nobody is told of their own act.
pub async fn incident_changed(
    conn: &mut Conn,
    id: IncidentId,
    change: &IncidentChange,
) -> Result<()> {
    let (reporter, category, severity): (i64, String, i64) =
        sqlx::query_as("SELECT reporter_id, category, severity FROM incidents WHERE id = $1")
            .bind(id.0)
            .fetch_one(&mut *conn)
            .await?;
    let (to, notice) = match &change.what {
        ChangeKind::Assign(Some(assignee)) => (
            *assignee,
            Notice::new(NoticeKind::IncidentAssigned, Subject::Incident(id))
                .with("severity", severity)
                .urgent(severity >= 3),
        ),
        ChangeKind::Status { to, .. } => (
            VolunteerId(reporter),
            Notice::new(NoticeKind::ReportStatusChanged, Subject::Incident(id))
                .with("status", to.as_str()),
        ),
        ChangeKind::Assign(None) | ChangeKind::Publish(_) => return Ok(()),
    };
    if to == change.actor {
        return Ok(());
    }
    let notice = notice.with("category", category);
    let key = format!("incident:{}:{}:{}:{}", id.0, change.step, to.0, change.at);
    add(conn, to, &notice, &key, None, change.at, change.at).await?;
    Ok(())
}
