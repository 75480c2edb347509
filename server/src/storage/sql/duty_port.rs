//! `domain::DutyStorage` for this backend: each method names the queries that answer it and the
//! transaction they share, and hands the port its error.

use super::{
    begin, checks, commit_with_audit, hours, notices, shifts, sites, tracks, Error, Store,
};
use domain::{
    AreaId, Assignment, AssignmentId, AuditEntry, CheckContext, CheckEvent, Decision, HoursLine,
    HoursSummary, MyShift, NewCheck, NewShift, ServiceState, ServiceToDecide, Shift, ShiftId,
    ShiftPerson, ShiftWindow, SignUpOutcome, Site, SiteId, StorageError, TrackPoint,
    UnrecordedService, VolunteerId,
};

type Answer<T> = Result<T, StorageError>;

#[async_trait::async_trait]
impl domain::DutyStorage for Store {
    async fn site(&self, id: SiteId) -> Answer<Option<Site>> {
        Ok(sites::get(&self.pool, id).await?)
    }

    async fn insert_shifts(&self, new: &[NewShift], entry: &AuditEntry) -> Answer<Vec<ShiftId>> {
        let mut tx = begin(&self.pool).await?;
        let mut ids = Vec::with_capacity(new.len());
        for s in new {
            ids.push(shifts::insert(&mut tx, s).await?);
        }
        commit_with_audit(tx, entry).await?;
        Ok(ids)
    }

    async fn shift(&self, id: ShiftId) -> Answer<Option<Shift>> {
        Ok(shifts::get(&self.pool, id).await?)
    }

    async fn shifts_in(&self, area: AreaId, from: i64, to: i64) -> Answer<Vec<Shift>> {
        Ok(shifts::in_subtree(&self.pool, area, from, to).await?)
    }

    async fn cancel_shift(
        &self,
        id: ShiftId,
        reason: &str,
        now: i64,
        entry: &AuditEntry,
    ) -> Answer<()> {
        let mut tx = begin(&self.pool).await?;
        shifts::cancel(&mut tx, id, reason, now).await?;
        notices::shift_cancelled(&mut tx, id, reason, now).await?;
        Ok(commit_with_audit(tx, entry).await?)
    }

    async fn duty_windows(
        &self,
        volunteer: VolunteerId,
        from: i64,
        to: i64,
    ) -> Answer<Vec<(ShiftId, ShiftWindow)>> {
        Ok(shifts::duty_windows(&self.pool, volunteer, from, to).await?)
    }

    async fn sign_up(
        &self,
        shift: ShiftId,
        volunteer: VolunteerId,
        as_leader: bool,
        now: i64,
    ) -> Answer<SignUpOutcome> {
        let mut tx = begin(&self.pool).await?;
        let outcome = shifts::sign_up(&mut tx, shift, volunteer, as_leader, now).await?;
        tx.commit().await.map_err(Error::from)?;
        Ok(outcome)
    }

    async fn cancel_sign_up(&self, id: AssignmentId, now: i64) -> Answer<Option<VolunteerId>> {
        let mut tx = begin(&self.pool).await?;
        let promoted = shifts::cancel_sign_up(&mut tx, id, now).await?;
        if let Some(who) = promoted {
            notices::place_given(&mut tx, who, id, now).await?;
        }
        tx.commit().await.map_err(Error::from)?;
        Ok(promoted)
    }

    async fn assignment(&self, id: AssignmentId) -> Answer<Option<Assignment>> {
        Ok(shifts::assignment(&self.pool, id).await?)
    }

    async fn my_shifts(&self, volunteer: VolunteerId, from: i64) -> Answer<Vec<MyShift>> {
        Ok(shifts::my_shifts(&self.pool, volunteer, from).await?)
    }

    /// One transaction for the whole batch: one disk sync (the check writer's group commit).
    async fn record_checks(&self, new: &[NewCheck]) -> Answer<Vec<(CheckEvent, bool)>> {
        let mut tx = begin(&self.pool).await?;
        let mut out = Vec::with_capacity(new.len());
        for c in new {
            out.push(checks::record(&mut tx, c).await?);
        }
        tx.commit().await.map_err(Error::from)?;
        Ok(out)
    }

    async fn checks_of(&self, id: AssignmentId) -> Answer<Vec<CheckEvent>> {
        Ok(checks::of(&self.pool, id).await?)
    }

    async fn shift_people(&self, shift: ShiftId) -> Answer<Vec<ShiftPerson>> {
        Ok(shifts::people(&self.pool, shift).await?)
    }

