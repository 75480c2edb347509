//! `domain::incident::port::IncidentStorage` for this backend.

use super::{begin, incidents, notices, Store};
use domain::incident::port::{
    Incident, IncidentChange, IncidentEvent, IncidentFact, IncidentId, IncidentPage, IncidentQuery,
    IncidentStorage, NewIncident, Stored, Viewer,
};
use domain::StorageError;

type Answer<T> = Result<T, StorageError>;

#[async_trait::async_trait]
impl IncidentStorage for Store {
    async fn insert_incident(&self, new: &NewIncident) -> Answer<Stored> {
        let mut tx = begin(&self.pool).await?;
        let stored = incidents::insert(&mut tx, new).await?;
        // A key sent before wrote nothing, so there is nothing to commit either way.
        match stored {
            Stored::New(_) => tx.commit().await.map_err(super::Error::from)?,
            Stored::Existing(_) => tx.rollback().await.map_err(super::Error::from)?,
        }
        Ok(stored)
    }

    async fn incident(&self, id: IncidentId) -> Answer<Option<Incident>> {
        Ok(incidents::get(&self.pool, id).await?)
    }

    async fn incident_events(&self, id: IncidentId) -> Answer<Vec<IncidentEvent>> {
        Ok(incidents::events(&self.pool, id).await?)
    }

    async fn incident_photo(
        &self,
        incident: IncidentId,
        photo: i64,
    ) -> Answer<Option<(String, Vec<u8>)>> {
        Ok(incidents::photo(&self.pool, incident, photo).await?)
    }

    async fn incidents(
        &self,
        viewer: Viewer,
        query: &IncidentQuery,
        limit: u32,
        offset: u32,
    ) -> Answer<IncidentPage> {
        Ok(incidents::page(&self.pool, viewer, query, limit, offset).await?)
    }

    async fn incident_facts(
        &self,
        viewer: Viewer,
        query: &IncidentQuery,
        limit: u32,
    ) -> Answer<Vec<IncidentFact>> {
        Ok(incidents::facts(&self.pool, viewer, query, limit).await?)
    }

    async fn change_incident(&self, id: IncidentId, change: &IncidentChange) -> Answer<()> {
        let mut tx = begin(&self.pool).await?;
        incidents::change(&mut tx, id, change).await?;
        notices::incident_changed(&mut tx, id, change).await?;
        tx.commit().await.map_err(super::Error::from)?;
        Ok(())
    }
}
