//! The storage conformance suite: every test runs on SQLite and on PostgreSQL
//! (when `TEST_DATABASE_URL` is set), each on a fresh database.

mod common;

use chrono::NaiveDate;
use domain::{AreaId, AreaKind, AreaName, NewArea, Population, Storage, StorageError};

conformance!(
    a_fresh_database_answers_ping,
    areas_form_a_tree_listed_by_name,
    a_missing_area_is_none,
    two_siblings_cannot_share_a_name,
    a_child_of_a_missing_parent_is_refused,
    the_demo_seed_builds_the_district_once,
);

fn area(parent: Option<AreaId>, kind: AreaKind, name: &str, population: u32) -> NewArea {
    NewArea {
        parent_id: parent,
        kind,
        name: AreaName::parse(name).expect("valid name"),
        population: Population::new(population).expect("valid population"),
        population_counted_on: NaiveDate::from_ymd_opt(2020, 11, 1),
    }
}

async fn a_fresh_database_answers_ping(store: &dyn Storage) {
    store.ping().await.expect("ping");
    assert!(store.child_areas(None).await.expect("list").is_empty());
}

async fn areas_form_a_tree_listed_by_name(store: &dyn Storage) {
    let district = store
        .insert_area(&area(None, AreaKind::District, "历下区", 40_000))
        .await
        .expect("district");
    let b = store
        .insert_area(&area(
            Some(district),
            AreaKind::Street,
            "泉城路街道",
            20_000,
        ))
        .await
        .expect("street b");
    let a = store
        .insert_area(&area(
            Some(district),
            AreaKind::Street,
            "千佛山街道",
            20_000,
        ))
        .await
        .expect("street a");

    let roots = store.child_areas(None).await.expect("roots");
    assert_eq!(roots.len(), 1);
    assert_eq!(roots[0].name, "历下区");
    assert_eq!(roots[0].population, 40_000);
    assert_eq!(
        roots[0].population_counted_on,
        NaiveDate::from_ymd_opt(2020, 11, 1)
    );

    let streets = store.child_areas(Some(district)).await.expect("streets");
    let mut expected = vec![(a, "千佛山街道"), (b, "泉城路街道")];
    expected.sort_by(|x, y| x.1.cmp(y.1));
    let got: Vec<_> = streets.iter().map(|s| (s.id, s.name.as_str())).collect();
    assert_eq!(got, expected, "children are listed by name");
    assert!(streets
        .iter()
        .all(|s| s.parent_id == Some(district) && s.kind == AreaKind::Street));

    let fetched = store.area(a).await.expect("get").expect("exists");
    assert_eq!(fetched.name, "千佛山街道");
}

async fn a_missing_area_is_none(store: &dyn Storage) {
    assert!(store.area(AreaId(9_999)).await.expect("get").is_none());
}

async fn two_siblings_cannot_share_a_name(store: &dyn Storage) {
    let d = store
        .insert_area(&area(None, AreaKind::District, "历下区", 1))
        .await
        .expect("district");
    store
        .insert_area(&area(Some(d), AreaKind::Street, "解放路街道", 1))
        .await
        .expect("first");
    let err = store
        .insert_area(&area(Some(d), AreaKind::Street, "解放路街道", 2))
        .await
        .expect_err("duplicate sibling");
    assert!(
        matches!(err, StorageError::Constraint("areas_parent_name_key")),
        "{err:?}"
    );
    let err = store
        .insert_area(&area(None, AreaKind::District, "历下区", 1))
        .await
        .expect_err("duplicate root");
    assert!(matches!(err, StorageError::Constraint(_)), "{err:?}");
    assert_eq!(
        store.child_areas(Some(d)).await.expect("list").len(),
        1,
        "nothing stored"
    );
}

async fn a_child_of_a_missing_parent_is_refused(store: &dyn Storage) {
    let err = store
        .insert_area(&area(Some(AreaId(4_242)), AreaKind::Street, "无主街道", 1))
        .await
        .expect_err("orphan");
    assert!(matches!(err, StorageError::MissingReference), "{err:?}");
}

async fn the_demo_seed_builds_the_district_once(store: &dyn Storage) {
    assert!(server::seed::demo_district(store).await.expect("seed"));
    assert!(
        !server::seed::demo_district(store)
            .await
            .expect("second seed"),
        "idempotent"
    );
    let roots = store.child_areas(None).await.expect("roots");
    assert_eq!(roots.len(), 1);
    let streets = store.child_areas(Some(roots[0].id)).await.expect("streets");
    assert_eq!(streets.len(), 3);
    let mut communities = 0;
    let mut street_sum = 0;
    for s in &streets {
        let cs = store.child_areas(Some(s.id)).await.expect("communities");
        assert_eq!(s.population, cs.iter().map(|c| c.population).sum::<u32>());
        communities += cs.len();
        street_sum += s.population;
    }
    assert_eq!(communities, 12);
    let sites = store.sites_in(roots[0].id).await.expect("sites");
    assert_eq!(sites.len(), 37, "the demo's patrol sites");
    for s in &streets {
        for c in store.child_areas(Some(s.id)).await.expect("communities") {
            assert_eq!(
                store.boundaries(c.id).await.expect("boundary").len(),
                1,
                "{}",
                c.name
            );
        }
    }
    assert_eq!(
        roots[0].population, street_sum,
        "the district is the sum of its streets"
    );
    // Incidents in every community but 山大路社区 (whose map the browser tests read), in
    // several workflow states.
    use domain::incident::port::{IncidentQuery, Viewer};
    let all = store
        .incident_facts(Viewer::Area(roots[0].id), &IncidentQuery::default(), 1_000)
        .await
        .expect("incidents");
    assert!(all.len() >= 30, "{} demo incidents", all.len());
    let states: std::collections::HashSet<_> = all.iter().map(|f| f.status).collect();
    assert!(states.len() >= 4, "{states:?}");
    for s in &streets {
        for c in store.child_areas(Some(s.id)).await.expect("communities") {
            let here = all.iter().filter(|f| f.area_id == c.id).count();
            assert_eq!(here == 0, c.name == "山大路社区", "{}: {here}", c.name);
        }
    }
}
