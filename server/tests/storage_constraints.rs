//! Each refusal names the constraint that actually broke, the same on both databases (except
//! where the schemas say why they differ), so the services' mapping of constraint names to
//! field errors reads the same everywhere.

mod common;

use domain::{
    AreaKind, AreaName, AuditEntry, NewArea, Population, Role, RoleGrant, SessionRecord, Storage,
    StorageError,
};
use server::storage::classify;

conformance!(
    a_repeated_area_name_names_its_key,
    a_repeated_phone_names_its_key,
    a_repeated_team_name_names_its_key,
    a_repeated_grant_names_its_key,
    a_repeated_session_names_its_key,
    a_missing_parent_is_a_missing_reference,
);

conformance_raw!(
    a_broken_check_names_its_check,
    a_repeated_site_names_its_key,
    a_second_check_in_in_force_names_its_key,
);

fn audit() -> AuditEntry {
    AuditEntry {
        at_ms: 1,
        actor_id: None,
        action: "test".into(),
        entity: "test".into(),
        entity_id: None,
        area_id: None,
        before: None,
        after: None,
    }
}

fn area(parent: Option<domain::AreaId>, kind: AreaKind, name: &str) -> NewArea {
    NewArea {
        parent_id: parent,
        kind,
        name: AreaName::parse(name).expect("name"),
        population: Population::new(100).expect("population"),
        population_counted_on: None,
    }
}

async fn a_repeated_area_name_names_its_key(store: &dyn Storage) {
    let [district, street, _] =
        common::area_chain(store, ["东城区", "东华门街道", "多福巷社区"]).await;
    let twin = store
        .insert_area(&area(Some(street), AreaKind::Community, "多福巷社区"))
        .await;
    assert_eq!(twin, Err(StorageError::Constraint("areas_parent_name_key")));
    let root_twin = store
        .insert_area(&area(None, AreaKind::District, "东城区"))
        .await;
    // SQLite's UNIQUE lets NULL parents repeat, so roots have their own index there;
    // PostgreSQL's key treats NULLs as equal (NULLS NOT DISTINCT).
    let root_key = match store.backend() {
        "sqlite" => "areas_root_name_key",
        _ => "areas_parent_name_key",
    };
    assert_eq!(root_twin, Err(StorageError::Constraint(root_key)));
    assert!(store.area(district).await.expect("read").is_some());
}

async fn a_repeated_phone_names_its_key(store: &dyn Storage) {
    let [_, _, community] = common::area_chain(store, ["东城区", "东华门街道", "多福巷社区"]).await;
    common::volunteer(store, community, 1).await;
    let twin = store
        .insert_volunteer(&domain::NewVolunteer {
            name: domain::PersonName::parse("另一人").expect("name"),
            phone: domain::PhoneNumber::parse("13700000001").expect("phone"),
            id_number: None,
            home_area_id: community,
            skills: vec![],
            location_consent_version: None,
            status: domain::VolunteerStatus::Applied,
            vest_no: None,
            password_hash: None,
            now_ms: 2,
        })
        .await;
    assert_eq!(twin, Err(StorageError::Constraint("volunteers_phone_key")));
}

async fn a_repeated_team_name_names_its_key(store: &dyn Storage) {
    let [_, _, community] = common::area_chain(store, ["东城区", "东华门街道", "多福巷社区"]).await;
    store
        .insert_team(community, "一队", 1, &audit())
        .await
        .expect("team");
    let twin = store.insert_team(community, "一队", 2, &audit()).await;
    assert_eq!(twin, Err(StorageError::Constraint("teams_area_name_key")));
    assert_eq!(store.teams_in(community).await.expect("teams").len(), 1);
}

async fn a_repeated_grant_names_its_key(store: &dyn Storage) {
    let [_, street, community] =
        common::area_chain(store, ["东城区", "东华门街道", "多福巷社区"]).await;
    let who = common::volunteer(store, community, 1).await;
    let grant = RoleGrant {
        role: Role::Coordinator,
        area_id: street,
    };
    store
        .insert_grant(who, grant, None, 1, &audit())
        .await
        .expect("grant");
    let twin = store.insert_grant(who, grant, None, 2, &audit()).await;
    assert_eq!(
        twin,
        Err(StorageError::Constraint("role_grants_who_what_where_key"))
    );
}

