//! The shifts: a week of patrols at two communities' sites.

use super::areas::PLACES;
use domain::{Storage, StorageError};

/// A week of patrols at the sites of two communities: mornings 08:00–12:00 and evenings
/// 18:00–22:00, four people each with one leader, so the demo has shifts to take.
pub(super) async fn demo_shifts(store: &dyn Storage) -> Result<(), StorageError> {
    use domain::duty::{local_date, shift::window_on};
    let now = chrono::Utc::now().timestamp_millis();
    let today = local_date(now);
    let mut sites = Vec::new();
    for street in store.child_areas(None).await?.into_iter().take(1) {
        sites.extend(store.sites_in(street.id).await?);
    }
    let mut shifts = Vec::new();
    for site in sites
        .iter()
        .filter(|s| PLACES[..2].iter().any(|p| p.3.contains(&s.name.as_str())))
    {
        for day in 0..7 {
            let date = today + chrono::Days::new(day);
            for (start, end) in [(8 * 60, 12 * 60), (18 * 60, 22 * 60)] {
                let Some(window) = window_on(date, start, end) else {
                    continue;
                };
                if window.starts_at <= now {
                    continue;
                }
                shifts.push(domain::NewShift {
                    site_id: site.id,
                    window,
                    headcount: 4,
                    leaders_needed: 1,
                    notes: String::new(),
                    created_by: None,
                    created_at: now,
                });
            }
        }
    }
    let audit = domain::AuditEntry {
        at_ms: now,
        actor_id: None,
        action: "seed_shifts".into(),
        entity: "shift".into(),
        entity_id: None,
        area_id: None,
        before: None,
        after: Some(format!(r#"{{"shifts":{}}}"#, shifts.len())),
    };
    store.insert_shifts(&shifts, &audit).await?;
    Ok(())
}
