//! The duty queries (`domain::DutyStorage`), shared by both adapters like `common.rs`: shifts,
//! sign-ups and the waitlist, check events stored once by their client key, service records
//! and the append-only hours ledger.
//!
//! Booleans are written as `TRUE` and sums are cast to `BIGINT`, which both databases read the
//! same way (PostgreSQL's `SUM(bigint)` would otherwise be `numeric`).

/// The columns `shift_from_row` reads, over `shifts sh JOIN sites s`.
macro_rules! shift_columns {
    () => {
        "SELECT sh.id, sh.site_id, s.name AS site_name, s.area_id, sh.starts_at, sh.ends_at, \
         sh.headcount, sh.leaders_needed, sh.notes, sh.cancelled_at, sh.cancel_reason, \
         (SELECT COUNT(*) FROM assignments x WHERE x.shift_id = sh.id AND x.state = 'signed_up') AS signed_up, \
         (SELECT COUNT(*) FROM assignments x WHERE x.shift_id = sh.id AND x.state = 'signed_up' AND x.as_leader = TRUE) AS leaders_signed_up, \
         (SELECT COUNT(*) FROM assignments x WHERE x.shift_id = sh.id AND x.state = 'waitlisted') AS waitlisted "
    };
}

/// `shift_columns!` from the shift and its site, ready for `JOIN`s and a `WHERE`.
macro_rules! shift_select {
    () => {
        concat!(
            super::duty::shift_columns!(),
            "FROM shifts sh JOIN sites s ON s.id = sh.site_id "
        )
    };
}

pub(crate) use {shift_columns, shift_select};

