//! Server functions about the reader themself.

use crate::AppError;
use domain::{Role, VolunteerStatus};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What the header and `/me` show about the reader. Their own phone number is theirs to see.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Me {
    pub name: String,
    pub phone: String,
    pub vest_no: Option<String>,
    pub status: VolunteerStatus,
    pub role: Role,
    /// Home community, district first: 历下区 › 泉城路街道 › 芙蓉社区
    pub home: Vec<String>,
}

/// The reader, or `None` when nobody is logged in (not an error: the page shows a login link).
#[server(endpoint = "me")]
pub async fn whoami() -> Result<Option<Me>, AppError> {
    crate::error::answer(async move {
        let Some(who) = crate::auth::principal() else {
            return Ok(None);
        };
        let state = crate::AppState::current()?;
        let store = state.storage.as_ref();
        let v = store
            .volunteer(who.volunteer_id)
            .await
            .map_err(AppError::from)?
            .ok_or(AppError::Unauthenticated)?;
        let mut home = Vec::with_capacity(who.home.0.len());
        for id in &who.home.0 {
            if let Some(a) = store.area(*id).await.map_err(AppError::from)? {
                home.push(a.name);
            }
        }
        Ok(Some(Me {
            name: v.name,
            phone: v.phone.as_str().to_owned(),
            vest_no: v.vest_no,
            status: v.status,
            role: who.highest_role(),
            home,
        }))
    })
    .await
}
