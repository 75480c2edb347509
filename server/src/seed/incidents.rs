//! The incidents: four months of reports, in every workflow state.

use super::areas::PLACES;
use super::{demo_value, DEMO_LOGINS};
use domain::{PhoneNumber, Storage, StorageError, VolunteerStatus};

/// What the demo's incidents say, by category code.
const DEMO_REPORTS: &[(&str, &str)] = &[
    ("fire", "楼道堆放纸箱杂物，堵住消防通道"),
    ("security", "小区东门门禁损坏，外来人员随意进出"),
    ("dispute", "两户居民因停车位发生争吵"),
    ("suspicious", "有人在车棚附近反复查看电动车"),
    ("traffic", "路口红绿灯故障，学生过马路危险"),
    ("group_rental", "一套住房隔成多间出租，住户进出频繁"),
    ("facility", "路灯不亮，夜间巡逻看不清"),
    ("fire", "电动车在楼道内充电"),
];

/// Thirty-odd incidents of the last four months in every community but 山大路社区 (whose map
/// the browser tests read), at the communities' sites, in every workflow state, so the map,
/// the lists and the statistics of a fresh demo have something to show.
pub(super) async fn demo_incidents(store: &dyn Storage) -> Result<(), StorageError> {
    use domain::incident::port::{ChangeKind, IncidentChange, NewIncident};
    use domain::incident::{IncidentStatus, Referral, Severity};
    let now = chrono::Utc::now().timestamp_millis();
    let day = domain::duty::DAY_MS;
    let admin = store
        .volunteer_by_phone(&demo_value(PhoneNumber::parse(DEMO_LOGINS[1].phone)))
        .await?
        .ok_or(StorageError::MissingReference)?
        .id;
    let mut communities = std::collections::HashMap::new();
    for district in store.child_areas(None).await? {
        for street in store.child_areas(Some(district.id)).await? {
            for c in store.child_areas(Some(street.id)).await? {
                communities.insert(c.name, c.id);
            }
        }
    }
    let mut n = 0i64;
    for (community, _, _, _) in PLACES.iter().filter(|p| p.0 != "山大路社区") {
        let Some(&area) = communities.get(*community) else {
            continue;
        };
        let reporters = store
            .volunteers_in(&domain::VolunteerFilter {
                within: area,
                status: Some(VolunteerStatus::Registered),
                search: None,
                offset: 0,
                limit: 3,
            })
            .await?
            .items;
        let sites = store.sites_in(area).await?;
        for (k, site) in sites.iter().enumerate() {
            n += 1;
            let Some(reporter) = reporters.get(k % reporters.len().max(1)) else {
                continue;
            };
            let (lat, lon) = site_centre(&site.fence);
            let (category, body) = DEMO_REPORTS[(n as usize) % DEMO_REPORTS.len()];
            let made_at = now - (n * 37 % 120) * day - n * 3_600_000;
            let id = store
                .insert_incident(&NewIncident {
                    client_key: format!("demo-incident-{n:04}"),
                    reporter: reporter.id,
                    area_id: area,
                    site_id: Some(site.id),
                    assignment_id: None,
                    category: category.into(),
                    severity: [Severity::Normal, Severity::Serious, Severity::Urgent]
                        [(n % 5).min(2) as usize],
                    body: body.into(),
                    lat: lat + 0.0002 * ((n % 3) as f64 - 1.0),
                    lon: lon + 0.0002 * ((n % 4) as f64 - 1.5),
                    accuracy_m: Some(8.0 + (n % 20) as f64),
                    made_at,
                    received_at: made_at,
                    photos: Vec::new(),
                })
                .await?
                .id();
            // Older reports have travelled further along the workflow.
            let steps: &[(&str, IncidentStatus, Option<Referral>)] = &[
                ("acknowledge", IncidentStatus::Acknowledged, None),
                ("refer", IncidentStatus::Referred, Some(Referral::Committee)),
                ("resolve", IncidentStatus::Resolved, None),
                ("close", IncidentStatus::Closed, None),
            ];
            let mut from = IncidentStatus::Reported;
            for (s, (step, to, referral)) in steps.iter().enumerate().take((n % 5) as usize) {
                store
                    .change_incident(
                        id,
                        &IncidentChange {
                            actor: admin,
                            at: made_at + (s as i64 + 1) * 3_600_000,
                            step: (*step).into(),
                            what: ChangeKind::Status {
                                from,
                                to: *to,
                                referred_to: referral.clone(),
                            },
                            note: None,
                        },
                    )
                    .await?;
                from = *to;
            }
        }
    }
    Ok(())
}

/// Where a site is: a circle's centre, or a polygon's first corner.
fn site_centre(fence: &domain::geometry::Fence) -> (f64, f64) {
    match fence {
        domain::geometry::Fence::Circle { lat, lon, .. } => (*lat, *lon),
        domain::geometry::Fence::Polygon(shape) => shape
            .0
            .first()
            .and_then(|p| p.exterior().0.first())
            .map(|c| (c.y, c.x))
            .unwrap_or_default(),
    }
}