/// Expands `impl domain::DutyStorage` for `$storage` (a `pool` of rows `$row`), in the module
/// where `storage_impl!` put `commit_with_audit`.
macro_rules! duty_storage_impl {
    ($storage:ty, $row:ty) => {
        fn shift_from_row(row: &$row) -> Result<domain::Shift, domain::StorageError> {
            use sqlx::Row;
            let get_u32 = |name: &str| -> Result<u32, domain::StorageError> {
                let n: i64 = row.try_get(name).map_err(backend_err)?;
                count(n)
            };
            let window = domain::ShiftWindow::new(
                row.try_get("starts_at").map_err(backend_err)?,
                row.try_get("ends_at").map_err(backend_err)?,
            )
            .ok_or_else(|| corrupt("shifts window"))?;
            let cancelled_at: Option<i64> = row.try_get("cancelled_at").map_err(backend_err)?;
            let reason: Option<String> = row.try_get("cancel_reason").map_err(backend_err)?;
            Ok(domain::Shift {
                id: domain::ShiftId(row.try_get("id").map_err(backend_err)?),
                site_id: domain::SiteId(row.try_get("site_id").map_err(backend_err)?),
                site_name: row.try_get("site_name").map_err(backend_err)?,
                area_id: domain::AreaId(row.try_get("area_id").map_err(backend_err)?),
                window,
                headcount: get_u32("headcount")?,
                leaders_needed: get_u32("leaders_needed")?,
                notes: row.try_get("notes").map_err(backend_err)?,
                cancelled: cancelled_at.map(|at| (at, reason.unwrap_or_default())),
                signed_up: get_u32("signed_up")?,
                leaders_signed_up: get_u32("leaders_signed_up")?,
                waitlisted: get_u32("waitlisted")?,
            })
        }

        const ASSIGNMENT_COLUMNS: &str =
            "a.id AS a_id, a.shift_id, a.volunteer_id, a.state, a.as_leader, a.signed_up_at, a.outcome";

        fn assignment_from_row(row: &$row) -> Result<domain::Assignment, domain::StorageError> {
            use sqlx::Row;
            let state: String = row.try_get("state").map_err(backend_err)?;
            let outcome: Option<String> = row.try_get("outcome").map_err(backend_err)?;
            Ok(domain::Assignment {
                id: domain::AssignmentId(row.try_get("a_id").map_err(backend_err)?),
                shift_id: domain::ShiftId(row.try_get("shift_id").map_err(backend_err)?),
                volunteer_id: domain::VolunteerId(row.try_get("volunteer_id").map_err(backend_err)?),
                state: domain::AssignmentState::from_db(&state)
                    .ok_or_else(|| corrupt("assignments.state"))?,
                as_leader: row.try_get("as_leader").map_err(backend_err)?,
                signed_up_at: row.try_get("signed_up_at").map_err(backend_err)?,
                outcome: outcome
                    .map(|o| domain::Outcome::from_db(&o).ok_or_else(|| corrupt("assignments.outcome")))
                    .transpose()?,
            })
        }

        /// Over `check_events c`.
        const CHECK_COLUMNS: &str =
            "c.id, c.client_key, c.assignment_id, c.kind, c.made_at, c.verdict, c.outside_reason, c.superseded_at";

        /// Check events by assignment, in the order the rows come (made_at, id).
        fn checks_by_assignment(
            rows: &[$row],
        ) -> Result<std::collections::HashMap<domain::AssignmentId, Vec<domain::CheckEvent>>, domain::StorageError> {
            let mut by = std::collections::HashMap::<_, Vec<domain::CheckEvent>>::new();
            for row in rows {
                let check = check_from_row(row)?;
                by.entry(check.assignment_id).or_default().push(check);
            }
            Ok(by)
        }

        fn check_from_row(row: &$row) -> Result<domain::CheckEvent, domain::StorageError> {
            use sqlx::Row;
            let kind: String = row.try_get("kind").map_err(backend_err)?;
            let verdict: String = row.try_get("verdict").map_err(backend_err)?;
            Ok(domain::CheckEvent {
                id: row.try_get("id").map_err(backend_err)?,
                client_key: row.try_get("client_key").map_err(backend_err)?,
                assignment_id: domain::AssignmentId(row.try_get("assignment_id").map_err(backend_err)?),
                kind: domain::CheckKind::from_db(&kind).ok_or_else(|| corrupt("check_events.kind"))?,
                made_at: row.try_get("made_at").map_err(backend_err)?,
                proof: domain::Proof::from_db(&verdict).ok_or_else(|| corrupt("check_events.verdict"))?,
                outside_reason: row.try_get("outside_reason").map_err(backend_err)?,
                superseded_at: row.try_get("superseded_at").map_err(backend_err)?,
            })
        }

        /// Opens the pending service record of a checked-out assignment inside `tx`; `false`
        /// when it was open already.
        async fn open_service_with(
            tx: &mut sqlx::Transaction<'_, <$row as sqlx::Row>::Database>,
            id: domain::AssignmentId,
            minutes: u32,
            flagged: Option<&str>,
            now: i64,
        ) -> Result<bool, domain::StorageError> {
            let opened = sqlx::query(
                "INSERT INTO service_records (assignment_id, minutes, state, flagged, created_at) \
                 VALUES ($1, $2, 'pending', $3, $4) ON CONFLICT (assignment_id) DO NOTHING",
            )
            .bind(id.0)
            .bind(i64::from(minutes))
            .bind(flagged)
            .bind(now)
            .execute(&mut **tx)
            .await
            .map_err(|e| map_err(e, "service_records_pkey"))?;
            sqlx::query("UPDATE assignments SET outcome = 'served' WHERE id = $1")
                .bind(id.0)
                .execute(&mut **tx)
                .await
                .map_err(backend_err)?;
            Ok(opened.rows_affected() == 1)
        }

        #[async_trait::async_trait]
        impl domain::DutyStorage for $storage {
            async fn site(
                &self,
                id: domain::SiteId,
            ) -> Result<Option<domain::Site>, domain::StorageError> {
                let row: Option<(i64, i64, String, f64, f64, Option<i64>, Option<String>)> =
                    sqlx::query_as(
                        "SELECT id, area_id, name, lat, lon, radius_m, boundary FROM sites WHERE id = $1",
                    )
                    .bind(id.0)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(backend_err)?;
                row.map(|(id, area_id, name, lat, lon, radius, boundary)| {
                    site_from_parts(id, area_id, name, lat, lon, radius, boundary)
                })
                .transpose()
            }

            async fn insert_shifts(
                &self,
                shifts: &[domain::NewShift],
                audit: &domain::AuditEntry,
            ) -> Result<Vec<domain::ShiftId>, domain::StorageError> {
                let mut tx = self.pool.begin_with(BEGIN_WRITE).await.map_err(backend_err)?;
                let mut ids = Vec::with_capacity(shifts.len());
                for s in shifts {
                    let id: i64 = sqlx::query_scalar(
                        "INSERT INTO shifts (site_id, starts_at, ends_at, headcount, leaders_needed, \
                         notes, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                    )
                    .bind(s.site_id.0)
                    .bind(s.window.starts_at)
                    .bind(s.window.ends_at)
                    .bind(i64::from(s.headcount))
                    .bind(i64::from(s.leaders_needed))
                    .bind(s.notes.as_str())
                    .bind(s.created_by.map(|v| v.0))
                    .bind(s.created_at)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(|e| map_err(e, "shifts_key"))?;
                    ids.push(domain::ShiftId(id));
                }
                commit_with_audit(tx, audit).await?;
                Ok(ids)
            }

            async fn shift(
                &self,
                id: domain::ShiftId,
            ) -> Result<Option<domain::Shift>, domain::StorageError> {
                let row = sqlx::query(concat!(super::duty::shift_select!(), "WHERE sh.id = $1"))
                    .bind(id.0)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(backend_err)?;
                row.as_ref().map(shift_from_row).transpose()
            }

            async fn shifts_in(
                &self,
                area: domain::AreaId,
                from: i64,
                to: i64,
            ) -> Result<Vec<domain::Shift>, domain::StorageError> {
                let rows = sqlx::query(super::common::subtree_of_1!(concat!(
                    super::duty::shift_select!(),
                    "JOIN sub ON s.area_id = sub.id WHERE sh.ends_at > $2 AND sh.starts_at < $3 \
                     ORDER BY sh.starts_at, sh.id"
                )))
                .bind(area.0)
                .bind(from)
                .bind(to)
                .fetch_all(&self.pool)
                .await
                .map_err(backend_err)?;
                rows.iter().map(shift_from_row).collect()
            }

            async fn cancel_shift(
                &self,
                id: domain::ShiftId,
                reason: &str,
                now: i64,
                audit: &domain::AuditEntry,
            ) -> Result<(), domain::StorageError> {
                let mut tx = self.pool.begin_with(BEGIN_WRITE).await.map_err(backend_err)?;
                let done = sqlx::query(
                    "UPDATE shifts SET cancelled_at = $2, cancel_reason = $3 \
                     WHERE id = $1 AND cancelled_at IS NULL",
                )
                .bind(id.0)
                .bind(now)
                .bind(reason)
                .execute(&mut *tx)
                .await
                .map_err(backend_err)?;
                exactly_one(done.rows_affected())?;
                commit_with_audit(tx, audit).await
            }

            async fn duty_windows(
                &self,
                volunteer: domain::VolunteerId,
                from: i64,
                to: i64,
            ) -> Result<Vec<(domain::ShiftId, domain::ShiftWindow)>, domain::StorageError> {
                let rows: Vec<(i64, i64, i64)> = sqlx::query_as(
                    "SELECT sh.id, sh.starts_at, sh.ends_at FROM assignments a JOIN shifts sh ON sh.id = a.shift_id \
                     WHERE a.volunteer_id = $1 AND a.state IN ('signed_up', 'waitlisted') \
                     AND sh.cancelled_at IS NULL AND sh.ends_at > $2 AND sh.starts_at < $3 \
                     ORDER BY sh.starts_at",
                )
                .bind(volunteer.0)
                .bind(from)
                .bind(to)
                .fetch_all(&self.pool)
                .await
                .map_err(backend_err)?;
                rows.into_iter()
                    .map(|(id, s, e)| {
                        let w = domain::ShiftWindow::new(s, e).ok_or_else(|| corrupt("shifts window"))?;
                        Ok((domain::ShiftId(id), w))
                    })
                    .collect()
            }

            async fn sign_up(
                &self,
                shift: domain::ShiftId,
                volunteer: domain::VolunteerId,
                as_leader: bool,
                now: i64,
            ) -> Result<domain::SignUpOutcome, domain::StorageError> {
                let mut tx = self.pool.begin_with(BEGIN_WRITE).await.map_err(backend_err)?;
                // Writing the shift row first takes its lock (PostgreSQL: the row; SQLite: the
                // database) before anything is read, so counting and inserting see one state.
                let live = sqlx::query(
                    "UPDATE shifts SET headcount = headcount WHERE id = $1 AND cancelled_at IS NULL",
                )
                .bind(shift.0)
                .execute(&mut *tx)
                .await
                .map_err(backend_err)?;
                exactly_one(live.rows_affected())?;
                let (taken, headcount): (i64, i64) = sqlx::query_as(
                    "SELECT (SELECT COUNT(*) FROM assignments WHERE shift_id = $1 AND state = 'signed_up' \
                     AND volunteer_id <> $2), headcount FROM shifts WHERE id = $1",
                )
                .bind(shift.0)
                .bind(volunteer.0)
                .fetch_one(&mut *tx)
                .await
                .map_err(backend_err)?;
                let state = if taken < headcount {
                    domain::AssignmentState::SignedUp
                } else {
                    domain::AssignmentState::Waitlisted
                };
                // A cancelled sign-up may be renewed; a live one stays as it is.
                let fresh: Option<(i64, String)> = sqlx::query_as(
                    "INSERT INTO assignments (shift_id, volunteer_id, state, as_leader, signed_up_at) \
                     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (shift_id, volunteer_id) DO UPDATE \
                     SET state = excluded.state, as_leader = excluded.as_leader, \
                     signed_up_at = excluded.signed_up_at, cancelled_at = NULL \
                     WHERE assignments.state = 'cancelled' RETURNING id, state",
                )
                .bind(shift.0)
                .bind(volunteer.0)
                .bind(state.as_str())
                .bind(as_leader)
                .bind(now)
                .fetch_optional(&mut *tx)
                .await
                .map_err(backend_err)?;
                let (id, state) = match fresh {
                    Some(row) => row,
                    None => sqlx::query_as(
                        "SELECT id, state FROM assignments WHERE shift_id = $1 AND volunteer_id = $2",
                    )
                    .bind(shift.0)
                    .bind(volunteer.0)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(backend_err)?,
                };
                tx.commit().await.map_err(backend_err)?;
                let id = domain::AssignmentId(id);
                match domain::AssignmentState::from_db(&state) {
                    Some(domain::AssignmentState::Waitlisted) => {
                        Ok(domain::SignUpOutcome::Waitlisted(id))
                    }
                    Some(_) => Ok(domain::SignUpOutcome::SignedUp(id)),
                    None => Err(corrupt("assignments.state")),
                }
            }

            async fn cancel_sign_up(
                &self,
                id: domain::AssignmentId,
                now: i64,
            ) -> Result<Option<domain::VolunteerId>, domain::StorageError> {
                let mut tx = self.pool.begin_with(BEGIN_WRITE).await.map_err(backend_err)?;
                let locked = sqlx::query(
                    "UPDATE shifts SET headcount = headcount \
                     WHERE id = (SELECT shift_id FROM assignments WHERE id = $1)",
                )
                .bind(id.0)
                .execute(&mut *tx)
                .await
                .map_err(backend_err)?;
                exactly_one(locked.rows_affected())?;
                let (shift, state): (i64, String) =
                    sqlx::query_as("SELECT shift_id, state FROM assignments WHERE id = $1")
                        .bind(id.0)
                        .fetch_one(&mut *tx)
                        .await
                        .map_err(backend_err)?;
                if state == "cancelled" {
                    tx.commit().await.map_err(backend_err)?;
                    return Ok(None);
                }
                sqlx::query("UPDATE assignments SET state = 'cancelled', cancelled_at = $2 WHERE id = $1")
                    .bind(id.0)
                    .bind(now)
                    .execute(&mut *tx)
                    .await
                    .map_err(backend_err)?;
                let mut promoted = None;
                if state == "signed_up" {
                    let next: Option<(i64, i64)> = sqlx::query_as(
                        "SELECT id, volunteer_id FROM assignments WHERE shift_id = $1 AND state = 'waitlisted' \
                         ORDER BY signed_up_at, id LIMIT 1",
                    )
                    .bind(shift)
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(backend_err)?;
                    if let Some((next_id, who)) = next {
                        sqlx::query("UPDATE assignments SET state = 'signed_up' WHERE id = $1")
                            .bind(next_id)
                            .execute(&mut *tx)
                            .await
                            .map_err(backend_err)?;
                        promoted = Some(domain::VolunteerId(who));
                    }
                }
                tx.commit().await.map_err(backend_err)?;
                Ok(promoted)
            }

            async fn assignment(
                &self,
                id: domain::AssignmentId,
            ) -> Result<Option<domain::Assignment>, domain::StorageError> {
                let row = sqlx::query(&format!(
                    "SELECT {ASSIGNMENT_COLUMNS} FROM assignments a WHERE a.id = $1"
                ))
                .bind(id.0)
                .fetch_optional(&self.pool)
                .await
                .map_err(backend_err)?;
                row.as_ref().map(assignment_from_row).transpose()
            }

            async fn my_shifts(
                &self,
                volunteer: domain::VolunteerId,
                from: i64,
            ) -> Result<Vec<domain::MyShift>, domain::StorageError> {
                use sqlx::Row;
                let rows = sqlx::query(&format!(
                    "{}, {ASSIGNMENT_COLUMNS}, r.minutes AS r_minutes, r.state AS r_state \
                     FROM shifts sh JOIN sites s ON s.id = sh.site_id \
                     JOIN assignments a ON a.shift_id = sh.id \
                     LEFT JOIN service_records r ON r.assignment_id = a.id \
                     WHERE a.volunteer_id = $1 AND sh.ends_at > $2 AND a.state <> 'cancelled' \
                     ORDER BY sh.starts_at, sh.id",
                    super::duty::shift_columns!()
                ))
                .bind(volunteer.0)
                .bind(from)
                .fetch_all(&self.pool)
                .await
                .map_err(backend_err)?;
                // The check events of all those assignments in one query, not one per shift.
                let check_rows = sqlx::query(&format!(
                    "SELECT {CHECK_COLUMNS} FROM check_events c \
                     JOIN assignments a ON a.id = c.assignment_id JOIN shifts sh ON sh.id = a.shift_id \
                     WHERE a.volunteer_id = $1 AND sh.ends_at > $2 AND a.state <> 'cancelled' \
                     ORDER BY c.made_at, c.id"
                ))
                .bind(volunteer.0)
                .bind(from)
                .fetch_all(&self.pool)
                .await
                .map_err(backend_err)?;
                let mut checks_of = checks_by_assignment(&check_rows)?;
                let mut out = Vec::with_capacity(rows.len());
                for row in &rows {
                    let assignment = assignment_from_row(row)?;
                    let checks = checks_of.remove(&assignment.id).unwrap_or_default();
                    let minutes: Option<i64> = row.try_get("r_minutes").map_err(backend_err)?;
                    let state: Option<String> = row.try_get("r_state").map_err(backend_err)?;
                    let service = match (minutes, state) {
                        (Some(m), Some(s)) => Some((
                            count(m)?,
                            domain::ServiceState::from_db(&s)
                                .ok_or_else(|| corrupt("service_records.state"))?,
                        )),
                        _ => None,
                    };
                    out.push(domain::MyShift {
                        shift: shift_from_row(row)?,
                        checked_in: domain::duty::port::in_force(&checks, domain::CheckKind::In).cloned(),
                        checked_out: domain::duty::port::in_force(&checks, domain::CheckKind::Out).cloned(),
                        assignment,
                        service,
                    });
                }
                Ok(out)
            }

            async fn record_checks(
                &self,
                checks: &[domain::NewCheck],
            ) -> Result<Vec<(domain::CheckEvent, bool)>, domain::StorageError> {
                let mut tx = self.pool.begin_with(BEGIN_WRITE).await.map_err(backend_err)?;
                let mut out = Vec::with_capacity(checks.len());
                for c in checks {
                    let (lat, lon, acc) = match c.position {
                        Some((lat, lon, acc)) => (Some(lat), Some(lon), acc),
                        None => (None, None, None),
                    };
                    // A check-in made again on site retires the first one (outside or without
                    // a position, no check-out yet) before taking its place; if anything else
                    // took it first, nothing is retired and the insert below stores nothing.
                    let retired = match c.supersedes {
                        Some(first) => {
                            sqlx::query(
                                "UPDATE check_events SET superseded_at = $2 \
                                 WHERE id = $1 AND assignment_id = $3 AND kind = 'in' \
                                 AND superseded_at IS NULL AND verdict IN ('outside', 'unknown') \
                                 AND NOT EXISTS (SELECT 1 FROM check_events o WHERE o.assignment_id = $3 \
                                 AND o.kind = 'out' AND o.superseded_at IS NULL)",
                            )
                            .bind(first)
                            .bind(c.received_at)
                            .bind(c.assignment_id.0)
                            .execute(&mut *tx)
                            .await
                            .map_err(backend_err)?
                            .rows_affected()
                                == 1
                        }
                        None => false,
                    };
                    // Either uniqueness may hold it back: the same key sent again, or another
                    // key for a check-in (or check-out) the assignment already has in force.
                    let stored: Option<i64> = sqlx::query_scalar(
                        "INSERT INTO check_events (client_key, assignment_id, kind, made_at, received_at, \
                         lat, lon, accuracy_m, verdict, outside_reason) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
                         ON CONFLICT DO NOTHING RETURNING id",
                    )
                    .bind(c.client_key.as_str())
                    .bind(c.assignment_id.0)
                    .bind(c.kind.as_str())
                    .bind(c.made_at)
                    .bind(c.received_at)
                    .bind(lat)
                    .bind(lon)
                    .bind(acc)
                    .bind(c.proof.as_str())
                    .bind(c.outside_reason.as_deref())
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(|e| map_err(e, "check_events_client_key_key"))?;
                    let event = match stored {
                        // Inserted just now: the row is what was sent.
                        Some(id) => {
                            if let Some(claim) = c.service {
                                open_service_with(
                                    &mut tx,
                                    c.assignment_id,
                                    claim.minutes,
                                    claim.flagged,
                                    c.received_at,
                                )
                                .await?;
                            }
                            domain::CheckEvent {
                                id,
                                client_key: c.client_key.clone(),
                                assignment_id: c.assignment_id,
                                kind: c.kind,
                                made_at: c.made_at,
                                proof: c.proof,
                                outside_reason: c.outside_reason.clone(),
                                superseded_at: None,
                            }
                        }
                        None => {
                            if retired {
                                // Its replacement was not stored after all: the first stands.
                                sqlx::query("UPDATE check_events SET superseded_at = NULL WHERE id = $1")
                                    .bind(c.supersedes)
                                    .execute(&mut *tx)
                                    .await
                                    .map_err(backend_err)?;
                            }
                            // The event stored under this key, else the one in force.
                            let row = sqlx::query(&format!(
                                "SELECT {CHECK_COLUMNS} FROM check_events c WHERE c.client_key = $1 \
                                 OR (c.assignment_id = $2 AND c.kind = $3 AND c.superseded_at IS NULL) \
                                 ORDER BY CASE WHEN c.client_key = $1 THEN 0 ELSE 1 END LIMIT 1"
                            ))
                            .bind(c.client_key.as_str())
                            .bind(c.assignment_id.0)
                            .bind(c.kind.as_str())
                            .fetch_one(&mut *tx)
                            .await
                            .map_err(backend_err)?;
                            check_from_row(&row)?
                        }
                    };
                    out.push((event, stored.is_some()));
                }
                tx.commit().await.map_err(backend_err)?;
                Ok(out)
            }

            async fn checks_of(
                &self,
                id: domain::AssignmentId,
            ) -> Result<Vec<domain::CheckEvent>, domain::StorageError> {
                let rows = sqlx::query(&format!(
                    "SELECT {CHECK_COLUMNS} FROM check_events c WHERE c.assignment_id = $1 ORDER BY c.made_at, c.id"
                ))
                .bind(id.0)
                .fetch_all(&self.pool)
                .await
                .map_err(backend_err)?;
                rows.iter().map(check_from_row).collect()
            }

            async fn shift_people(
                &self,
                shift: domain::ShiftId,
            ) -> Result<Vec<domain::ShiftPerson>, domain::StorageError> {
                use sqlx::Row;
                let rows = sqlx::query(&format!(
                    "SELECT {ASSIGNMENT_COLUMNS}, v.name AS v_name, v.vest_no AS v_vest, v.phone AS v_phone \
                     FROM assignments a JOIN volunteers v ON v.id = a.volunteer_id \
                     WHERE a.shift_id = $1 AND a.state <> 'cancelled' \
                     ORDER BY a.as_leader DESC, a.signed_up_at, a.id"
                ))
                .bind(shift.0)
                .fetch_all(&self.pool)
                .await
                .map_err(backend_err)?;
                let check_rows = sqlx::query(&format!(
                    "SELECT {CHECK_COLUMNS} FROM check_events c JOIN assignments a ON a.id = c.assignment_id \
                     WHERE a.shift_id = $1 AND a.state <> 'cancelled' ORDER BY c.made_at, c.id"
                ))
                .bind(shift.0)
                .fetch_all(&self.pool)
                .await
                .map_err(backend_err)?;
                let mut checks_of = checks_by_assignment(&check_rows)?;
                rows.iter()
                    .map(|row| {
                        let assignment = assignment_from_row(row)?;
                        let phone: String = row.try_get("v_phone").map_err(backend_err)?;
                        Ok(domain::ShiftPerson {
                            checks: checks_of.remove(&assignment.id).unwrap_or_default(),
                            assignment,
                            name: row.try_get("v_name").map_err(backend_err)?,
                            vest_no: row.try_get("v_vest").map_err(backend_err)?,
                            phone_masked: domain::PhoneNumber::parse(&phone)
                                .map(|p| p.masked())
                                .map_err(|_| corrupt("volunteers.phone"))?,
                        })
                    })
                    .collect()
            }

            async fn check_context(
                &self,
                id: domain::AssignmentId,
            ) -> Result<Option<domain::CheckContext>, domain::StorageError> {
                use sqlx::Row;
                let row = sqlx::query(&format!(
                    "SELECT {ASSIGNMENT_COLUMNS}, sh.starts_at, sh.ends_at, sh.cancelled_at, \
                     s.id AS s_id, s.area_id AS s_area, s.name AS s_name, s.lat, s.lon, s.radius_m, s.boundary \
                     FROM assignments a JOIN shifts sh ON sh.id = a.shift_id JOIN sites s ON s.id = sh.site_id \
                     WHERE a.id = $1"
                ))
                .bind(id.0)
                .fetch_optional(&self.pool)
                .await
                .map_err(backend_err)?;
                let Some(row) = row else {
                    return Ok(None);
                };
                let assignment = assignment_from_row(&row)?;
                let window = domain::ShiftWindow::new(
                    row.try_get("starts_at").map_err(backend_err)?,
                    row.try_get("ends_at").map_err(backend_err)?,
                )
                .ok_or_else(|| corrupt("shifts window"))?;
                let cancelled: Option<i64> = row.try_get("cancelled_at").map_err(backend_err)?;
                let site = site_from_parts(
                    row.try_get("s_id").map_err(backend_err)?,
                    row.try_get("s_area").map_err(backend_err)?,
                    row.try_get("s_name").map_err(backend_err)?,
                    row.try_get("lat").map_err(backend_err)?,
                    row.try_get("lon").map_err(backend_err)?,
                    row.try_get("radius_m").map_err(backend_err)?,
                    row.try_get("boundary").map_err(backend_err)?,
                )?;
                Ok(Some(domain::CheckContext {
                    shift_id: assignment.shift_id,
                    checks: domain::DutyStorage::checks_of(self, assignment.id).await?,
                    assignment,
                    window,
                    cancelled: cancelled.is_some(),
                    fence: site.fence,
                }))
            }

            async fn explain_check(
                &self,
                client_key: &str,
                volunteer: domain::VolunteerId,
                reason: &str,
            ) -> Result<(), domain::StorageError> {
                let done = sqlx::query(
                    "UPDATE check_events SET outside_reason = $3 WHERE client_key = $1 \
                     AND assignment_id IN (SELECT id FROM assignments WHERE volunteer_id = $2)",
                )
                .bind(client_key)
                .bind(volunteer.0)
                .bind(reason)
                .execute(&self.pool)
                .await
                .map_err(backend_err)?;
                exactly_one(done.rows_affected())
            }

            async fn open_service(
                &self,
                id: domain::AssignmentId,
                minutes: u32,
                flagged: Option<&str>,
                now: i64,
            ) -> Result<bool, domain::StorageError> {
                let mut tx = self.pool.begin_with(BEGIN_WRITE).await.map_err(backend_err)?;
                let opened = open_service_with(&mut tx, id, minutes, flagged, now).await?;
                tx.commit().await.map_err(backend_err)?;
                Ok(opened)
            }

            async fn service_of(
                &self,
                id: domain::AssignmentId,
            ) -> Result<Option<(u32, domain::ServiceState)>, domain::StorageError> {
                let row: Option<(i64, String)> = sqlx::query_as(
                    "SELECT minutes, state FROM service_records WHERE assignment_id = $1",
                )
                .bind(id.0)
                .fetch_optional(&self.pool)
                .await
                .map_err(backend_err)?;
                row.map(|(m, s)| {
                    let state = domain::ServiceState::from_db(&s)
                        .ok_or_else(|| corrupt("service_records.state"))?;
                    Ok((count(m)?, state))
                })
                .transpose()
            }

            async fn services_to_decide(
                &self,
                area: domain::AreaId,
            ) -> Result<Vec<domain::ServiceToDecide>, domain::StorageError> {
                use sqlx::Row;
                let rows = sqlx::query(&format!(
                    "WITH RECURSIVE sub(id) AS (SELECT id FROM areas WHERE id = $1 \
                     UNION ALL SELECT c.id FROM areas c JOIN sub ON c.parent_id = sub.id) \
                     {}, a.id AS a_id, v.id AS v_id, v.name AS v_name, r.minutes AS r_minutes, \
                     r.state AS r_state, r.flagged, r.created_at AS r_created_at \
                     FROM shifts sh JOIN sites s ON s.id = sh.site_id JOIN sub ON s.area_id = sub.id \
                     JOIN assignments a ON a.shift_id = sh.id \
                     JOIN service_records r ON r.assignment_id = a.id \
                     JOIN volunteers v ON v.id = a.volunteer_id \
                     WHERE r.state IN ('pending', 'disputed') ORDER BY r.created_at, a.id LIMIT 200",
                    super::duty::shift_columns!()
                ))
                .bind(area.0)
                .fetch_all(&self.pool)
                .await
                .map_err(backend_err)?;
                let check_rows = sqlx::query(&format!(
                    "WITH RECURSIVE sub(id) AS (SELECT id FROM areas WHERE id = $1 \
                     UNION ALL SELECT ar.id FROM areas ar JOIN sub ON ar.parent_id = sub.id) \
                     SELECT {CHECK_COLUMNS} FROM check_events c \
                     JOIN service_records r ON r.assignment_id = c.assignment_id \
                     JOIN assignments a ON a.id = c.assignment_id JOIN shifts sh ON sh.id = a.shift_id \
                     JOIN sites s ON s.id = sh.site_id JOIN sub ON s.area_id = sub.id \
                     WHERE r.state IN ('pending', 'disputed') ORDER BY c.made_at, c.id"
                ))
                .bind(area.0)
                .fetch_all(&self.pool)
                .await
                .map_err(backend_err)?;
                let mut checks_of = checks_by_assignment(&check_rows)?;
                let mut out = Vec::with_capacity(rows.len());
                for row in &rows {
                    let id = domain::AssignmentId(row.try_get("a_id").map_err(backend_err)?);
                    let state: String = row.try_get("r_state").map_err(backend_err)?;
                    let minutes: i64 = row.try_get("r_minutes").map_err(backend_err)?;
                    out.push(domain::ServiceToDecide {
                        assignment_id: id,
                        volunteer_id: domain::VolunteerId(row.try_get("v_id").map_err(backend_err)?),
                        volunteer_name: row.try_get("v_name").map_err(backend_err)?,
                        shift: shift_from_row(row)?,
                        minutes: count(minutes)?,
                        state: domain::ServiceState::from_db(&state)
                            .ok_or_else(|| corrupt("service_records.state"))?,
                        flagged: row.try_get("flagged").map_err(backend_err)?,
                        checks: checks_of.remove(&id).unwrap_or_default(),
                        created_at: row.try_get("r_created_at").map_err(backend_err)?,
                    });
                }
                Ok(out)
            }

            async fn decide_service(
                &self,
                id: domain::AssignmentId,
                decision: &domain::Decision,
                by: Option<domain::VolunteerId>,
                now: i64,
                audit: &domain::AuditEntry,
            ) -> Result<(), domain::StorageError> {
                let mut tx = self.pool.begin_with(BEGIN_WRITE).await.map_err(backend_err)?;
                // The state test in the UPDATE makes a second decision (two leaders at once) a
                // no-op that is refused, never a second credit.
                let (state, reason) = match decision {
                    domain::Decision::Confirm { reason, .. } => ("confirmed", reason.as_deref()),
                    domain::Decision::Dispute { reason } => ("disputed", Some(reason.as_str())),
                };
                // A leader may confirm hours they disputed; the clock (no `by`) only ever
                // confirms hours still pending, never over a leader's dispute.
                let decided = sqlx::query(
                    "UPDATE service_records SET state = $2, decided_by = $3, decided_at = $4, \
                     decision_reason = $5 WHERE assignment_id = $1 \
                     AND (state = 'pending' OR (state = 'disputed' AND $6))",
                )
                .bind(id.0)
                .bind(state)
                .bind(by.map(|v| v.0))
                .bind(now)
                .bind(reason)
                .bind(by.is_some())
                .execute(&mut *tx)
                .await
                .map_err(backend_err)?;
                if decided.rows_affected() != 1 {
                    return Err(domain::StorageError::Constraint("service_records_decided"));
                }
                if let domain::Decision::Confirm { minutes, reason } = decision {
                    let (claimed, volunteer, starts_at): (i64, i64, i64) = sqlx::query_as(
                        "SELECT r.minutes, a.volunteer_id, sh.starts_at FROM service_records r \
                         JOIN assignments a ON a.id = r.assignment_id JOIN shifts sh ON sh.id = a.shift_id \
                         WHERE r.assignment_id = $1",
                    )
                    .bind(id.0)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(backend_err)?;
                    let served_on = domain::duty::local_date(starts_at);
                    let claimed = u32::try_from(claimed).map_err(|_| corrupt("service_records.minutes"))?;
                    let mut rows = vec![(i64::from(claimed), "credit", None)];
                    let delta = domain::duty::hours::correction(claimed, *minutes);
                    if delta != 0 {
                        rows.push((delta, "correction", reason.as_deref()));
                    }
                    for (m, kind, why) in rows {
                        sqlx::query(
                            "INSERT INTO hours_ledger (volunteer_id, assignment_id, minutes, kind, \
                             reason, recorded_by, recorded_at, served_on) \
                             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                        )
                        .bind(volunteer)
                        .bind(id.0)
                        .bind(m)
                        .bind(kind)
                        .bind(why)
                        .bind(by.map(|v| v.0))
                        .bind(now)
                        .bind(served_on)
                        .execute(&mut *tx)
                        .await
                        .map_err(backend_err)?;
                    }
                }
                commit_with_audit(tx, audit).await
            }

            async fn hours_summary(
                &self,
                volunteer: domain::VolunteerId,
                year_start: chrono::NaiveDate,
            ) -> Result<domain::HoursSummary, domain::StorageError> {
                let (credited, this_year, pending): (i64, i64, i64) = sqlx::query_as(
                    "SELECT \
                     CAST(COALESCE((SELECT SUM(minutes) FROM hours_ledger WHERE volunteer_id = $1), 0) AS BIGINT), \
                     CAST(COALESCE((SELECT SUM(minutes) FROM hours_ledger WHERE volunteer_id = $1 AND served_on >= $2), 0) AS BIGINT), \
                     CAST(COALESCE((SELECT SUM(r.minutes) FROM service_records r JOIN assignments a ON a.id = r.assignment_id \
                        WHERE a.volunteer_id = $1 AND r.state = 'pending'), 0) AS BIGINT)",
                )
                .bind(volunteer.0)
                .bind(year_start)
                .fetch_one(&self.pool)
                .await
                .map_err(backend_err)?;
                Ok(domain::HoursSummary {
                    credited_minutes: credited,
                    pending_minutes: pending,
                    this_year_minutes: this_year,
                })
            }

            async fn hours_history(
                &self,
                volunteer: domain::VolunteerId,
                limit: u32,
            ) -> Result<Vec<domain::HoursLine>, domain::StorageError> {
                let ledger: Vec<(chrono::NaiveDate, Option<String>, i64, String, Option<String>)> = sqlx::query_as(
                    "SELECT l.served_on, s.name, l.minutes, l.kind, l.reason FROM hours_ledger l \
                     LEFT JOIN assignments a ON a.id = l.assignment_id LEFT JOIN shifts sh ON sh.id = a.shift_id \
                     LEFT JOIN sites s ON s.id = sh.site_id WHERE l.volunteer_id = $1 \
                     ORDER BY l.served_on DESC, l.id DESC LIMIT $2",
                )
                .bind(volunteer.0)
                .bind(i64::from(limit))
                .fetch_all(&self.pool)
                .await
                .map_err(backend_err)?;
                let open: Vec<(i64, String, i64, String, Option<String>)> = sqlx::query_as(
                    "SELECT sh.starts_at, s.name, r.minutes, r.state, r.decision_reason FROM service_records r \
                     JOIN assignments a ON a.id = r.assignment_id JOIN shifts sh ON sh.id = a.shift_id \
                     JOIN sites s ON s.id = sh.site_id \
                     WHERE a.volunteer_id = $1 AND r.state IN ('pending', 'disputed') \
                     ORDER BY sh.starts_at DESC LIMIT $2",
                )
                .bind(volunteer.0)
                .bind(i64::from(limit))
                .fetch_all(&self.pool)
                .await
                .map_err(backend_err)?;
                let mut lines: Vec<domain::HoursLine> = open
                    .into_iter()
                    .map(|(at, site, minutes, state, reason)| domain::HoursLine {
                        served_on: domain::duty::local_date(at).to_string(),
                        site_name: site,
                        minutes,
                        kind: state,
                        reason,
                    })
                    .chain(ledger.into_iter().map(|(on, site, minutes, kind, reason)| {
                        domain::HoursLine {
                            served_on: on.to_string(),
                            site_name: site.unwrap_or_default(),
                            minutes,
                            kind,
                            reason,
                        }
                    }))
                    .collect();
                // Newest first; a stable sort keeps uncredited records above same-day credits.
                lines.sort_by(|a, b| b.served_on.cmp(&a.served_on));
                lines.truncate(limit as usize);
                Ok(lines)
            }

            async fn ledger_minutes(
                &self,
                volunteer: domain::VolunteerId,
            ) -> Result<Vec<i64>, domain::StorageError> {
                sqlx::query_scalar("SELECT minutes FROM hours_ledger WHERE volunteer_id = $1 ORDER BY id")
                    .bind(volunteer.0)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(backend_err)
            }

            async fn add_track_points(
                &self,
                id: domain::AssignmentId,
                points: &[domain::TrackPoint],
                cap: u32,
            ) -> Result<u32, domain::StorageError> {
                let mut tx = self.pool.begin_with(BEGIN_WRITE).await.map_err(backend_err)?;
                let held: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM track_points WHERE assignment_id = $1")
                    .bind(id.0)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(backend_err)?;
                let mut room = u64::from(cap).saturating_sub(u64::try_from(held).unwrap_or(0));
                let mut added = 0u32;
                for p in points {
                    if room == 0 {
                        break;
                    }
                    let done = sqlx::query(
                        "INSERT INTO track_points (assignment_id, at, lat, lon, accuracy_m) \
                         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (assignment_id, at) DO NOTHING",
                    )
                    .bind(id.0)
                    .bind(p.at)
                    .bind(p.lat)
                    .bind(p.lon)
                    .bind(p.accuracy_m)
                    .execute(&mut *tx)
                    .await
                    .map_err(backend_err)?;
                    if done.rows_affected() == 1 {
                        room -= 1;
                        added += 1;
                    }
                }
                tx.commit().await.map_err(backend_err)?;
                Ok(added)
            }

            async fn track_points(
                &self,
                id: domain::AssignmentId,
            ) -> Result<Vec<domain::TrackPoint>, domain::StorageError> {
                let rows: Vec<(i64, f64, f64, f64)> = sqlx::query_as(
                    "SELECT at, lat, lon, accuracy_m FROM track_points WHERE assignment_id = $1 \
                     ORDER BY at, id",
                )
                .bind(id.0)
                .fetch_all(&self.pool)
                .await
                .map_err(backend_err)?;
                Ok(rows
                    .into_iter()
                    .map(|(at, lat, lon, accuracy_m)| domain::TrackPoint { at, lat, lon, accuracy_m })
                    .collect())
            }

            async fn track_summary(
                &self,
                id: domain::AssignmentId,
            ) -> Result<Option<(f64, Vec<(i32, i32)>)>, domain::StorageError> {
                let row: Option<(f64, String)> = sqlx::query_as(
                    "SELECT length_m, cells FROM track_summaries WHERE assignment_id = $1",
                )
                .bind(id.0)
                .fetch_optional(&self.pool)
                .await
                .map_err(backend_err)?;
                row.map(|(length, cells)| {
                    let cells = serde_json::from_str(&cells).map_err(|_| corrupt("track_summaries.cells"))?;
                    Ok((length, cells))
                })
                .transpose()
            }

            async fn tracks_to_coarsen(
                &self,
                ended_before: i64,
            ) -> Result<Vec<domain::AssignmentId>, domain::StorageError> {
                let ids: Vec<i64> = sqlx::query_scalar(
                    "SELECT DISTINCT t.assignment_id FROM track_points t \
                     JOIN assignments a ON a.id = t.assignment_id JOIN shifts sh ON sh.id = a.shift_id \
                     WHERE sh.ends_at < $1 ORDER BY t.assignment_id LIMIT 1000",
                )
                .bind(ended_before)
                .fetch_all(&self.pool)
                .await
                .map_err(backend_err)?;
                Ok(ids.into_iter().map(domain::AssignmentId).collect())
            }

            async fn coarsen_track(
                &self,
                id: domain::AssignmentId,
                length_m: f64,
                cells: &[(i32, i32)],
                now: i64,
            ) -> Result<(), domain::StorageError> {
                let cells = serde_json::to_string(cells)
                    .map_err(|e| domain::StorageError::Backend(e.to_string()))?;
                let mut tx = self.pool.begin_with(BEGIN_WRITE).await.map_err(backend_err)?;
                sqlx::query(
                    "INSERT INTO track_summaries (assignment_id, length_m, cells, coarsened_at) \
                     VALUES ($1, $2, $3, $4) ON CONFLICT (assignment_id) DO UPDATE \
                     SET length_m = excluded.length_m, cells = excluded.cells, coarsened_at = excluded.coarsened_at",
                )
                .bind(id.0)
                .bind(length_m)
                .bind(cells)
                .bind(now)
                .execute(&mut *tx)
                .await
                .map_err(|e| map_err(e, "track_summaries_pkey"))?;
                sqlx::query("DELETE FROM track_points WHERE assignment_id = $1")
                    .bind(id.0)
                    .execute(&mut *tx)
                    .await
                    .map_err(backend_err)?;
                tx.commit().await.map_err(backend_err)
            }

            async fn forgotten_check_outs(
                &self,
                ended_before: i64,
            ) -> Result<Vec<(domain::AssignmentId, domain::ShiftWindow, i64)>, domain::StorageError> {
                let rows: Vec<(i64, i64, i64, i64)> = sqlx::query_as(
                    "SELECT a.id, sh.starts_at, sh.ends_at, MIN(ci.made_at) FROM assignments a \
                     JOIN shifts sh ON sh.id = a.shift_id \
                     JOIN check_events ci ON ci.assignment_id = a.id AND ci.kind = 'in' AND ci.superseded_at IS NULL \
                     WHERE sh.ends_at < $1 AND NOT EXISTS \
                     (SELECT 1 FROM check_events co WHERE co.assignment_id = a.id AND co.kind = 'out' \
                      AND co.superseded_at IS NULL) \
                     GROUP BY a.id, sh.starts_at, sh.ends_at ORDER BY a.id LIMIT 1000",
                )
                .bind(ended_before)
                .fetch_all(&self.pool)
                .await
                .map_err(backend_err)?;
                rows.into_iter()
                    .map(|(id, s, e, first_in)| {
                        let w = domain::ShiftWindow::new(s, e).ok_or_else(|| corrupt("shifts window"))?;
                        Ok((domain::AssignmentId(id), w, first_in))
                    })
                    .collect()
            }

            async fn check_outs_without_hours(
                &self,
            ) -> Result<Vec<domain::UnrecordedService>, domain::StorageError> {
                use sqlx::Row;
                let rows = sqlx::query(&format!(
                    "SELECT {CHECK_COLUMNS}, sh.starts_at, sh.ends_at FROM check_events c \
                     JOIN assignments a ON a.id = c.assignment_id JOIN shifts sh ON sh.id = a.shift_id \
                     WHERE c.superseded_at IS NULL AND a.id IN (SELECT co.assignment_id FROM check_events co \
                     WHERE co.kind = 'out' AND co.superseded_at IS NULL AND NOT EXISTS \
                     (SELECT 1 FROM service_records r WHERE r.assignment_id = co.assignment_id) \
                     ORDER BY co.assignment_id LIMIT 1000) \
                     ORDER BY c.assignment_id, c.kind"
                ))
                .fetch_all(&self.pool)
                .await
                .map_err(backend_err)?;
                let mut out = Vec::new();
                let mut check_in: Option<domain::CheckEvent> = None;
                for row in &rows {
                    let event = check_from_row(row)?;
                    match event.kind {
                        // 'in' sorts before 'out' within an assignment.
                        domain::CheckKind::In => check_in = Some(event),
                        domain::CheckKind::Out => {
                            let Some(ci) = check_in.take().filter(|c| c.assignment_id == event.assignment_id) else {
                                continue;
                            };
                            let window = domain::ShiftWindow::new(
                                row.try_get("starts_at").map_err(backend_err)?,
                                row.try_get("ends_at").map_err(backend_err)?,
                            )
                            .ok_or_else(|| corrupt("shifts window"))?;
                            out.push(domain::UnrecordedService {
                                assignment_id: event.assignment_id,
                                window,
                                check_in: ci,
                                check_out: event,
                            });
                        }
                    }
                }
                Ok(out)
            }

            async fn coarsen_check_positions(&self, made_before: i64) -> Result<u64, domain::StorageError> {
                let done = sqlx::query(
                    "UPDATE check_events SET lat = ROUND(lat * 1000) / 1000, lon = ROUND(lon * 1000) / 1000, \
                     accuracy_m = NULL, position_coarsened = $2 \
                     WHERE made_at < $1 AND NOT position_coarsened AND lat IS NOT NULL",
                )
                .bind(made_before)
                .bind(true)
                .execute(&self.pool)
                .await
                .map_err(backend_err)?;
                Ok(done.rows_affected())
            }

            async fn mark_no_shows(&self, ended_before: i64) -> Result<u64, domain::StorageError> {
                let done = sqlx::query(
                    "UPDATE assignments SET outcome = 'no_show' WHERE state = 'signed_up' \
                     AND outcome IS NULL AND shift_id IN \
                     (SELECT id FROM shifts WHERE ends_at < $1 AND cancelled_at IS NULL) \
                     AND NOT EXISTS (SELECT 1 FROM check_events c WHERE c.assignment_id = assignments.id)",
                )
                .bind(ended_before)
                .execute(&self.pool)
                .await
                .map_err(backend_err)?;
                Ok(done.rows_affected())
            }

            async fn pending_services_before(
                &self,
                created_before: i64,
            ) -> Result<Vec<(domain::AssignmentId, u32)>, domain::StorageError> {
                let rows: Vec<(i64, i64)> = sqlx::query_as(
                    "SELECT assignment_id, minutes FROM service_records \
                     WHERE state = 'pending' AND created_at < $1 ORDER BY created_at LIMIT 1000",
                )
                .bind(created_before)
                .fetch_all(&self.pool)
                .await
                .map_err(backend_err)?;
                rows.into_iter()
                    .map(|(id, m)| Ok((domain::AssignmentId(id), count(m)?)))
                    .collect()
            }
        }
    };
}

pub(crate) use duty_storage_impl;
