//! The incident queries (`domain::IncidentStorage`), shared by both adapters like `duty.rs`:
//! a report stored once by its client key with its photos and first timeline row, triage
//! changes written with their timeline row, and the scoped lists the pages and the map read.
//!
//! The list filters are optional, so those statements are put together at run time from fixed
//! fragments; every value is still a bound parameter.

/// A value bound to a list query, in the order its `$N` appears.
pub(crate) enum Bind {
    Int(i64),
    Text(String),
}

/// The `WHERE` clause (after `FROM incidents i`) for what `viewer` may see matching `query`,
/// with its binds. An area viewer's statement starts with the `sub` subtree of `$1`.
pub(crate) fn incident_filter(
    viewer: domain::incident::port::Viewer,
    query: &domain::incident::port::IncidentQuery,
) -> (String, String, Vec<Bind>) {
    use domain::incident::port::Viewer;
    let mut binds = Vec::new();
    let mut conditions = Vec::new();
    let prefix = match viewer {
        Viewer::Area(root) => {
            binds.push(Bind::Int(root.0));
            conditions.push("i.area_id IN (SELECT id FROM sub)".to_owned());
            "WITH RECURSIVE sub(id) AS (SELECT id FROM areas WHERE id = $1 \
             UNION ALL SELECT a.id FROM areas a JOIN sub ON a.parent_id = sub.id) "
                .to_owned()
        }
        Viewer::Volunteer { id, community } => {
            binds.push(Bind::Int(id.0));
            binds.push(Bind::Int(community.0));
            conditions
                .push("(i.reporter_id = $1 OR (i.public = TRUE AND i.area_id = $2))".to_owned());
            String::new()
        }
    };
    let mut push = |sql: &str, bind: Bind, binds: &mut Vec<Bind>| {
        binds.push(bind);
        conditions.push(sql.replace('?', &format!("${}", binds.len())));
    };
    if let Some(category) = &query.category {
        push("i.category = ?", Bind::Text(category.clone()), &mut binds);
    }
    if let Some(status) = query.status {
        push(
            "i.status = ?",
            Bind::Text(status.as_str().to_owned()),
            &mut binds,
        );
    }
    if let Some(severity) = query.severity {
        push("i.severity = ?", Bind::Int(severity.as_i64()), &mut binds);
    }
    if let Some(from) = query.from {
        push("i.made_at >= ?", Bind::Int(from), &mut binds);
    }
    if let Some(until) = query.until {
        push("i.made_at < ?", Bind::Int(until), &mut binds);
    }
    if query.open_only {
        conditions.push("i.status IN ('reported', 'acknowledged', 'referred')".to_owned());
    }
    (prefix, format!("WHERE {}", conditions.join(" AND ")), binds)
}

/// The columns `incident_summary_from_row` reads, over `incidents i JOIN areas ar`.
macro_rules! incident_summary_columns {
    () => {
        "SELECT i.id, i.reporter_id, i.area_id, ar.name AS area_name, i.category, i.severity, \
         i.status, i.body, i.lat, i.lon, i.public, i.made_at, \
         (SELECT COUNT(*) FROM incident_photos p WHERE p.incident_id = i.id) AS photo_count "
    };
}

pub(crate) use incident_summary_columns;

