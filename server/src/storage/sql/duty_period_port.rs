//! `domain::duty_period::port::DutyPeriodStorage` for this backend.

use super::{duty_live, duty_periods, duty_roster, Store};
use domain::duty_period::grid::{CellAt, CellNeed};
use domain::duty_period::period::PeriodStatus;
use domain::duty_period::port::{
    AnswerRate, Availability, DutyPeriod, DutyPeriodId, DutyPeriodStorage, NewPeriod, PeriodPerson,
    PeriodSummary, PublishedRoster, RosterEntry, RosterLine,
};
use domain::{AreaId, AuditEntry, ShiftWindow, StorageError, VolunteerId};
use std::collections::BTreeMap;

type Answer<T> = Result<T, StorageError>;

#[async_trait::async_trait]
impl DutyPeriodStorage for Store {
    async fn create_period(&self, period: &NewPeriod, audit: &AuditEntry) -> Answer<DutyPeriodId> {
        Ok(duty_periods::create(&self.pool, period, audit).await?)
    }

    async fn period(&self, id: DutyPeriodId) -> Answer<Option<DutyPeriod>> {
        Ok(duty_periods::get(&self.pool, id).await?)
    }

    async fn periods_in(&self, area: AreaId) -> Answer<Vec<PeriodSummary>> {
        Ok(duty_periods::in_subtree(&self.pool, area).await?)
    }

    async fn periods_for(&self, who: VolunteerId) -> Answer<Vec<PeriodSummary>> {
        Ok(duty_periods::for_volunteer(&self.pool, who).await?)
    }

    async fn cells(&self, id: DutyPeriodId) -> Answer<BTreeMap<CellAt, CellNeed>> {
        Ok(duty_periods::cells(&self.pool, id).await?)
    }

    async fn set_cells(&self, id: DutyPeriodId, cells: &[(CellAt, CellNeed)]) -> Answer<()> {
        Ok(duty_periods::set_cells(&self.pool, id, cells).await?)
    }

    async fn set_period_status(
        &self,
        id: DutyPeriodId,
        from: PeriodStatus,
        to: PeriodStatus,
        now: i64,
        audit: &AuditEntry,
    ) -> Answer<u32> {
        Ok(duty_periods::set_status(&self.pool, id, from, to, now, audit).await?)
    }

    async fn put_availability(&self, id: DutyPeriodId, answer: &Availability) -> Answer<()> {
        Ok(duty_roster::put_availability(&self.pool, id, answer).await?)
    }

    async fn availability(&self, id: DutyPeriodId) -> Answer<Vec<Availability>> {
        Ok(duty_roster::all_availability(&self.pool, id).await?)
    }

    async fn availability_of(
        &self,
        id: DutyPeriodId,
        who: VolunteerId,
    ) -> Answer<Option<Availability>> {
        Ok(duty_roster::availability_of(&self.pool, id, who).await?)
    }

    async fn answer_rates(&self, id: DutyPeriodId) -> Answer<Vec<AnswerRate>> {
        Ok(duty_roster::answer_rates(&self.pool, id).await?)
    }

    async fn period_people(&self, id: DutyPeriodId) -> Answer<Vec<PeriodPerson>> {
        Ok(duty_roster::people(&self.pool, id).await?)
    }

    async fn busy_windows(
        &self,
        id: DutyPeriodId,
        from: i64,
        to: i64,
    ) -> Answer<Vec<(VolunteerId, ShiftWindow)>> {
        Ok(duty_roster::busy_windows(&self.pool, id, from, to).await?)
    }

    async fn roster(&self, id: DutyPeriodId) -> Answer<Vec<RosterLine>> {
        Ok(duty_roster::roster(&self.pool, id).await?)
    }

    async fn replace_roster(&self, id: DutyPeriodId, entries: &[RosterEntry]) -> Answer<()> {
        Ok(duty_roster::replace_roster(&self.pool, id, entries).await?)
    }

    async fn place_on_roster(
        &self,
        id: DutyPeriodId,
        entry: &RosterEntry,
        replacing: Option<VolunteerId>,
    ) -> Answer<()> {
        Ok(duty_roster::place(&self.pool, id, entry, replacing).await?)
    }

    async fn remove_from_roster(
        &self,
        id: DutyPeriodId,
        at: CellAt,
        who: VolunteerId,
    ) -> Answer<()> {
        Ok(duty_roster::remove(&self.pool, id, at, who).await?)
    }

    async fn lock_cell(&self, id: DutyPeriodId, at: CellAt, locked: bool) -> Answer<()> {
        Ok(duty_roster::lock_cell(&self.pool, id, at, locked).await?)
    }

    async fn live_shifts(
        &self,
        id: DutyPeriodId,
        now: i64,
        grace_ms: i64,
    ) -> Answer<Vec<domain::duty_period::live::LiveShift>> {
        Ok(duty_live::live_shifts(&self.pool, id, now, grace_ms).await?)
    }

    async fn turnout(
        &self,
        id: DutyPeriodId,
        grace_ms: i64,
    ) -> Answer<Vec<domain::duty_period::turnout::CellTurnout>> {
        Ok(duty_live::turnout(&self.pool, id, grace_ms).await?)
    }

    async fn publish_roster(
        &self,
        id: DutyPeriodId,
        by: VolunteerId,
        now: i64,
        audit: &AuditEntry,
    ) -> Answer<PublishedRoster> {
        Ok(duty_roster::publish_roster(&self.pool, id, by, now, audit).await?)
    }
}