    async fn check_context(&self, id: AssignmentId) -> Answer<Option<CheckContext>> {
        Ok(checks::context(&self.pool, id).await?)
    }

    async fn explain_check(
        &self,
        client_key: &str,
        volunteer: VolunteerId,
        reason: &str,
    ) -> Answer<()> {
        Ok(checks::explain(&self.pool, client_key, volunteer, reason).await?)
    }

    async fn open_service(
        &self,
        id: AssignmentId,
        minutes: u32,
        flagged: Option<&str>,
        now: i64,
    ) -> Answer<bool> {
        let mut tx = begin(&self.pool).await?;
        let opened = hours::open_service(&mut tx, id, minutes, flagged, now).await?;
        tx.commit().await.map_err(Error::from)?;
        Ok(opened)
    }

    async fn service_of(&self, id: AssignmentId) -> Answer<Option<(u32, ServiceState)>> {
        Ok(hours::service_of(&self.pool, id).await?)
    }

    async fn services_to_decide(&self, area: AreaId) -> Answer<Vec<ServiceToDecide>> {
        Ok(hours::to_decide(&self.pool, area).await?)
    }

    async fn decide_service(
        &self,
        id: AssignmentId,
        decision: &Decision,
        by: Option<VolunteerId>,
        now: i64,
        entry: &AuditEntry,
    ) -> Answer<()> {
        let mut tx = begin(&self.pool).await?;
        hours::decide(&mut tx, id, decision, by, now).await?;
        notices::hours_decided(&mut tx, id, decision, by, now).await?;
        Ok(commit_with_audit(tx, entry).await?)
    }

    async fn hours_summary(
        &self,
        volunteer: VolunteerId,
        year_start: chrono::NaiveDate,
    ) -> Answer<HoursSummary> {
        Ok(hours::summary(&self.pool, volunteer, year_start).await?)
    }

    async fn hours_history(&self, volunteer: VolunteerId, limit: u32) -> Answer<Vec<HoursLine>> {
        Ok(hours::history(&self.pool, volunteer, limit).await?)
    }

    async fn ledger_minutes(&self, volunteer: VolunteerId) -> Answer<Vec<i64>> {
        Ok(hours::ledger_minutes(&self.pool, volunteer).await?)
    }

    async fn add_track_points(
        &self,
        id: AssignmentId,
        points: &[TrackPoint],
        cap: u32,
    ) -> Answer<u32> {
        let mut tx = begin(&self.pool).await?;
        let added = tracks::add_points(&mut tx, id, points, cap).await?;
        tx.commit().await.map_err(Error::from)?;
        Ok(added)
    }

    async fn track_points(&self, id: AssignmentId) -> Answer<Vec<TrackPoint>> {
        Ok(tracks::points(&self.pool, id).await?)
    }

    async fn track_summary(&self, id: AssignmentId) -> Answer<Option<(f64, Vec<(i32, i32)>)>> {
        Ok(tracks::summary(&self.pool, id).await?)
    }

    async fn tracks_to_coarsen(&self, ended_before: i64) -> Answer<Vec<AssignmentId>> {
        Ok(tracks::to_coarsen(&self.pool, ended_before).await?)
    }

    async fn coarsen_track(
        &self,
        id: AssignmentId,
        length_m: f64,
        cells: &[(i32, i32)],
        now: i64,
    ) -> Answer<()> {
        let mut tx = begin(&self.pool).await?;
        tracks::coarsen(&mut tx, id, length_m, cells, now).await?;
        tx.commit().await.map_err(Error::from)?;
        Ok(())
    }

    async fn forgotten_check_outs(
        &self,
        ended_before: i64,
    ) -> Answer<Vec<(AssignmentId, ShiftWindow, i64)>> {
        Ok(checks::forgotten_check_outs(&self.pool, ended_before).await?)
    }

    async fn check_outs_without_hours(&self) -> Answer<Vec<UnrecordedService>> {
        Ok(checks::outs_without_hours(&self.pool).await?)
    }

    async fn coarsen_check_positions(&self, made_before: i64) -> Answer<u64> {
        Ok(checks::coarsen_positions(&self.pool, made_before).await?)
    }

    async fn mark_no_shows(&self, ended_before: i64) -> Answer<u64> {
        Ok(checks::mark_no_shows(&self.pool, ended_before).await?)
    }

    async fn pending_services_before(
        &self,
        created_before: i64,
    ) -> Answer<Vec<(AssignmentId, u32)>> {
        Ok(hours::pending_before(&self.pool, created_before).await?)
    }
}
