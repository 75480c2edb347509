//! `domain::Storage` for this backend: each method names the queries that answer it and the
//! transaction they share, and hands the port its error.

use super::{
    areas, audit, begin, commit_with_audit, conn, notices, phone_codes, sessions, sites, teams,
    volunteers, Store,
};
use domain::{
    Area, AreaId, AreaPath, AuditEntry, AuditFilter, AuditRecord, LoginRecord, NewArea,
    NewVolunteer, PhoneNumber, RateLimit, RoleGrant, SessionRecord, StorageError, TeamId,
    TeamSummary, Volunteer, VolunteerFilter, VolunteerId, VolunteerPage, VolunteerStatus,
};

type Answer<T> = Result<T, StorageError>;

#[async_trait::async_trait]
impl domain::Storage for Store {
    fn backend(&self) -> &'static str {
        super::BACKEND
    }

    async fn ping(&self) -> Answer<()> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map_err(super::Error::from)?;
        Ok(())
    }

    async fn insert_area(&self, area: &NewArea) -> Answer<AreaId> {
        let mut conn = conn(&self.pool).await?;
        Ok(areas::insert(&mut conn, area).await?)
    }

    async fn create_area(&self, area: &NewArea, entry: &AuditEntry) -> Answer<AreaId> {
        let mut tx = begin(&self.pool).await?;
        let id = areas::insert(&mut tx, area).await?;
        let mut entry = entry.clone();
        entry.entity_id = Some(id.0);
        entry.area_id = Some(id);
        commit_with_audit(tx, &entry).await?;
        Ok(id)
    }

    async fn area(&self, id: AreaId) -> Answer<Option<Area>> {
        Ok(areas::get(&self.pool, id).await?)
    }

    async fn child_areas(&self, parent: Option<AreaId>) -> Answer<Vec<Area>> {
        Ok(areas::children(&self.pool, parent).await?)
    }

    async fn update_area_figures(
        &self,
        id: AreaId,
        population: domain::Population,
        counted_on: Option<chrono::NaiveDate>,
        target_rate: Option<domain::TargetRate>,
        entry: &AuditEntry,
    ) -> Answer<()> {
        let mut tx = begin(&self.pool).await?;
        areas::set_figures(&mut tx, id, population, counted_on, target_rate).await?;
        Ok(commit_with_audit(tx, entry).await?)
    }

    async fn import_geometry(
        &self,
        boundaries: &[(AreaId, domain::geometry::Shape)],
        drafts: &[domain::SiteDraft],
        entry: &AuditEntry,
    ) -> Answer<(u32, u32)> {
        let mut tx = begin(&self.pool).await?;
        let written = sites::import(&mut tx, boundaries, drafts).await?;
        commit_with_audit(tx, entry).await?;
        Ok(written)
    }

    async fn sites_in(&self, area: AreaId) -> Answer<Vec<domain::Site>> {
        Ok(sites::in_subtree(&self.pool, area).await?)
    }

    async fn boundaries(&self, parent: AreaId) -> Answer<Vec<(AreaId, domain::geometry::Shape)>> {
        Ok(areas::boundaries(&self.pool, parent).await?)
    }

    /// Paths are remembered: every request resolves its caller's home path, and a path never
    /// changes once the area exists.
    async fn area_path(&self, id: AreaId) -> Answer<AreaPath> {
        if let Some(path) = self.paths.get(id) {
            return Ok(path);
        }
        let path = areas::path(&self.pool, id).await?;
        self.paths.remember(id, &path);
        Ok(path)
    }

    async fn registered_in(&self, id: AreaId) -> Answer<u32> {
        Ok(areas::registered_in(&self.pool, id).await?)
    }

    async fn registered_per_child(&self, parent: AreaId) -> Answer<Vec<(AreaId, u32)>> {
        Ok(areas::registered_per_child(&self.pool, parent).await?)
    }

    async fn insert_volunteer(&self, v: &NewVolunteer) -> Answer<VolunteerId> {
        let mut conn = conn(&self.pool).await?;
        Ok(volunteers::insert(&mut conn, v).await?)
    }

    async fn insert_applicant(&self, v: &NewVolunteer, entry: &AuditEntry) -> Answer<VolunteerId> {
        let mut tx = begin(&self.pool).await?;
        let id = volunteers::insert(&mut tx, v).await?;
        let entry = AuditEntry {
            actor_id: Some(id),
            entity_id: Some(id.0),
            ..entry.clone()
        };
        commit_with_audit(tx, &entry).await?;
        Ok(id)
    }

    async fn insert_volunteers(&self, vs: &[NewVolunteer]) -> Answer<u64> {
        let mut tx = begin(&self.pool).await?;
        for v in vs {
            volunteers::insert(&mut tx, v).await?;
        }
        tx.commit().await.map_err(super::Error::from)?;
        Ok(vs.len() as u64)
    }

    async fn volunteer(&self, id: VolunteerId) -> Answer<Option<Volunteer>> {
        Ok(volunteers::get(&self.pool, id).await?)
    }

    async fn login_record(&self, phone: &PhoneNumber) -> Answer<Option<LoginRecord>> {
        Ok(volunteers::login_record(&self.pool, phone).await?)
    }

    async fn set_password_hash(&self, id: VolunteerId, hash: &str, now_ms: i64) -> Answer<()> {
        let mut conn = conn(&self.pool).await?;
        Ok(volunteers::set_password(&mut conn, id, hash, now_ms, false).await?)
    }

    async fn change_password(
        &self,
        id: VolunteerId,
        hash: &str,
        keep_session: &str,
        now_ms: i64,
        entry: &AuditEntry,
    ) -> Answer<u64> {
        let mut tx = begin(&self.pool).await?;
        volunteers::set_password(&mut tx, id, hash, now_ms, false).await?;
        let ended = sessions::delete_of(&mut tx, id, Some(keep_session)).await?;
        commit_with_audit(tx, entry).await?;
        Ok(ended)
    }

    async fn reset_password(
        &self,
        id: VolunteerId,
        hash: &str,
        now_ms: i64,
        entry: &AuditEntry,
    ) -> Answer<()> {
        let mut tx = begin(&self.pool).await?;
        volunteers::set_password(&mut tx, id, hash, now_ms, true).await?;
        sessions::delete_of(&mut tx, id, None).await?;
        Ok(commit_with_audit(tx, entry).await?)
    }

    async fn set_volunteer_status(
        &self,
        id: VolunteerId,
        status: VolunteerStatus,
        by: Option<VolunteerId>,
        reason: Option<&str>,
        now_ms: i64,
        entry: &AuditEntry,
    ) -> Answer<()> {
        let mut tx = begin(&self.pool).await?;
        volunteers::set_status(&mut tx, id, status, by, reason, now_ms).await?;
        if status == VolunteerStatus::Rejected {
            notices::registration(&mut tx, id, Err(reason.unwrap_or("")), now_ms).await?;
        }
        Ok(commit_with_audit(tx, entry).await?)
    }

    async fn approve_volunteer(
        &self,
        id: VolunteerId,
        by: Option<VolunteerId>,
        now_ms: i64,
        entry: &AuditEntry,
    ) -> Answer<String> {
        let mut tx = begin(&self.pool).await?;
        let vest_no = volunteers::approve(&mut tx, id, by, now_ms).await?;
        notices::registration(&mut tx, id, Ok(&vest_no), now_ms).await?;
        commit_with_audit(tx, entry).await?;
        Ok(vest_no)
    }

    async fn volunteers_in(&self, filter: &VolunteerFilter) -> Answer<VolunteerPage> {
        Ok(volunteers::page(&self.pool, filter).await?)
    }

    async fn sealed_id_number(&self, id: VolunteerId) -> Answer<Option<Vec<u8>>> {
        Ok(volunteers::sealed_id_number(&self.pool, id).await?)
    }

    async fn grants(&self, id: VolunteerId) -> Answer<Vec<RoleGrant>> {
        Ok(teams::grants(&self.pool, id).await?)
    }

    async fn insert_grant(
        &self,
        id: VolunteerId,
        grant: RoleGrant,
        by: Option<VolunteerId>,
        now_ms: i64,
        entry: &AuditEntry,
    ) -> Answer<()> {
        let mut tx = begin(&self.pool).await?;
        teams::insert_grant(&mut tx, id, grant, by, now_ms).await?;
        Ok(commit_with_audit(tx, entry).await?)
    }

    async fn insert_team(
        &self,
        area: AreaId,
        name: &str,
        now_ms: i64,
        entry: &AuditEntry,
    ) -> Answer<TeamId> {
        let mut tx = begin(&self.pool).await?;
        let id = teams::insert(&mut tx, area, name, now_ms).await?;
        let mut entry = entry.clone();
        entry.entity_id = Some(id.0);
        commit_with_audit(tx, &entry).await?;
        Ok(id)
    }

    async fn teams_in(&self, area: AreaId) -> Answer<Vec<TeamSummary>> {
        Ok(teams::in_subtree(&self.pool, area).await?)
    }

    async fn team(&self, id: TeamId) -> Answer<Option<TeamSummary>> {
        Ok(teams::get(&self.pool, id).await?)
    }

    async fn put_team_member(
        &self,
        team: TeamId,
        volunteer: VolunteerId,
        is_leader: bool,
        now_ms: i64,
        entry: &AuditEntry,
    ) -> Answer<()> {
        let mut tx = begin(&self.pool).await?;
        teams::put_member(&mut tx, team, volunteer, is_leader, entry.actor_id, now_ms).await?;
        Ok(commit_with_audit(tx, entry).await?)
    }

    async fn renew_calendar(&self, id: VolunteerId, entry: &AuditEntry) -> Answer<i64> {
        let mut tx = begin(&self.pool).await?;
        let generation = volunteers::renew_calendar(&mut tx, id).await?;
        commit_with_audit(tx, entry).await?;
        Ok(generation)
    }

    async fn revoke_team_leader(
        &self,
        team: TeamId,
        volunteer: VolunteerId,
        entry: &AuditEntry,
    ) -> Answer<()> {
        let mut tx = begin(&self.pool).await?;
        teams::revoke_leader(&mut tx, team, volunteer).await?;
        Ok(commit_with_audit(tx, entry).await?)
    }

    async fn team_members(&self, team: TeamId) -> Answer<Vec<(Volunteer, bool)>> {
        Ok(teams::members(&self.pool, team).await?)
    }

    async fn put_phone_code(
        &self,
        phone: &PhoneNumber,
        code_mac: &str,
        now: i64,
        expires_at: i64,
    ) -> Answer<()> {
        Ok(phone_codes::put(&self.pool, phone, code_mac, now, expires_at).await?)
    }

    async fn check_phone_code(
        &self,
        phone: &PhoneNumber,
        code_mac: &str,
        now: i64,
        max_tries: u32,
    ) -> Answer<domain::phone_code::CodeCheck> {
        Ok(phone_codes::check(&self.pool, phone, code_mac, now, max_tries).await?)
    }

    async fn volunteer_by_phone(&self, phone: &PhoneNumber) -> Answer<Option<Volunteer>> {
        Ok(volunteers::by_phone(&self.pool, phone).await?)
    }

    async fn insert_session(&self, s: &SessionRecord) -> Answer<()> {
        Ok(sessions::insert(&self.pool, s).await?)
    }

    async fn session(&self, token_hash: &str) -> Answer<Option<SessionRecord>> {
        Ok(sessions::get(&self.pool, token_hash).await?)
    }

    async fn touch_session(&self, token_hash: &str, now_ms: i64) -> Answer<()> {
        Ok(sessions::touch(&self.pool, token_hash, now_ms).await?)
    }

    async fn delete_session(&self, token_hash: &str) -> Answer<()> {
        Ok(sessions::delete(&self.pool, token_hash).await?)
    }

    async fn delete_sessions_of(&self, id: VolunteerId) -> Answer<u64> {
        let mut conn = conn(&self.pool).await?;
        Ok(sessions::delete_of(&mut conn, id, None).await?)
    }

    async fn delete_expired_sessions(&self, now_ms: i64, idle_before_ms: i64) -> Answer<u64> {
        Ok(sessions::delete_expired(&self.pool, now_ms, idle_before_ms).await?)
    }

    async fn rate_limit_take(
        &self,
        limits: &[RateLimit],
        now_ms: i64,
    ) -> Answer<Result<Vec<u32>, i64>> {
        Ok(sessions::rate_limit_take(&self.pool, limits, now_ms).await?)
    }

    async fn rate_limit_block(&self, key_hash: &str, until_ms: i64) -> Answer<()> {
        Ok(sessions::rate_limit_block(&self.pool, key_hash, until_ms).await?)
    }

    async fn rate_limit_forgive(&self, key_hash: &str, forget: bool) -> Answer<()> {
        Ok(sessions::rate_limit_forgive(&self.pool, key_hash, forget).await?)
    }

    async fn prune_rate_limits(&self, before_ms: i64, now_ms: i64) -> Answer<u64> {
        Ok(sessions::prune_rate_limits(&self.pool, before_ms, now_ms).await?)
    }

    async fn append_audit(&self, entry: &AuditEntry) -> Answer<()> {
        let mut conn = conn(&self.pool).await?;
        Ok(audit::append(&mut conn, entry).await?)
    }

    async fn audit_entries(&self, filter: &AuditFilter) -> Answer<Vec<AuditRecord>> {
        Ok(audit::entries(&self.pool, filter).await?)
    }
}
