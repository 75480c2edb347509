//! The area tree — the district, its streets and their communities, each with its population —
//! and the communities' boundaries and sites.

use chrono::NaiveDate;
use domain::{AreaId, AreaKind, AreaName, NewArea, Population, Storage, StorageError};

pub(super) struct Street {
    pub(super) name: &'static str,
    pub(super) communities: &'static [(&'static str, u32)],
}

pub(super) const DISTRICT: &str = "历下区";

pub(super) const STREETS: &[Street] = &[
    Street {
        name: "解放路街道",
        communities: &[
            ("山大路社区", 9_800),
            ("解放东路社区", 12_400),
            ("历山东路社区", 8_700),
            ("和平新村社区", 10_900),
        ],
    },
    Street {
        name: "千佛山街道",
        communities: &[
            ("千佛山社区", 7_600),
            ("建新社区", 11_300),
            ("佛山苑社区", 9_200),
            ("舜耕社区", 8_100),
        ],
    },
    Street {
        name: "泉城路街道",
        communities: &[
            ("芙蓉街社区", 5_900),
            ("县西巷社区", 6_800),
            ("珍珠泉社区", 7_300),
            ("司里街社区", 6_200),
        ],
    },
];

/// Plausible centres (WGS-84) of the demo communities in 历下区, and their sites: 重点部位
/// and 巡逻点 a community there would watch. Not survey data.
pub(super) const PLACES: &[(&str, f64, f64, &[&str])] = &[
    (
        "山大路社区",
        117.058,
        36.675,
        &["山大路科技市场", "山东大学中心校区南门", "山大路小学"],
    ),
    (
        "解放东路社区",
        117.065,
        36.668,
        &["解放东路公交枢纽", "解放桥", "解放东路农贸市场"],
    ),
    (
        "历山东路社区",
        117.045,
        36.672,
        &["历山路小学", "历山东路菜市场", "历山剧院"],
    ),
    (
        "和平新村社区",
        117.050,
        36.663,
        &["和平新村南门", "和平路口", "和平新村幼儿园"],
    ),
    (
        "千佛山社区",
        117.035,
        36.642,
        &["千佛山北门", "千佛山医院东门", "千佛山公交站"],
    ),
    (
        "建新社区",
        117.028,
        36.652,
        &["建新小区东门", "文化西路口", "建新幼儿园"],
    ),
    (
        "佛山苑社区",
        117.040,
        36.650,
        &["佛山苑小区西门", "经十路过街天桥", "佛山苑菜市场"],
    ),
    (
        "舜耕社区",
        117.018,
        36.645,
        &["舜耕路公交站", "舜耕小区南门", "舜耕山庄北门"],
    ),
    (
        "芙蓉街社区",
        117.022,
        36.666,
        &["芙蓉街北口", "曲水亭街", "王府池子", "芙蓉街南口"],
    ),
    (
        "县西巷社区",
        117.018,
        36.664,
        &["县西巷商业街", "泉城路地铁口", "县西巷派出所旁"],
    ),
    (
        "珍珠泉社区",
        117.026,
        36.668,
        &["珍珠泉东门", "大明湖南门", "百花洲"],
    ),
    (
        "司里街社区",
        117.014,
        36.662,
        &["司里街菜市场", "趵突泉北门", "司里街小学"],
    ),
];

/// A rectangle around a centre, `dx`/`dy` degrees each way, as a closed ring.
fn rectangle(lon: f64, lat: f64, dx: f64, dy: f64) -> domain::geometry::Shape {
    let ring = vec![
        (lon - dx, lat - dy),
        (lon + dx, lat - dy),
        (lon + dx, lat + dy),
        (lon - dx, lat + dy),
        (lon - dx, lat - dy),
    ];
    geo::MultiPolygon(vec![geo::Polygon::new(ring.into(), vec![])])
}

/// Community boundaries and ~40 sites: most a point with a radius, every third a polygon.
pub(super) async fn demo_places(
    store: &dyn Storage,
    by_name: &std::collections::HashMap<String, AreaId>,
    now: i64,
) -> Result<(), StorageError> {
    use domain::geometry::Fence;
    let mut boundaries = Vec::new();
    let mut sites = Vec::new();
    for (community, lon, lat, names) in PLACES {
        let area = *by_name
            .get(*community)
            .ok_or(StorageError::MissingReference)?;
        boundaries.push((area, rectangle(*lon, *lat, 0.0019, 0.0010)));
        for (i, name) in names.iter().enumerate() {
            // Spread the sites around the centre, inside the boundary.
            let angle = i as f64 * 2.1;
            let (slon, slat) = (lon + 0.0011 * angle.cos(), lat + 0.0006 * angle.sin());
            let fence = if i % 3 == 2 {
                Fence::Polygon(rectangle(slon, slat, 0.0003, 0.0002))
            } else {
                Fence::Circle {
                    lat: slat,
                    lon: slon,
                    radius_m: 50 + 10 * i as u32,
                }
            };
            sites.push(domain::SiteDraft {
                area_id: area,
                name: (*name).to_owned(),
                fence,
            });
        }
    }
    let audit = domain::AuditEntry {
        at_ms: now,
        actor_id: None,
        action: "seed_places".into(),
        entity: "area".into(),
        entity_id: None,
        area_id: None,
        before: None,
        after: Some(format!(
            r#"{{"boundaries":{},"sites":{}}}"#,
            boundaries.len(),
            sites.len()
        )),
    };
    store.import_geometry(&boundaries, &sites, &audit).await?;
    Ok(())
}

pub(super) async fn demo_areas(store: &dyn Storage) -> Result<bool, StorageError> {
    if !store.child_areas(None).await?.is_empty() {
        return Ok(false);
    }
    let counted_on = NaiveDate::from_ymd_opt(2020, 11, 1);
    let total: u32 = STREETS
        .iter()
        .flat_map(|s| s.communities)
        .map(|c| c.1)
        .sum();
    let district = store
        .insert_area(&new_area(
            None,
            AreaKind::District,
            DISTRICT,
            total,
            counted_on,
        ))
        .await?;
    for street in STREETS {
        let street_total = street.communities.iter().map(|c| c.1).sum();
        let street_id = store
            .insert_area(&new_area(
                Some(district),
                AreaKind::Street,
                street.name,
                street_total,
                counted_on,
            ))
            .await?;
        for (name, population) in street.communities {
            store
                .insert_area(&new_area(
                    Some(street_id),
                    AreaKind::Community,
                    name,
                    *population,
                    counted_on,
                ))
                .await?;
        }
    }
    Ok(true)
}

fn new_area(
    parent_id: Option<domain::AreaId>,
    kind: AreaKind,
    name: &str,
    population: u32,
    counted_on: Option<NaiveDate>,
) -> NewArea {
    NewArea {
        parent_id,
        kind,
        // The constants above are valid names and populations; a failure is a bug in them,
        // caught by the seed test.
        name: AreaName::parse(name).unwrap_or_else(|_| panic!("bad demo area name {name:?}")),
        population: Population::new(population)
            .unwrap_or_else(|_| panic!("bad demo population for {name}")),
        population_counted_on: counted_on,
    }
}
