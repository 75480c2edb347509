//! Server functions for areas. Thin: state from context, storage through the port.

use crate::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What the header needs to show the reader's area.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AreaSummary {
    pub id: i64,
    pub name: String,
}

/// The area the reader belongs to: their home community when logged in, otherwise the
/// district at the root of the tree.
#[server(endpoint = "areas/current")]
pub async fn current_area() -> Result<Option<AreaSummary>, AppError> {
    crate::error::answer(async move {
        let state = crate::AppState::current()?;
        if let Some(home) = crate::auth::principal().and_then(|p| p.home.leaf()) {
            let area = state.storage.area(home).await.map_err(AppError::from)?;
            if let Some(a) = area {
                return Ok(Some(AreaSummary {
                    id: a.id.0,
                    name: a.name,
                }));
            }
        }
        let roots = state
            .storage
            .child_areas(None)
            .await
            .map_err(AppError::from)?;
        Ok(roots.into_iter().next().map(|a| AreaSummary {
            id: a.id.0,
            name: a.name,
        }))
    })
    .await
}