async fn a_repeated_session_names_its_key(store: &dyn Storage) {
    let [_, _, community] = common::area_chain(store, ["东城区", "东华门街道", "多福巷社区"]).await;
    let who = common::volunteer(store, community, 1).await;
    let session = SessionRecord {
        token_hash: "hash-1".into(),
        volunteer_id: who,
        created_at_ms: 1,
        last_seen_at_ms: 1,
        expires_at_ms: 10,
    };
    store.insert_session(&session).await.expect("session");
    let twin = store.insert_session(&session).await;
    assert_eq!(twin, Err(StorageError::Constraint("sessions_pkey")));
}

async fn a_missing_parent_is_a_missing_reference(store: &dyn Storage) {
    let orphan = store
        .insert_area(&area(
            Some(domain::AreaId(9_999)),
            AreaKind::Street,
            "无处街道",
        ))
        .await;
    assert_eq!(orphan, Err(StorageError::MissingReference));
}

/// What the schema refuses to raw SQL, as the storage reads the refusal.
async fn refusal(db: &common::TestDb, sql: &str) -> StorageError {
    let e = db.execute(sql).await.expect_err("the schema refuses it");
    classify(&e)
}

async fn a_broken_check_names_its_check(db: &common::TestDb) {
    let [_, _, community] =
        common::area_chain(db.store.as_ref(), ["东城区", "东华门街道", "多福巷社区"]).await;
    let sql = format!(
        "UPDATE areas SET population = -1 WHERE id = {}",
        community.0
    );
    assert_eq!(
        refusal(db, &sql).await,
        StorageError::Constraint("areas_population_check")
    );
}

async fn a_repeated_site_names_its_key(db: &common::TestDb) {
    let [_, _, community] =
        common::area_chain(db.store.as_ref(), ["东城区", "东华门街道", "多福巷社区"]).await;
    let insert = format!(
        "INSERT INTO sites (area_id, name, lat, lon, radius_m) \
         VALUES ({}, '东门', 39.9, 116.4, 50)",
        community.0
    );
    db.execute(&insert).await.expect("first site");
    assert_eq!(
        refusal(db, &insert).await,
        StorageError::Constraint("sites_area_name_key")
    );
}

async fn a_second_check_in_in_force_names_its_key(db: &common::TestDb) {
    let store = db.store.as_ref();
    let [_, _, community] = common::area_chain(store, ["东城区", "东华门街道", "多福巷社区"]).await;
    let who = common::volunteer(store, community, 1).await;
    // Ids are the databases' own (PostgreSQL generates them always), so rows find each other
    // by their keys.
    for sql in [
        format!(
            "INSERT INTO sites (area_id, name, lat, lon, radius_m) \
             VALUES ({}, '东门', 39.9, 116.4, 50)",
            community.0
        ),
        "INSERT INTO shifts (site_id, starts_at, ends_at, headcount, leaders_needed, notes, \
         created_at) SELECT id, 1000, 2000, 2, 0, '', 1 FROM sites WHERE name = '东门'"
            .to_owned(),
        format!(
            "INSERT INTO assignments (shift_id, volunteer_id, state, as_leader, signed_up_at) \
             SELECT id, {}, 'signed_up', FALSE, 1 FROM shifts WHERE starts_at = 1000",
            who.0
        ),
    ] {
        db.execute(&sql).await.expect("setup");
    }
    let check = |key: &str, kind: &str| {
        format!(
            "INSERT INTO check_events (client_key, assignment_id, kind, made_at, received_at, \
             verdict) SELECT '{key}', id, '{kind}', 1100, 1100, 'inside' FROM assignments \
             WHERE volunteer_id = {}",
            who.0
        )
    };
    db.execute(&check("k-1", "in"))
        .await
        .expect("first check-in");
    // The key again, for a check-out (a check-in again would break both keys at once).
    assert_eq!(
        refusal(db, &check("k-1", "out")).await,
        StorageError::Constraint("check_events_client_key_key")
    );
    assert_eq!(
        refusal(db, &check("k-2", "in")).await,
        StorageError::Constraint("check_events_in_force_key")
    );
}