/// Expands `impl domain::incident::port::IncidentStorage` for `$storage` (a `pool` of rows
/// `$row` in database `$db`), in the module where `storage_impl!` put `backend_err`.
macro_rules! incident_storage_impl {
    ($storage:ty, $row:ty, $db:ty) => {
        fn incident_summary_from_row(
            row: &$row,
        ) -> Result<domain::incident::port::IncidentSummary, domain::StorageError> {
            use sqlx::Row;
            let severity: i64 = row.try_get("severity").map_err(backend_err)?;
            let status: String = row.try_get("status").map_err(backend_err)?;
            let photos: i64 = row.try_get("photo_count").map_err(backend_err)?;
            Ok(domain::incident::port::IncidentSummary {
                id: domain::incident::port::IncidentId(row.try_get("id").map_err(backend_err)?),
                reporter_id: domain::VolunteerId(row.try_get("reporter_id").map_err(backend_err)?),
                area_id: domain::AreaId(row.try_get("area_id").map_err(backend_err)?),
                area_name: row.try_get("area_name").map_err(backend_err)?,
                category: row.try_get("category").map_err(backend_err)?,
                severity: domain::incident::Severity::from_i64(severity)
                    .ok_or_else(|| corrupt("incidents.severity"))?,
                status: domain::incident::IncidentStatus::parse(&status)
                    .ok_or_else(|| corrupt("incidents.status"))?,
                body: row.try_get("body").map_err(backend_err)?,
                lat: row.try_get("lat").map_err(backend_err)?,
                lon: row.try_get("lon").map_err(backend_err)?,
                public: row.try_get("public").map_err(backend_err)?,
                made_at: row.try_get("made_at").map_err(backend_err)?,
                photo_count: count(photos)?,
            })
        }

        fn referral_from_db(
            text: Option<String>,
        ) -> Result<Option<domain::incident::Referral>, domain::StorageError> {
            text.map(|t| {
                domain::incident::Referral::from_stored(&t).ok_or_else(|| corrupt("referred_to"))
            })
            .transpose()
        }

        fn bind_all<'q>(
            mut q: sqlx::query::Query<'q, $db, <$db as sqlx::Database>::Arguments<'q>>,
            binds: &'q [super::incident::Bind],
        ) -> sqlx::query::Query<'q, $db, <$db as sqlx::Database>::Arguments<'q>> {
            for b in binds {
                q = match b {
                    super::incident::Bind::Int(n) => q.bind(*n),
                    super::incident::Bind::Text(t) => q.bind(t.as_str()),
                };
            }
            q
        }

        #[async_trait::async_trait]
        impl domain::incident::port::IncidentStorage for $storage {
            async fn insert_incident(
                &self,
                new: &domain::incident::port::NewIncident,
            ) -> Result<domain::incident::port::Stored, domain::StorageError> {
                use domain::incident::port::{IncidentId, Stored};
                let mut tx = self.pool.begin_with(BEGIN_WRITE).await.map_err(backend_err)?;
                let id: Option<i64> = sqlx::query_scalar(
                    "INSERT INTO incidents (client_key, reporter_id, area_id, site_id, assignment_id, \
                     category, severity, body, lat, lon, accuracy_m, made_at, received_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) \
                     ON CONFLICT (client_key) DO NOTHING RETURNING id",
                )
                .bind(new.client_key.as_str())
                .bind(new.reporter.0)
                .bind(new.area_id.0)
                .bind(new.site_id.map(|s| s.0))
                .bind(new.assignment_id.map(|a| a.0))
                .bind(new.category.as_str())
                .bind(new.severity.as_i64())
                .bind(new.body.as_str())
                .bind(new.lat)
                .bind(new.lon)
                .bind(new.accuracy_m)
                .bind(new.made_at)
                .bind(new.received_at)
                .fetch_optional(&mut *tx)
                .await
                .map_err(|e| map_err(e, "incidents_client_key_key"))?;
                let Some(id) = id else {
                    // Sent before: answer with the incident that key made (only its reporter
                    // may learn of it; the caller checks).
                    let existing: i64 = sqlx::query_scalar(
                        "SELECT id FROM incidents WHERE client_key = $1 AND reporter_id = $2",
                    )
                    .bind(new.client_key.as_str())
                    .bind(new.reporter.0)
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(backend_err)?
                    .ok_or(domain::StorageError::Constraint("incidents_client_key_key"))?;
                    tx.rollback().await.map_err(backend_err)?;
                    return Ok(Stored::Existing(IncidentId(existing)));
                };
                let mut seen = std::collections::HashSet::new();
                for photo in new.photos.iter().filter(|p| seen.insert(p.sha256.clone())) {
                    sqlx::query(
                        "INSERT INTO incident_photos (incident_id, content_type, width, height, sha256, bytes) \
                         VALUES ($1, $2, $3, $4, $5, $6)",
                    )
                    .bind(id)
                    .bind(photo.content_type.as_str())
                    .bind(i64::from(photo.width))
                    .bind(i64::from(photo.height))
                    .bind(photo.sha256.as_str())
                    .bind(photo.bytes.as_slice())
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| map_err(e, "incident_photos_type_check"))?;
                }
                sqlx::query(
                    "INSERT INTO incident_events (incident_id, actor_id, at, status, step) \
                     VALUES ($1, $2, $3, 'reported', 'report')",
                )
                .bind(id)
                .bind(new.reporter.0)
                .bind(new.made_at)
                .execute(&mut *tx)
                .await
                .map_err(backend_err)?;
                tx.commit().await.map_err(backend_err)?;
                Ok(Stored::New(IncidentId(id)))
            }

            async fn incident(
                &self,
                id: domain::incident::port::IncidentId,
            ) -> Result<Option<domain::incident::port::Incident>, domain::StorageError> {
                use sqlx::Row;
                let row = sqlx::query(concat!(
                    super::incident::incident_summary_columns!(),
                    ", rep.name AS reporter_name, s.name AS site_name, i.assignment_id, i.accuracy_m, \
                     i.received_at, i.assignee_id, asg.name AS assignee_name, i.referred_to \
                     FROM incidents i JOIN areas ar ON ar.id = i.area_id \
                     JOIN volunteers rep ON rep.id = i.reporter_id \
                     LEFT JOIN sites s ON s.id = i.site_id \
                     LEFT JOIN volunteers asg ON asg.id = i.assignee_id WHERE i.id = $1"
                ))
                .bind(id.0)
                .fetch_optional(&self.pool)
                .await
                .map_err(backend_err)?;
                let Some(row) = row else { return Ok(None) };
                let photo_ids: Vec<i64> = sqlx::query_scalar(
                    "SELECT id FROM incident_photos WHERE incident_id = $1 ORDER BY id",
                )
                .bind(id.0)
                .fetch_all(&self.pool)
                .await
                .map_err(backend_err)?;
                let assignee_id: Option<i64> = row.try_get("assignee_id").map_err(backend_err)?;
                let assignee_name: Option<String> = row.try_get("assignee_name").map_err(backend_err)?;
                Ok(Some(domain::incident::port::Incident {
                    summary: incident_summary_from_row(&row)?,
                    reporter_name: row.try_get("reporter_name").map_err(backend_err)?,
                    site_name: row.try_get("site_name").map_err(backend_err)?,
                    assignment_id: row
                        .try_get::<Option<i64>, _>("assignment_id")
                        .map_err(backend_err)?
                        .map(domain::AssignmentId),
                    accuracy_m: row.try_get("accuracy_m").map_err(backend_err)?,
                    received_at: row.try_get("received_at").map_err(backend_err)?,
                    assignee: assignee_id
                        .zip(assignee_name)
                        .map(|(id, name)| (domain::VolunteerId(id), name)),
                    referred_to: referral_from_db(row.try_get("referred_to").map_err(backend_err)?)?,
                    photo_ids,
                }))
            }

            async fn incident_events(
                &self,
                id: domain::incident::port::IncidentId,
            ) -> Result<Vec<domain::incident::port::IncidentEvent>, domain::StorageError> {
                use sqlx::Row;
                let rows = sqlx::query(
                    "SELECT e.at, e.actor_id, act.name AS actor_name, e.step, e.status, e.referred_to, \
                     e.assignee_id, asg.name AS assignee_name, e.note \
                     FROM incident_events e JOIN volunteers act ON act.id = e.actor_id \
                     LEFT JOIN volunteers asg ON asg.id = e.assignee_id \
                     WHERE e.incident_id = $1 ORDER BY e.at, e.id",
                )
                .bind(id.0)
                .fetch_all(&self.pool)
                .await
                .map_err(backend_err)?;
                rows.iter()
                    .map(|row| {
                        let status: String = row.try_get("status").map_err(backend_err)?;
                        let assignee_id: Option<i64> = row.try_get("assignee_id").map_err(backend_err)?;
                        let assignee_name: Option<String> =
                            row.try_get("assignee_name").map_err(backend_err)?;
                        Ok(domain::incident::port::IncidentEvent {
                            at: row.try_get("at").map_err(backend_err)?,
                            actor_id: domain::VolunteerId(row.try_get("actor_id").map_err(backend_err)?),
                            actor_name: row.try_get("actor_name").map_err(backend_err)?,
                            step: row.try_get("step").map_err(backend_err)?,
                            status: domain::incident::IncidentStatus::parse(&status)
                                .ok_or_else(|| corrupt("incident_events.status"))?,
                            referred_to: referral_from_db(row.try_get("referred_to").map_err(backend_err)?)?,
                            assignee: assignee_id
                                .zip(assignee_name)
                                .map(|(id, name)| (domain::VolunteerId(id), name)),
                            note: row.try_get("note").map_err(backend_err)?,
                        })
                    })
                    .collect()
            }

            async fn incident_photo(
                &self,
                incident: domain::incident::port::IncidentId,
                photo: i64,
            ) -> Result<Option<(String, Vec<u8>)>, domain::StorageError> {
                sqlx::query_as(
                    "SELECT content_type, bytes FROM incident_photos WHERE incident_id = $1 AND id = $2",
                )
                .bind(incident.0)
                .bind(photo)
                .fetch_optional(&self.pool)
                .await
                .map_err(backend_err)
            }

            async fn incidents(
                &self,
                viewer: domain::incident::port::Viewer,
                query: &domain::incident::port::IncidentQuery,
                limit: u32,
                offset: u32,
            ) -> Result<domain::incident::port::IncidentPage, domain::StorageError> {
                let (prefix, filter, binds) = super::incident::incident_filter(viewer, query);
                let total_sql = format!("{prefix}SELECT COUNT(*) FROM incidents i {filter}");
                let total: i64 = bind_all(sqlx::query(&total_sql), &binds)
                    .fetch_one(&self.pool)
                    .await
                    .map(|row| sqlx::Row::try_get::<i64, _>(&row, 0))
                    .map_err(backend_err)?
                    .map_err(backend_err)?;
                let order = if query.open_only {
                    "i.severity DESC, i.made_at DESC, i.id DESC"
                } else {
                    "i.made_at DESC, i.id DESC"
                };
                let n = binds.len();
                let list_sql = format!(
                    "{prefix}{} FROM incidents i JOIN areas ar ON ar.id = i.area_id {filter} \
                     ORDER BY {order} LIMIT ${} OFFSET ${}",
                    super::incident::incident_summary_columns!(),
                    n + 1,
                    n + 2
                );
                let rows = bind_all(sqlx::query(&list_sql), &binds)
                    .bind(i64::from(limit))
                    .bind(i64::from(offset))
                    .fetch_all(&self.pool)
                    .await
                    .map_err(backend_err)?;
                Ok(domain::incident::port::IncidentPage {
                    items: rows.iter().map(incident_summary_from_row).collect::<Result<_, _>>()?,
                    total: count(total)?,
                })
            }

            async fn incident_facts(
                &self,
                viewer: domain::incident::port::Viewer,
                query: &domain::incident::port::IncidentQuery,
                limit: u32,
            ) -> Result<Vec<domain::incident::port::IncidentFact>, domain::StorageError> {
                use sqlx::Row;
                let (prefix, filter, binds) = super::incident::incident_filter(viewer, query);
                let sql = format!(
                    "{prefix}SELECT i.id, i.area_id, i.category, i.severity, i.status, i.lat, i.lon, i.made_at \
                     FROM incidents i {filter} ORDER BY i.made_at DESC, i.id DESC LIMIT ${}",
                    binds.len() + 1
                );
                let rows = bind_all(sqlx::query(&sql), &binds)
                    .bind(i64::from(limit))
                    .fetch_all(&self.pool)
                    .await
                    .map_err(backend_err)?;
                rows.iter()
                    .map(|row| {
                        let severity: i64 = row.try_get("severity").map_err(backend_err)?;
                        let status: String = row.try_get("status").map_err(backend_err)?;
                        Ok(domain::incident::port::IncidentFact {
                            id: domain::incident::port::IncidentId(row.try_get("id").map_err(backend_err)?),
                            area_id: domain::AreaId(row.try_get("area_id").map_err(backend_err)?),
                            category: row.try_get("category").map_err(backend_err)?,
                            severity: domain::incident::Severity::from_i64(severity)
                                .ok_or_else(|| corrupt("incidents.severity"))?,
                            status: domain::incident::IncidentStatus::parse(&status)
                                .ok_or_else(|| corrupt("incidents.status"))?,
                            lat: row.try_get("lat").map_err(backend_err)?,
                            lon: row.try_get("lon").map_err(backend_err)?,
                            made_at: row.try_get("made_at").map_err(backend_err)?,
                        })
                    })
                    .collect()
            }

            async fn change_incident(
                &self,
                id: domain::incident::port::IncidentId,
                change: &domain::incident::port::IncidentChange,
            ) -> Result<(), domain::StorageError> {
                use domain::incident::port::ChangeKind;
                let mut tx = self.pool.begin_with(BEGIN_WRITE).await.map_err(backend_err)?;
                let status: Option<String> =
                    sqlx::query_scalar("SELECT status FROM incidents WHERE id = $1")
                        .bind(id.0)
                        .fetch_optional(&mut *tx)
                        .await
                        .map_err(backend_err)?;
                let Some(status) = status else {
                    return Err(domain::StorageError::MissingReference);
                };
                let (after, referred, assignee) = match &change.what {
                    ChangeKind::Status { from, to, referred_to } => {
                        let referred = referred_to.as_ref().map(|r| r.to_stored());
                        let done = sqlx::query(
                            "UPDATE incidents SET status = $2, \
                             referred_to = COALESCE($3, referred_to) \
                             WHERE id = $1 AND status = $4",
                        )
                        .bind(id.0)
                        .bind(to.as_str())
                        .bind(referred.as_deref())
                        .bind(from.as_str())
                        .execute(&mut *tx)
                        .await
                        .map_err(backend_err)?;
                        if done.rows_affected() != 1 {
                            return Err(domain::StorageError::Constraint("incidents_status"));
                        }
                        (to.as_str().to_owned(), referred, None)
                    }
                    ChangeKind::Assign(who) => {
                        sqlx::query("UPDATE incidents SET assignee_id = $2 WHERE id = $1")
                            .bind(id.0)
                            .bind(who.map(|v| v.0))
                            .execute(&mut *tx)
                            .await
                            .map_err(|e| map_err(e, "incidents_assignee_fkey"))?;
                        (status, None, who.map(|v| v.0))
                    }
                    ChangeKind::Publish(public) => {
                        sqlx::query("UPDATE incidents SET public = $2 WHERE id = $1")
                            .bind(id.0)
                            .bind(*public)
                            .execute(&mut *tx)
                            .await
                            .map_err(backend_err)?;
                        (status, None, None)
                    }
                };
                sqlx::query(
                    "INSERT INTO incident_events (incident_id, actor_id, at, status, step, referred_to, assignee_id, note) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(id.0)
                .bind(change.actor.0)
                .bind(change.at)
                .bind(after.as_str())
                .bind(change.step.as_str())
                .bind(referred.as_deref())
                .bind(assignee)
                .bind(change.note.as_deref())
                .execute(&mut *tx)
                .await
                .map_err(|e| map_err(e, "incident_events_actor_fkey"))?;
                tx.commit().await.map_err(backend_err)
            }
        }
    };
}

pub(crate) use incident_storage_impl;
