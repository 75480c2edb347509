//! The report form's server functions: what the form needs (`incidents/form`) and a report sent
//! as a plain form (`incidents/report-form`). Reports from the app go through the outbox to
//! `POST /api/incidents` instead (server/src/routes/incidents.rs).

#[cfg(feature = "ssr")]
use super::wire::ReportInput;
use crate::areas::MapData;
use crate::AppError;
use domain::incident::Category;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What the form needs: the categories, the photo limit, a map of the reporter's street to tap.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportFormData {
    pub categories: Vec<Category>,
    pub max_photos: usize,
    pub map: Option<MapData>,
    /// The site of the reader's shift under way: a report now is linked to it.
    pub shift_site: Option<String>,
    /// The reader, whose reports these are.
    pub me: i64,
    /// The sites of the reader's community, to say "near this site" when the phone has no
    /// position (location blocked, or the form sent without JavaScript).
    pub sites: Vec<SiteChoice>,
    /// The key a report sent as a plain form is stored under (made when the form was drawn),
    /// so pressing 上报 twice stores it once.
    pub form_key: String,
}

/// A site to report from, by its middle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SiteChoice {
    pub id: i64,
    pub name: String,
    pub lat: f64,
    pub lon: f64,
}

/// The middle of each site (a circle's centre, a point inside a polygon).
#[cfg(feature = "ssr")]
fn site_choices(sites: &[domain::Site]) -> Vec<SiteChoice> {
    use geo::InteriorPoint;
    sites
        .iter()
        .filter_map(|s| {
            let (lat, lon) = match &s.fence {
                domain::geometry::Fence::Circle { lat, lon, .. } => (*lat, *lon),
                domain::geometry::Fence::Polygon(shape) => {
                    let p = shape.interior_point()?;
                    (p.y(), p.x())
                }
            };
            Some(SiteChoice {
                id: s.id.0,
                name: s.name.clone(),
                lat,
                lon,
            })
        })
        .collect()
}

/// The corners of the shapes' bounding box grown by a quarter of its size each way (at least
/// about 50 m), as (lat, lon): a position just outside the boundary can still be tapped.
#[cfg(feature = "ssr")]
fn framed_with_margin(shapes: &[(i64, String, domain::geometry::Shape)]) -> Vec<(f64, f64)> {
    use geo::BoundingRect;
    shapes
        .iter()
        .filter_map(|(_, _, s)| s.bounding_rect())
        .flat_map(|r| {
            let dy = (r.height() * 0.25).max(0.0005);
            let dx = (r.width() * 0.25).max(0.0005);
            [
                (r.min().y - dy, r.min().x - dx),
                (r.max().y + dy, r.max().x + dx),
            ]
        })
        .collect()
}

#[server(endpoint = "incidents/form")]
pub async fn report_form() -> Result<ReportFormData, AppError> {
    crate::error::answer(async move {
        let state = crate::AppState::current()?;
        let who = crate::auth::require_login()?;
        if !who.status.on_duty_roll() {
            return Err(AppError::Forbidden);
        }
        // The reporter's own community with a little of its surroundings: the place they
        // patrol, large enough on a phone to tap a doorway.
        let (map, sites) = match who.home.0.last() {
            Some(&home) => {
                let (shapes, sites) =
                    crate::areas::area_shapes(state.storage.as_ref(), home).await?;
                let margin = framed_with_margin(&shapes);
                (
                    crate::areas::build_map(&shapes, &sites, &margin, crate::areas::Datum::Wgs84),
                    site_choices(&sites),
                )
            }
            None => (None, Vec::new()),
        };
        let now = chrono::Utc::now().timestamp_millis();
        let shift = crate::incidents::service::shift_under_way(&state, &who, now).await?;
        Ok(ReportFormData {
            categories: state.incidents.categories.all().to_vec(),
            max_photos: state.incidents.max_photos,
            map,
            shift_site: shift.map(|m| m.shift.site_name),
            me: who.volunteer_id.0,
            sites,
            form_key: uuid::Uuid::now_v7().to_string(),
        })
    })
    .await
}

/// What [`report_by_form`] takes, as one value: the fields are the form's names.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ReportByFormInput {
    pub client_key: String,
    pub category: Option<String>,
    pub severity: Option<String>,
    pub body: String,
    pub site_id: Option<String>,
}

/// A report sent as a plain form (JavaScript off, or the app's code not yet arrived): no photos
/// and no position from the phone, so its place is the site chosen as "near". Checked and stored
/// like the outbox's reports; the browser is then sent to the stored report.
#[server(endpoint = "incidents/report-form")]
pub async fn report_by_form(input: ReportByFormInput) -> Result<(), AppError> {
    let ReportByFormInput {
        client_key,
        category,
        severity,
        body,
        site_id,
    } = input;
    crate::error::answer(async move {
        use domain::{FieldError, MessageKey};
        let state = crate::AppState::current()?;
        let who = crate::auth::require_login()?;
        // Only a site of the reporter's own community can be chosen.
        let home = *who.home.0.last().ok_or(AppError::Forbidden)?;
        let (_, sites) = crate::areas::area_shapes(state.storage.as_ref(), home).await?;
        let chosen = site_id.as_deref().and_then(|s| s.parse::<i64>().ok());
        let site = site_choices(&sites)
            .into_iter()
            .find(|s| Some(s.id) == chosen)
            .ok_or_else(|| AppError::from(FieldError::new("site", MessageKey::Required)))?;
        let now = chrono::Utc::now().timestamp_millis();
        let input = ReportInput {
            client_key,
            made_at: now,
            category: category.unwrap_or_default(),
            severity: severity.unwrap_or_else(|| "1".to_owned()),
            body,
            lat: site.lat,
            lon: site.lon,
            accuracy_m: None,
            photos: Vec::new(),
            reporter: Some(who.volunteer_id.0),
        };
        // Counted like the outbox's reports (one account cannot flood the triage queue).
        let reporter = who.volunteer_id.0.to_string();
        crate::throttle::take(
            state.storage.as_ref(),
            state.secrets.as_ref(),
            &[(crate::throttle::Limit::REPORTS_PERSON, &reporter)],
            now,
        )
        .await?;
        let answer =
            crate::incidents::service::record_report(&state, &who, &input, Vec::new(), now).await?;
        leptos_axum::redirect(&format!("/incidents/{}", answer.id));
        Ok(())
    })
    .await
}
