//! The queries both adapters share. SQLite and PostgreSQL understand the same SQL for almost
//! everything here (`$N` parameters, `RETURNING`, `WITH RECURSIVE`), so the statements are
//! written once and `storage_impl!` expands them for each pool type. What differs (NULL-safe
//! equality) is a `const` each adapter module defines: `NULL_SAFE_EQ`.

/// Prefixes a query with `sub(id)`: the area `$1` and every area below it. Lists by area scope
/// (a coordinator's street, an admin's district) all start here.
macro_rules! subtree_of_1 {
    ($rest:expr) => {
        concat!(
            "WITH RECURSIVE sub(id) AS (SELECT id FROM areas WHERE id = $1 \
             UNION ALL SELECT a.id FROM areas a JOIN sub ON a.parent_id = sub.id) ",
            $rest
        )
    };
}

pub(crate) use subtree_of_1;

/// Expands `impl domain::Storage` for `$storage` whose `pool` field is a `sqlx::Pool<$db>`.
macro_rules! storage_impl {
    ($storage:ty, $row:ty, $backend:literal) => {
        fn area_from_row(row: &$row) -> Result<domain::Area, domain::StorageError> {
            use sqlx::Row;
            let population: i64 = row.try_get("population").map_err(backend_err)?;
            Ok(domain::Area {
                id: domain::AreaId(row.try_get("id").map_err(backend_err)?),
                parent_id: row
                    .try_get::<Option<i64>, _>("parent_id")
                    .map_err(backend_err)?
                    .map(domain::AreaId),
                kind: area_kind(row.try_get::<&str, _>("kind").map_err(backend_err)?)?,
                name: row.try_get("name").map_err(backend_err)?,
                population: u32::try_from(population)
                    .map_err(|e| domain::StorageError::Backend(e.to_string()))?,
                population_counted_on: row.try_get("population_counted_on").map_err(backend_err)?,
                target_rate: row
                    .try_get::<Option<i64>, _>("target_rate_bp")
                    .map_err(backend_err)?
                    .map(|bp| {
                        u16::try_from(bp)
                            .ok()
                            .and_then(|bp| domain::TargetRate::from_basis_points(bp).ok())
                            .ok_or_else(|| corrupt("target_rate_bp"))
                    })
                    .transpose()?,
            })
        }

        fn volunteer_from_row(row: &$row) -> Result<domain::Volunteer, domain::StorageError> {
            use sqlx::Row;
            let phone: String = row.try_get("phone").map_err(backend_err)?;
            let status: String = row.try_get("status").map_err(backend_err)?;
            let skills: String = row.try_get("skills").map_err(backend_err)?;
            Ok(domain::Volunteer {
                id: domain::VolunteerId(row.try_get("id").map_err(backend_err)?),
                name: row.try_get("name").map_err(backend_err)?,
                phone: domain::PhoneNumber::parse(&phone).map_err(|_| corrupt("phone"))?,
                id_number_masked: row.try_get("id_number_masked").map_err(backend_err)?,
                home_area_id: domain::AreaId(row.try_get("home_area_id").map_err(backend_err)?),
                status: domain::VolunteerStatus::from_db(&status).ok_or_else(|| corrupt("status"))?,
                vest_no: row.try_get("vest_no").map_err(backend_err)?,
                skills: serde_json::from_str(&skills).map_err(|_| corrupt("skills"))?,
                applied_at_ms: row.try_get("applied_at").map_err(backend_err)?,
                password_temporary: row.try_get("password_temporary").map_err(backend_err)?,
                calendar_generation: row.try_get("calendar_generation").map_err(backend_err)?,
            })
        }

        fn session_from_row(row: &$row) -> Result<domain::SessionRecord, domain::StorageError> {
            use sqlx::Row;
            Ok(domain::SessionRecord {
                token_hash: row.try_get("token_hash").map_err(backend_err)?,
                volunteer_id: domain::VolunteerId(row.try_get("volunteer_id").map_err(backend_err)?),
                created_at_ms: row.try_get("created_at").map_err(backend_err)?,
                last_seen_at_ms: row.try_get("last_seen_at").map_err(backend_err)?,
                expires_at_ms: row.try_get("expires_at").map_err(backend_err)?,
            })
        }

        const INSERT_VOLUNTEER: &str = "INSERT INTO volunteers (name, phone, id_number_sealed, \
             id_number_masked, home_area_id, status, vest_no, skills, location_consent_at, \
             location_consent_version, applied_at, password_hash, password_changed_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id";

        /// Binds a new volunteer's columns, in `INSERT_VOLUNTEER`'s order.
        fn bind_new_volunteer<'q, O>(
            q: sqlx::query::QueryScalar<'q, <$row as sqlx::Row>::Database, O, <<$row as sqlx::Row>::Database as sqlx::Database>::Arguments<'q>>,
            v: &'q domain::NewVolunteer,
        ) -> Result<
            sqlx::query::QueryScalar<'q, <$row as sqlx::Row>::Database, O, <<$row as sqlx::Row>::Database as sqlx::Database>::Arguments<'q>>,
            domain::StorageError,
        > {
            let skills = serde_json::to_string(&v.skills)
                .map_err(|e| domain::StorageError::Backend(e.to_string()))?;
            let consent_at = v.location_consent_version.as_ref().map(|_| v.now_ms);
            Ok(q.bind(v.name.as_str())
                .bind(v.phone.as_str())
                .bind(v.id_number.as_ref().map(|s| s.sealed.clone()))
                .bind(v.id_number.as_ref().map(|s| s.masked.clone()))
                .bind(v.home_area_id.0)
                .bind(v.status.as_str())
                .bind(v.vest_no.as_deref())
                .bind(skills)
                .bind(consent_at)
                .bind(v.location_consent_version.as_deref())
                .bind(v.now_ms)
                .bind(v.password_hash.as_deref())
                .bind(v.password_hash.as_ref().map(|_| v.now_ms)))
        }

        const INSERT_AUDIT: &str = "INSERT INTO audit_log (at, actor_id, action, entity, \
             entity_id, area_id, before_state, after_state) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";

        fn bind_audit<'q>(
            q: sqlx::query::Query<'q, <$row as sqlx::Row>::Database, <<$row as sqlx::Row>::Database as sqlx::Database>::Arguments<'q>>,
            e: &'q domain::AuditEntry,
        ) -> sqlx::query::Query<'q, <$row as sqlx::Row>::Database, <<$row as sqlx::Row>::Database as sqlx::Database>::Arguments<'q>> {
            q.bind(e.at_ms)
                .bind(e.actor_id.map(|a| a.0))
                .bind(e.action.as_str())
                .bind(e.entity.as_str())
                .bind(e.entity_id)
                .bind(e.area_id.map(|a| a.0))
                .bind(e.before.as_deref())
                .bind(e.after.as_deref())
        }

        /// Writes the audit entry of a change inside its transaction, then commits both.
        async fn commit_with_audit(
            mut tx: sqlx::Transaction<'_, <$row as sqlx::Row>::Database>,
            audit: &domain::AuditEntry,
        ) -> Result<(), domain::StorageError> {
            bind_audit(sqlx::query(INSERT_AUDIT), audit)
                .execute(&mut *tx)
                .await
                .map_err(backend_err)?;
            tx.commit().await.map_err(backend_err)
        }

        const INSERT_AREA: &str = "INSERT INTO areas (parent_id, kind, name, population, \
             population_counted_on) VALUES ($1, $2, $3, $4, $5) RETURNING id";

        const AREA_COLUMNS: &str =
            "id, parent_id, kind, name, population, population_counted_on, target_rate_bp";
        /// A new password hash: $1 the hash, $2 when, $3 whose, $4 whether it is temporary.
        const SET_PASSWORD: &str = "UPDATE volunteers SET password_hash = $1, \
             password_changed_at = $2, password_temporary = $4 WHERE id = $3";
        const VOLUNTEER_COLUMNS: &str = "id, name, phone, id_number_masked, home_area_id, status, \
             vest_no, skills, applied_at, password_temporary, calendar_generation";

        impl $storage {
            /// A team with its member count and leaders' names.
            async fn team_summary(
                &self,
                id: i64,
                area_id: i64,
                name: String,
            ) -> Result<domain::TeamSummary, domain::StorageError> {
                let members: i64 =
                    sqlx::query_scalar("SELECT COUNT(*) FROM team_members WHERE team_id = $1")
                        .bind(id)
                        .fetch_one(&self.pool)
                        .await
                        .map_err(backend_err)?;
                let leaders: Vec<String> = sqlx::query_scalar(
                    "SELECT v.name FROM team_members m JOIN volunteers v ON v.id = m.volunteer_id \
                     WHERE m.team_id = $1 AND m.is_leader = $2 ORDER BY v.name",
                )
                .bind(id)
                .bind(true)
                .fetch_all(&self.pool)
                .await
                .map_err(backend_err)?;
                Ok(domain::TeamSummary {
                    id: domain::TeamId(id),
                    area_id: domain::AreaId(area_id),
                    name,
                    members: count(members)?,
                    leaders,
                })
            }
        }

        #[async_trait::async_trait]
        impl domain::Storage for $storage {
            fn backend(&self) -> &'static str {
                $backend
            }

            async fn ping(&self) -> Result<(), domain::StorageError> {
                sqlx::query("SELECT 1").execute(&self.pool).await.map_err(backend_err)?;
                Ok(())
            }

            async fn insert_area(
                &self,
                area: &domain::NewArea,
            ) -> Result<domain::AreaId, domain::StorageError> {
                let id: i64 = sqlx::query_scalar(
                    INSERT_AREA,
                )
                .bind(area.parent_id.map(|p| p.0))
                .bind(area.kind.as_str())
                .bind(area.name.as_str())
                .bind(i64::from(area.population.get()))
                .bind(area.population_counted_on)
                .fetch_one(&self.pool)
                .await
                .map_err(|e| map_err(e, "areas_parent_name_key"))?;
                Ok(domain::AreaId(id))
            }

            async fn create_area(
                &self,
                area: &domain::NewArea,
                audit: &domain::AuditEntry,
            ) -> Result<domain::AreaId, domain::StorageError> {
                let mut tx = self.pool.begin_with(BEGIN_WRITE).await.map_err(backend_err)?;
                let id: i64 = sqlx::query_scalar(
                    INSERT_AREA,
                )
                .bind(area.parent_id.map(|p| p.0))
                .bind(area.kind.as_str())
                .bind(area.name.as_str())
                .bind(i64::from(area.population.get()))
                .bind(area.population_counted_on)
                .fetch_one(&mut *tx)
                .await
                .map_err(|e| map_err(e, "areas_parent_name_key"))?;
                let mut audit = audit.clone();
                audit.entity_id = Some(id);
                audit.area_id = Some(domain::AreaId(id));
                commit_with_audit(tx, &audit).await?;
                Ok(domain::AreaId(id))
            }

            async fn area(
                &self,
                id: domain::AreaId,
            ) -> Result<Option<domain::Area>, domain::StorageError> {
                let row = sqlx::query(&format!("SELECT {AREA_COLUMNS} FROM areas WHERE id = $1"))
                    .bind(id.0)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(backend_err)?;
                row.as_ref().map(area_from_row).transpose()
            }

            async fn child_areas(
                &self,
                parent: Option<domain::AreaId>,
            ) -> Result<Vec<domain::Area>, domain::StorageError> {
                let rows = sqlx::query(&format!(
                    "SELECT {AREA_COLUMNS} FROM areas WHERE parent_id {NULL_SAFE_EQ} $1 \
                     ORDER BY name, id"
                ))
                .bind(parent.map(|p| p.0))
                .fetch_all(&self.pool)
                .await
                .map_err(backend_err)?;
                rows.iter().map(area_from_row).collect()
            }

            async fn update_area_figures(
                &self,
                id: domain::AreaId,
                population: domain::Population,
                counted_on: Option<chrono::NaiveDate>,
                target_rate: Option<domain::TargetRate>,
                audit: &domain::AuditEntry,
            ) -> Result<(), domain::StorageError> {
                let mut tx = self.pool.begin_with(BEGIN_WRITE).await.map_err(backend_err)?;
                let done = sqlx::query(
                    "UPDATE areas SET population = $1, population_counted_on = $2, \
                     target_rate_bp = $3 WHERE id = $4",
                )
                .bind(i64::from(population.get()))
                .bind(counted_on)
                .bind(target_rate.map(|r| i64::from(r.basis_points())))
                .bind(id.0)
                .execute(&mut *tx)
                .await
                .map_err(|e| map_err(e, "areas_population_check"))?;
                exactly_one(done.rows_affected())?;
                commit_with_audit(tx, audit).await
            }

            async fn import_geometry(
                &self,
                boundaries: &[(domain::AreaId, domain::geometry::Shape)],
                sites: &[domain::SiteDraft],
                audit: &domain::AuditEntry,
            ) -> Result<(u32, u32), domain::StorageError> {
                use domain::geometry::{shape_to_geojson, Fence};
                use geo::Centroid;
                let mut tx = self.pool.begin_with(BEGIN_WRITE).await.map_err(backend_err)?;
                for (area, shape) in boundaries {
                    let done = sqlx::query("UPDATE areas SET boundary = $1 WHERE id = $2")
                        .bind(shape_to_geojson(shape))
                        .bind(area.0)
                        .execute(&mut *tx)
                        .await
                        .map_err(backend_err)?;
                    exactly_one(done.rows_affected())?;
                }
                for site in sites {
                    // A polygon site keeps its centroid too, for distances and map labels.
                    let (lat, lon, radius, boundary) = match &site.fence {
                        Fence::Circle { lat, lon, radius_m } => {
                            (*lat, *lon, Some(i64::from(*radius_m)), None)
                        }
                        Fence::Polygon(shape) => {
                            let c = shape.centroid().ok_or(domain::StorageError::Constraint("sites_fence_check"))?;
                            (c.y(), c.x(), None, Some(shape_to_geojson(shape)))
                        }
                    };
                    sqlx::query(
                        "INSERT INTO sites (area_id, name, lat, lon, radius_m, boundary) \
                         VALUES ($1, $2, $3, $4, $5, $6) \
                         ON CONFLICT (area_id, name) DO UPDATE SET lat = excluded.lat, \
                         lon = excluded.lon, radius_m = excluded.radius_m, boundary = excluded.boundary",
                    )
                    .bind(site.area_id.0)
                    .bind(&site.name)
                    .bind(lat)
                    .bind(lon)
                    .bind(radius)
                    .bind(boundary)
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| map_err(e, "sites_area_name_key"))?;
                }
                commit_with_audit(tx, audit).await?;
                Ok((boundaries.len() as u32, sites.len() as u32))
            }

            async fn sites_in(
                &self,
                area: domain::AreaId,
            ) -> Result<Vec<domain::Site>, domain::StorageError> {
                let rows: Vec<(i64, i64, String, f64, f64, Option<i64>, Option<String>)> = sqlx::query_as(
                    super::common::subtree_of_1!("SELECT s.id, s.area_id, s.name, s.lat, s.lon, s.radius_m, s.boundary \
                       FROM sites s JOIN sub ON s.area_id = sub.id WHERE s.active = $2 \
                       ORDER BY s.name, s.id"),
                )
                .bind(area.0)
                .bind(true)
                .fetch_all(&self.pool)
                .await
                .map_err(backend_err)?;
                rows.into_iter()
                    .map(|(id, area_id, name, lat, lon, radius, boundary)| {
                        site_from_parts(id, area_id, name, lat, lon, radius, boundary)
                    })
                    .collect()
            }

            async fn boundaries(
                &self,
                parent: domain::AreaId,
            ) -> Result<Vec<(domain::AreaId, domain::geometry::Shape)>, domain::StorageError> {
                let rows: Vec<(i64, String)> = sqlx::query_as(
                    "SELECT id, boundary FROM areas \
                     WHERE (id = $1 OR parent_id = $1) AND boundary IS NOT NULL ORDER BY id",
                )
                .bind(parent.0)
                .fetch_all(&self.pool)
                .await
                .map_err(backend_err)?;
                rows.into_iter()
                    .map(|(id, text)| {
                        domain::geometry::shape_from_geojson(&text)
                            .map(|s| (domain::AreaId(id), s))
                            .ok_or_else(|| corrupt("areas.boundary"))
                    })
                    .collect()
            }

            async fn area_path(
                &self,
                id: domain::AreaId,
            ) -> Result<domain::AreaPath, domain::StorageError> {
                if let Some(path) = self.paths.get(id) {
                    return Ok(path);
                }
                let ids: Vec<i64> = sqlx::query_scalar(
                    "WITH RECURSIVE up(id, parent_id, depth) AS ( \
                         SELECT id, parent_id, 0 FROM areas WHERE id = $1 \
                         UNION ALL \
                         SELECT a.id, a.parent_id, up.depth + 1 FROM areas a JOIN up ON a.id = up.parent_id \
                     ) SELECT id FROM up ORDER BY depth DESC",
                )
                .bind(id.0)
                .fetch_all(&self.pool)
                .await
                .map_err(backend_err)?;
                let path = domain::AreaPath(ids.into_iter().map(domain::AreaId).collect());
                self.paths.remember(id, &path);
                Ok(path)
            }

            async fn registered_in(&self, id: domain::AreaId) -> Result<u32, domain::StorageError> {
                let n: i64 = sqlx::query_scalar(
                    super::common::subtree_of_1!("SELECT COUNT(*) FROM volunteers v JOIN sub ON v.home_area_id = sub.id \
                       WHERE v.status = 'registered'"),
                )
                .bind(id.0)
                .fetch_one(&self.pool)
                .await
                .map_err(backend_err)?;
                count(n)
            }

            async fn registered_per_child(
                &self,
                parent: domain::AreaId,
            ) -> Result<Vec<(domain::AreaId, u32)>, domain::StorageError> {
                let rows: Vec<(i64, i64)> = sqlx::query_as(
                    "WITH RECURSIVE sub(top, id) AS ( \
                         SELECT id, id FROM areas WHERE parent_id = $1 \
                         UNION ALL SELECT sub.top, a.id FROM areas a JOIN sub ON a.parent_id = sub.id \
                     ) SELECT sub.top, COUNT(v.id) FROM sub \
                       LEFT JOIN volunteers v ON v.home_area_id = sub.id AND v.status = 'registered' \
                       GROUP BY sub.top",
                )
                .bind(parent.0)
                .fetch_all(&self.pool)
                .await
                .map_err(backend_err)?;
                rows.into_iter()
                    .map(|(id, n)| Ok((domain::AreaId(id), count(n)?)))
                    .collect()
            }

            async fn insert_volunteer(
                &self,
                v: &domain::NewVolunteer,
            ) -> Result<domain::VolunteerId, domain::StorageError> {
                let id: i64 = bind_new_volunteer(sqlx::query_scalar(INSERT_VOLUNTEER), v)?
                    .fetch_one(&self.pool)
                    .await
                    .map_err(|e| {
                        let key = unique_of_volunteers(&e);
                        map_err(e, key)
                    })?;
                Ok(domain::VolunteerId(id))
            }

            async fn insert_volunteers(
                &self,
                vs: &[domain::NewVolunteer],
            ) -> Result<u64, domain::StorageError> {
                let mut tx = self.pool.begin_with(BEGIN_WRITE).await.map_err(backend_err)?;
                for v in vs {
                    bind_new_volunteer(sqlx::query_scalar::<_, i64>(INSERT_VOLUNTEER), v)?
                        .fetch_one(&mut *tx)
                        .await
                        .map_err(|e| {
                        let key = unique_of_volunteers(&e);
                        map_err(e, key)
                    })?;
                }
                tx.commit().await.map_err(backend_err)?;
                Ok(vs.len() as u64)
            }

            async fn volunteer(
                &self,
                id: domain::VolunteerId,
            ) -> Result<Option<domain::Volunteer>, domain::StorageError> {
                let row = sqlx::query(&format!(
                    "SELECT {VOLUNTEER_COLUMNS} FROM volunteers WHERE id = $1"
                ))
                .bind(id.0)
                .fetch_optional(&self.pool)
                .await
                .map_err(backend_err)?;
                row.as_ref().map(volunteer_from_row).transpose()
            }

            async fn login_record(
                &self,
                phone: &domain::PhoneNumber,
            ) -> Result<Option<domain::LoginRecord>, domain::StorageError> {
                let row: Option<(i64, Option<String>, String, bool)> = sqlx::query_as(
                    "SELECT id, password_hash, status, password_temporary FROM volunteers WHERE phone = $1",
                )
                .bind(phone.as_str())
                .fetch_optional(&self.pool)
                .await
                .map_err(backend_err)?;
                row.map(|(id, password_hash, status, password_temporary)| {
                    Ok(domain::LoginRecord {
                        id: domain::VolunteerId(id),
                        password_hash,
                        password_temporary,
                        status: domain::VolunteerStatus::from_db(&status)
                            .ok_or_else(|| corrupt("status"))?,
                    })
                })
                .transpose()
            }

            async fn set_password_hash(
                &self,
                id: domain::VolunteerId,
                hash: &str,
                now_ms: i64,
            ) -> Result<(), domain::StorageError> {
                let done = sqlx::query(SET_PASSWORD)
                .bind(hash)
                .bind(now_ms)
                .bind(id.0)
                .bind(false)
                .execute(&self.pool)
                .await
                .map_err(backend_err)?;
                exactly_one(done.rows_affected())
            }

            async fn change_password(
                &self,
                id: domain::VolunteerId,
                hash: &str,
                keep_session: &str,
                now_ms: i64,
                audit: &domain::AuditEntry,
            ) -> Result<u64, domain::StorageError> {
                let mut tx = self.pool.begin_with(BEGIN_WRITE).await.map_err(backend_err)?;
                let done = sqlx::query(SET_PASSWORD)
                .bind(hash)
                .bind(now_ms)
                .bind(id.0)
                .bind(false)
                .execute(&mut *tx)
                .await
                .map_err(backend_err)?;
                exactly_one(done.rows_affected())?;
                let ended = sqlx::query("DELETE FROM sessions WHERE volunteer_id = $1 AND token_hash <> $2")
                    .bind(id.0)
                    .bind(keep_session)
                    .execute(&mut *tx)
                    .await
                    .map_err(backend_err)?
                    .rows_affected();
                commit_with_audit(tx, audit).await?;
                Ok(ended)
            }

            async fn reset_password(
                &self,
                id: domain::VolunteerId,
                hash: &str,
                now_ms: i64,
                audit: &domain::AuditEntry,
            ) -> Result<(), domain::StorageError> {
                let mut tx = self.pool.begin_with(BEGIN_WRITE).await.map_err(backend_err)?;
                let done = sqlx::query(SET_PASSWORD)
                .bind(hash)
                .bind(now_ms)
                .bind(id.0)
                .bind(true)
                .execute(&mut *tx)
                .await
                .map_err(backend_err)?;
                exactly_one(done.rows_affected())?;
                sqlx::query("DELETE FROM sessions WHERE volunteer_id = $1")
                    .bind(id.0)
                    .execute(&mut *tx)
                    .await
                    .map_err(backend_err)?;
                commit_with_audit(tx, audit).await
            }

            async fn set_volunteer_status(
                &self,
                id: domain::VolunteerId,
                status: domain::VolunteerStatus,
                by: Option<domain::VolunteerId>,
                reason: Option<&str>,
                now_ms: i64,
                audit: &domain::AuditEntry,
            ) -> Result<(), domain::StorageError> {
                let mut tx = self.pool.begin_with(BEGIN_WRITE).await.map_err(backend_err)?;
                let done = sqlx::query(
                    "UPDATE volunteers SET status = $1, decided_by = $2, decision_reason = $3, \
                     decided_at = $4 WHERE id = $5",
                )
                .bind(status.as_str())
                .bind(by.map(|b| b.0))
                .bind(reason)
                .bind(now_ms)
                .bind(id.0)
                .execute(&mut *tx)
                .await
                .map_err(|e| map_err(e, "volunteers_status_check"))?;
                exactly_one(done.rows_affected())?;
                commit_with_audit(tx, audit).await
            }

            async fn approve_volunteer(
                &self,
                id: domain::VolunteerId,
                by: Option<domain::VolunteerId>,
                now_ms: i64,
                audit: &domain::AuditEntry,
            ) -> Result<String, domain::StorageError> {
                let mut tx = self.pool.begin_with(BEGIN_WRITE).await.map_err(backend_err)?;
                let current: Option<Option<String>> =
                    sqlx::query_scalar("SELECT vest_no FROM volunteers WHERE id = $1")
                        .bind(id.0)
                        .fetch_optional(&mut *tx)
                        .await
                        .map_err(backend_err)?;
                let vest_no = match current {
                    None => return Err(domain::StorageError::MissingReference),
                    Some(Some(v)) => v,
                    Some(None) => {
                        // "PA-00042": the sequence is the highest so far plus one; the unique
                        // key refuses a concurrent twin, and the caller may retry.
                        let max: Option<i64> = sqlx::query_scalar(
                            "SELECT MAX(CAST(SUBSTR(vest_no, 4) AS BIGINT)) FROM volunteers \
                             WHERE vest_no LIKE 'PA-%'",
                        )
                        .fetch_one(&mut *tx)
                        .await
                        .map_err(backend_err)?;
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
                .execute(&mut *tx)
                .await
                .map_err(|e| map_err(e, "volunteers_vest_no_key"))?;
                commit_with_audit(tx, audit).await?;
                Ok(vest_no)
            }

            async fn volunteers_in(
                &self,
                f: &domain::VolunteerFilter,
            ) -> Result<domain::VolunteerPage, domain::StorageError> {
                const SUBTREE: &str = super::common::subtree_of_1!("");
                const WHERE: &str = "WHERE v.home_area_id IN (SELECT id FROM sub) \
                       AND ($2 IS NULL OR v.status = $2) \
                       AND ($3 IS NULL OR v.name LIKE $3 ESCAPE '\\' OR v.phone LIKE $4)";
                let search = f.search.as_deref().map(str::trim).filter(|s| !s.is_empty());
                // The name's start, typed characters taken literally (a `%` or `_` is not a
                // wildcard); the phone only by exactly its last four digits, so a search cannot
                // read a whole number digit by digit past the audited reveal.
                let name_prefix = search.map(|s| format!("{}%", like_literal(s)));
                let phone_tail = search
                    .filter(|s| s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit()))
                    .map(|s| format!("%{s}"));
                let total: i64 = sqlx::query_scalar(&format!(
                    "{SUBTREE} SELECT COUNT(*) FROM volunteers v {WHERE}"
                ))
                .bind(f.within.0)
                .bind(f.status.map(|s| s.as_str()))
                .bind(name_prefix.as_deref())
                .bind(phone_tail.as_deref())
                .fetch_one(&self.pool)
                .await
                .map_err(backend_err)?;
                let rows = sqlx::query(&format!(
                    "{SUBTREE} SELECT {} FROM volunteers v {WHERE} ORDER BY v.applied_at, v.id \
                     LIMIT $5 OFFSET $6",
                    VOLUNTEER_COLUMNS
                        .split(", ")
                        .map(|c| format!("v.{c}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
                .bind(f.within.0)
                .bind(f.status.map(|s| s.as_str()))
                .bind(name_prefix.as_deref())
                .bind(phone_tail.as_deref())
                .bind(i64::from(f.limit.clamp(1, 200)))
                .bind(i64::from(f.offset))
                .fetch_all(&self.pool)
                .await
                .map_err(backend_err)?;
                Ok(domain::VolunteerPage {
                    items: rows.iter().map(volunteer_from_row).collect::<Result<_, _>>()?,
                    total: count(total)?,
                })
            }

            async fn sealed_id_number(
                &self,
                id: domain::VolunteerId,
            ) -> Result<Option<Vec<u8>>, domain::StorageError> {
                let sealed: Option<Option<Vec<u8>>> =
                    sqlx::query_scalar("SELECT id_number_sealed FROM volunteers WHERE id = $1")
                        .bind(id.0)
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(backend_err)?;
                Ok(sealed.flatten())
            }

            async fn grants(
                &self,
                id: domain::VolunteerId,
            ) -> Result<Vec<domain::RoleGrant>, domain::StorageError> {
                let rows: Vec<(String, i64)> = sqlx::query_as(
                    "SELECT role, area_id FROM role_grants WHERE volunteer_id = $1 ORDER BY id",
                )
                .bind(id.0)
                .fetch_all(&self.pool)
                .await
                .map_err(backend_err)?;
                rows.into_iter()
                    .map(|(role, area)| {
                        Ok(domain::RoleGrant {
                            role: domain::Role::from_db(&role).ok_or_else(|| corrupt("role"))?,
                            area_id: domain::AreaId(area),
                        })
                    })
                    .collect()
            }

            async fn insert_grant(
                &self,
                id: domain::VolunteerId,
                grant: domain::RoleGrant,
                by: Option<domain::VolunteerId>,
                now_ms: i64,
                audit: &domain::AuditEntry,
            ) -> Result<(), domain::StorageError> {
                let mut tx = self.pool.begin_with(BEGIN_WRITE).await.map_err(backend_err)?;
                sqlx::query(
                    "INSERT INTO role_grants (volunteer_id, role, area_id, granted_by, granted_at) \
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(id.0)
                .bind(grant.role.as_str())
                .bind(grant.area_id.0)
                .bind(by.map(|b| b.0))
                .bind(now_ms)
                .execute(&mut *tx)
                .await
                .map_err(|e| map_err(e, "role_grants_who_what_where_key"))?;
                commit_with_audit(tx, audit).await
            }

            async fn insert_team(
                &self,
                area: domain::AreaId,
                name: &str,
                now_ms: i64,
                audit: &domain::AuditEntry,
            ) -> Result<domain::TeamId, domain::StorageError> {
                let mut tx = self.pool.begin_with(BEGIN_WRITE).await.map_err(backend_err)?;
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO teams (area_id, name, created_at) VALUES ($1, $2, $3) RETURNING id",
                )
                .bind(area.0)
                .bind(name)
                .bind(now_ms)
                .fetch_one(&mut *tx)
                .await
                .map_err(|e| map_err(e, "teams_area_name_key"))?;
                let mut audit = audit.clone();
                audit.entity_id = Some(id);
                commit_with_audit(tx, &audit).await?;
                Ok(domain::TeamId(id))
            }

            async fn teams_in(
                &self,
                area: domain::AreaId,
            ) -> Result<Vec<domain::TeamSummary>, domain::StorageError> {
                let rows: Vec<(i64, i64, String)> = sqlx::query_as(
                    super::common::subtree_of_1!("SELECT t.id, t.area_id, t.name FROM teams t JOIN sub ON t.area_id = sub.id \
                       ORDER BY t.name, t.id"),
                )
                .bind(area.0)
                .fetch_all(&self.pool)
                .await
                .map_err(backend_err)?;
                let mut out = Vec::with_capacity(rows.len());
                for (id, area_id, name) in rows {
                    out.push(self.team_summary(id, area_id, name).await?);
                }
                Ok(out)
            }

            async fn team(
                &self,
                id: domain::TeamId,
            ) -> Result<Option<domain::TeamSummary>, domain::StorageError> {
                let row: Option<(i64, i64, String)> =
                    sqlx::query_as("SELECT id, area_id, name FROM teams WHERE id = $1")
                        .bind(id.0)
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(backend_err)?;
                match row {
                    Some((id, area_id, name)) => Ok(Some(self.team_summary(id, area_id, name).await?)),
                    None => Ok(None),
                }
            }

            async fn put_team_member(
                &self,
                team: domain::TeamId,
                volunteer: domain::VolunteerId,
                is_leader: bool,
                now_ms: i64,
                audit: &domain::AuditEntry,
            ) -> Result<(), domain::StorageError> {
                let mut tx = self.pool.begin_with(BEGIN_WRITE).await.map_err(backend_err)?;
                let area: Option<i64> = sqlx::query_scalar("SELECT area_id FROM teams WHERE id = $1")
                    .bind(team.0)
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(backend_err)?;
                let area = area.ok_or(domain::StorageError::MissingReference)?;
                sqlx::query(
                    "INSERT INTO team_members (team_id, volunteer_id, is_leader, joined_at) \
                     VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (team_id, volunteer_id) \
                     DO UPDATE SET is_leader = team_members.is_leader OR excluded.is_leader",
                )
                .bind(team.0)
                .bind(volunteer.0)
                .bind(is_leader)
                .bind(now_ms)
                .execute(&mut *tx)
                .await
                .map_err(|e| map_err(e, "team_members_pkey"))?;
                if is_leader {
                    sqlx::query(
                        "INSERT INTO role_grants (volunteer_id, role, area_id, granted_by, granted_at) \
                         VALUES ($1, 'team_leader', $2, $3, $4) \
                         ON CONFLICT (volunteer_id, role, area_id) DO NOTHING",
                    )
                    .bind(volunteer.0)
                    .bind(area)
                    .bind(audit.actor_id.map(|a| a.0))
                    .bind(now_ms)
                    .execute(&mut *tx)
                    .await
                    .map_err(backend_err)?;
                }
                commit_with_audit(tx, audit).await
            }

            async fn renew_calendar(
                &self,
                id: domain::VolunteerId,
                audit: &domain::AuditEntry,
            ) -> Result<i64, domain::StorageError> {
                let mut tx = self.pool.begin_with(BEGIN_WRITE).await.map_err(backend_err)?;
                let generation: Option<i64> = sqlx::query_scalar(
                    "UPDATE volunteers SET calendar_generation = calendar_generation + 1 \
                     WHERE id = $1 RETURNING calendar_generation",
                )
                .bind(id.0)
                .fetch_optional(&mut *tx)
                .await
                .map_err(backend_err)?;
                let generation = generation.ok_or(domain::StorageError::MissingReference)?;
                commit_with_audit(tx, audit).await?;
                Ok(generation)
            }

            async fn revoke_team_leader(
                &self,
                team: domain::TeamId,
                volunteer: domain::VolunteerId,
                audit: &domain::AuditEntry,
            ) -> Result<(), domain::StorageError> {
                let mut tx = self.pool.begin_with(BEGIN_WRITE).await.map_err(backend_err)?;
                let area: Option<i64> = sqlx::query_scalar("SELECT area_id FROM teams WHERE id = $1")
                    .bind(team.0)
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(backend_err)?;
                let area = area.ok_or(domain::StorageError::MissingReference)?;
                sqlx::query(
                    "UPDATE team_members SET is_leader = $3 WHERE team_id = $1 AND volunteer_id = $2",
                )
                .bind(team.0)
                .bind(volunteer.0)
                .bind(false)
                .execute(&mut *tx)
                .await
                .map_err(backend_err)?;
                sqlx::query(
                    "DELETE FROM role_grants WHERE volunteer_id = $1 AND role = 'team_leader' \
                     AND area_id = $2 AND NOT EXISTS (SELECT 1 FROM team_members m \
                     JOIN teams t ON t.id = m.team_id \
                     WHERE m.volunteer_id = $1 AND m.is_leader = $3 AND t.area_id = $2)",
                )
                .bind(volunteer.0)
                .bind(area)
                .bind(true)
                .execute(&mut *tx)
                .await
                .map_err(backend_err)?;
                commit_with_audit(tx, audit).await
            }

            async fn team_members(
                &self,
                team: domain::TeamId,
            ) -> Result<Vec<(domain::Volunteer, bool)>, domain::StorageError> {
                use sqlx::Row;
                let rows = sqlx::query(&format!(
                    "SELECT {}, m.is_leader FROM team_members m JOIN volunteers v ON v.id = m.volunteer_id \
                     WHERE m.team_id = $1 ORDER BY m.is_leader DESC, v.name, v.id",
                    VOLUNTEER_COLUMNS.split(", ").map(|c| format!("v.{c}")).collect::<Vec<_>>().join(", ")
                ))
                .bind(team.0)
                .fetch_all(&self.pool)
                .await
                .map_err(backend_err)?;
                rows.iter()
                    .map(|r| Ok((volunteer_from_row(r)?, r.try_get::<bool, _>("is_leader").map_err(backend_err)?)))
                    .collect()
            }

            async fn volunteer_by_phone(
                &self,
                phone: &domain::PhoneNumber,
            ) -> Result<Option<domain::Volunteer>, domain::StorageError> {
                let row = sqlx::query(&format!(
                    "SELECT {VOLUNTEER_COLUMNS} FROM volunteers WHERE phone = $1"
                ))
                .bind(phone.as_str())
                .fetch_optional(&self.pool)
                .await
                .map_err(backend_err)?;
                row.as_ref().map(volunteer_from_row).transpose()
            }

            async fn insert_session(
                &self,
                s: &domain::SessionRecord,
            ) -> Result<(), domain::StorageError> {
                sqlx::query(
                    "INSERT INTO sessions (token_hash, volunteer_id, created_at, last_seen_at, expires_at) \
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(&s.token_hash)
                .bind(s.volunteer_id.0)
                .bind(s.created_at_ms)
                .bind(s.last_seen_at_ms)
                .bind(s.expires_at_ms)
                .execute(&self.pool)
                .await
                .map_err(|e| map_err(e, "sessions_pkey"))?;
                Ok(())
            }

            async fn session(
                &self,
                token_hash: &str,
            ) -> Result<Option<domain::SessionRecord>, domain::StorageError> {
                let row = sqlx::query(
                    "SELECT token_hash, volunteer_id, created_at, last_seen_at, expires_at \
                     FROM sessions WHERE token_hash = $1",
                )
                .bind(token_hash)
                .fetch_optional(&self.pool)
                .await
                .map_err(backend_err)?;
                row.as_ref().map(session_from_row).transpose()
            }

            async fn touch_session(
                &self,
                token_hash: &str,
                now_ms: i64,
            ) -> Result<(), domain::StorageError> {
                sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
                    .bind(now_ms)
                    .bind(token_hash)
                    .execute(&self.pool)
                    .await
                    .map_err(backend_err)?;
                Ok(())
            }

            async fn delete_session(&self, token_hash: &str) -> Result<(), domain::StorageError> {
                sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
                    .bind(token_hash)
                    .execute(&self.pool)
                    .await
                    .map_err(backend_err)?;
                Ok(())
            }

            async fn delete_sessions_of(
                &self,
                id: domain::VolunteerId,
            ) -> Result<u64, domain::StorageError> {
                let done = sqlx::query("DELETE FROM sessions WHERE volunteer_id = $1")
                    .bind(id.0)
                    .execute(&self.pool)
                    .await
                    .map_err(backend_err)?;
                Ok(done.rows_affected())
            }

            async fn delete_expired_sessions(
                &self,
                now_ms: i64,
                idle_before_ms: i64,
            ) -> Result<u64, domain::StorageError> {
                let done = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1 OR last_seen_at < $2")
                    .bind(now_ms)
                    .bind(idle_before_ms)
                    .execute(&self.pool)
                    .await
                    .map_err(backend_err)?;
                Ok(done.rows_affected())
            }

            async fn rate_limit_take(
                &self,
                limits: &[domain::RateLimit],
                now_ms: i64,
            ) -> Result<Result<Vec<u32>, i64>, domain::StorageError> {
                let mut tx = self.pool.begin_with(BEGIN_WRITE).await.map_err(backend_err)?;
                let mut hits = Vec::with_capacity(limits.len());
                for l in limits {
                    // A window that began before `stale` is over: the count starts again.
                    let stale = now_ms - l.window_ms;
                    let counted: Option<i64> = sqlx::query_scalar(
                        "INSERT INTO rate_limits (key_hash, hits, window_start, blocked_until) \
                         VALUES ($1, 1, $2, 0) ON CONFLICT (key_hash) DO UPDATE SET \
                         hits = CASE WHEN rate_limits.window_start <= $3 THEN 1 \
                                ELSE rate_limits.hits + 1 END, \
                         window_start = CASE WHEN rate_limits.window_start <= $3 THEN $2 \
                                ELSE rate_limits.window_start END \
                         WHERE rate_limits.blocked_until <= $2 \
                         AND (rate_limits.window_start <= $3 OR rate_limits.hits < $4) \
                         RETURNING hits",
                    )
                    .bind(l.key_hash.as_str())
                    .bind(now_ms)
                    .bind(stale)
                    .bind(i64::from(l.limit))
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(backend_err)?;
                    match counted {
                        Some(n) => hits.push(count(n)?),
                        None => {
                            let (start, blocked): (i64, i64) = sqlx::query_as(
                                "SELECT window_start, blocked_until FROM rate_limits WHERE key_hash = $1",
                            )
                            .bind(l.key_hash.as_str())
                            .fetch_one(&mut *tx)
                            .await
                            .map_err(backend_err)?;
                            tx.rollback().await.map_err(backend_err)?;
                            let free_at = if blocked > now_ms { blocked } else { start + l.window_ms };
                            return Ok(Err(free_at));
                        }
                    }
                }
                tx.commit().await.map_err(backend_err)?;
                Ok(Ok(hits))
            }

            async fn rate_limit_block(
                &self,
                key_hash: &str,
                until_ms: i64,
            ) -> Result<(), domain::StorageError> {
                sqlx::query("UPDATE rate_limits SET blocked_until = $2 WHERE key_hash = $1")
                    .bind(key_hash)
                    .bind(until_ms)
                    .execute(&self.pool)
                    .await
                    .map_err(backend_err)?;
                Ok(())
            }

            async fn rate_limit_forgive(
                &self,
                key_hash: &str,
                forget: bool,
            ) -> Result<(), domain::StorageError> {
                let sql = if forget {
                    "DELETE FROM rate_limits WHERE key_hash = $1"
                } else {
                    "UPDATE rate_limits SET hits = hits - 1 WHERE key_hash = $1 AND hits > 0"
                };
                sqlx::query(sql)
                    .bind(key_hash)
                    .execute(&self.pool)
                    .await
                    .map_err(backend_err)?;
                Ok(())
            }

            async fn prune_rate_limits(
                &self,
                before_ms: i64,
                now_ms: i64,
            ) -> Result<u64, domain::StorageError> {
                let done = sqlx::query(
                    "DELETE FROM rate_limits WHERE window_start < $1 AND blocked_until <= $2",
                )
                .bind(before_ms)
                .bind(now_ms)
                .execute(&self.pool)
                .await
                .map_err(backend_err)?;
                Ok(done.rows_affected())
            }

            async fn append_audit(&self, e: &domain::AuditEntry) -> Result<(), domain::StorageError> {
                bind_audit(sqlx::query(INSERT_AUDIT), e)
                    .execute(&self.pool)
                    .await
                    .map_err(backend_err)?;
                Ok(())
            }

            async fn audit_entries(
                &self,
                f: &domain::AuditFilter,
            ) -> Result<Vec<domain::AuditRecord>, domain::StorageError> {
                // Every filter is bound (NULL meaning "any"), so there is one statement to plan.
                let rows: Vec<super::common::AuditRow> = sqlx::query_as(
                    super::common::subtree_of_1!("SELECT id, at, actor_id, action, entity, entity_id, area_id, before_state, after_state \
                       FROM audit_log \
                       WHERE ($1 IS NULL OR area_id IN (SELECT id FROM sub)) \
                         AND ($2 IS NULL OR entity = $2) \
                         AND ($3 IS NULL OR actor_id = $3) \
                         AND ($4 IS NULL OR id < $4) \
                       ORDER BY id DESC LIMIT $5"),
                )
                .bind(f.within.map(|a| a.0))
                .bind(f.entity.as_deref())
                .bind(f.actor_id.map(|a| a.0))
                .bind(f.before_id)
                .bind(i64::from(f.limit.clamp(1, 500)))
                .fetch_all(&self.pool)
                .await
                .map_err(backend_err)?;
                Ok(rows.into_iter().map(super::common::AuditRow::into_record).collect())
            }
        }
    };
}

pub(crate) use storage_impl;

/// A row of `audit_log` as both drivers decode it.
#[derive(sqlx::FromRow)]
pub(crate) struct AuditRow {
    id: i64,
    at: i64,
    actor_id: Option<i64>,
    action: String,
    entity: String,
    entity_id: Option<i64>,
    area_id: Option<i64>,
    before_state: Option<String>,
    after_state: Option<String>,
}

impl AuditRow {
    pub(crate) fn into_record(self) -> domain::AuditRecord {
        domain::AuditRecord {
            id: self.id,
            entry: domain::AuditEntry {
                at_ms: self.at,
                actor_id: self.actor_id.map(domain::VolunteerId),
                action: self.action,
                entity: self.entity,
                entity_id: self.entity_id,
                area_id: self.area_id.map(domain::AreaId),
                before: self.before_state,
                after: self.after_state,
            },
        }
    }
}
