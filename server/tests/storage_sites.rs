//! Conformance suite, places part: boundaries and sites imported from GeoJSON, on both
//! databases.

mod common;

use domain::geometry::{read_geojson, Fence};
use domain::{AuditEntry, AuditFilter, SiteDraft, Storage, StorageError};

conformance!(
    imported_boundaries_and_sites_round_trip,
    reimporting_a_site_updates_it_in_place
);

const FILE: &str = r#"{"type":"FeatureCollection","features":[
  {"type":"Feature","properties":{"kind":"boundary","area":"芙蓉街社区"},
   "geometry":{"type":"Polygon","coordinates":[[[117.020,36.660],[117.030,36.660],[117.030,36.670],[117.020,36.670],[117.020,36.660]]]}},
  {"type":"Feature","properties":{"kind":"site","name":"芙蓉街北口","area":"芙蓉街社区"},
   "geometry":{"type":"Polygon","coordinates":[[[117.021,36.661],[117.022,36.661],[117.022,36.662],[117.021,36.662],[117.021,36.661]]]}},
  {"type":"Feature","properties":{"kind":"site","name":"曲水亭","area":"芙蓉街社区","radius_m":60},
   "geometry":{"type":"Point","coordinates":[117.025,36.665]}}
]}"#;

fn audit() -> AuditEntry {
    AuditEntry {
        at_ms: 1,
        actor_id: None,
        action: "import_geojson".into(),
        entity: "area".into(),
        entity_id: None,
        area_id: None,
        before: None,
        after: Some(r#"{"boundaries":1,"sites":2}"#.into()),
    }
}

async fn community(store: &dyn Storage) -> (domain::AreaId, domain::AreaId) {
    let [d, _, c] = common::area_chain(store, ["历下区", "泉城路街道", "芙蓉街社区"]).await;
    (d, c)
}

fn drafts(
    community: domain::AreaId,
) -> (
    Vec<(domain::AreaId, domain::geometry::Shape)>,
    Vec<SiteDraft>,
) {
    let plan = read_geojson(FILE, &|name| name == "芙蓉街社区").expect("valid file");
    let boundaries = plan
        .boundaries
        .into_iter()
        .map(|b| (community, b.shape))
        .collect();
    let sites = plan
        .sites
        .into_iter()
        .map(|s| SiteDraft {
            area_id: community,
            name: s.name,
            fence: s.fence,
        })
        .collect();
    (boundaries, sites)
}

async fn imported_boundaries_and_sites_round_trip(store: &dyn Storage) {
    let (district, c) = community(store).await;
    let (boundaries, sites) = drafts(c);
    let written = store
        .import_geometry(&boundaries, &sites, &audit())
        .await
        .expect("import");
    assert_eq!(written, (1, 2));
    let stored = store.sites_in(district).await.expect("sites");
    assert_eq!(stored.len(), 2);
    assert_eq!(stored[0].name, "曲水亭", "by name");
    assert_eq!(
        stored[0].fence,
        Fence::Circle {
            lat: 36.665,
            lon: 117.025,
            radius_m: 60
        }
    );
    assert_eq!(
        stored[1].fence, sites[0].fence,
        "the polygon comes back as it went in"
    );
    let b = store.boundaries(c).await.expect("boundaries");
    assert_eq!(b, boundaries);
    let from_street = store
        .boundaries(district)
        .await
        .expect("none at this level");
    assert!(from_street.is_empty());
    let log = store
        .audit_entries(&AuditFilter {
            limit: 5,
            ..Default::default()
        })
        .await
        .expect("audit");
    assert_eq!(log.len(), 1);
    // A boundary for a missing area rolls the whole import back.
    let bad = vec![(domain::AreaId(9_999), boundaries[0].1.clone())];
    let err = store
        .import_geometry(&bad, &sites, &audit())
        .await
        .expect_err("missing area");
    assert!(matches!(err, StorageError::MissingReference), "{err:?}");
    assert_eq!(
        store
            .audit_entries(&AuditFilter {
                limit: 5,
                ..Default::default()
            })
            .await
            .expect("audit")
            .len(),
        1
    );
}

async fn reimporting_a_site_updates_it_in_place(store: &dyn Storage) {
    let (district, c) = community(store).await;
    let (_, mut sites) = drafts(c);
    store
        .import_geometry(&[], &sites, &audit())
        .await
        .expect("first");
    sites[1].fence = Fence::Circle {
        lat: 36.6651,
        lon: 117.0251,
        radius_m: 80,
    };
    store
        .import_geometry(&[], &sites[1..], &audit())
        .await
        .expect("again");
    let stored = store.sites_in(district).await.expect("sites");
    assert_eq!(stored.len(), 2, "updated, not duplicated");
    assert_eq!(
        stored[0].fence,
        Fence::Circle {
            lat: 36.6651,
            lon: 117.0251,
            radius_m: 80
        }
    );
}
