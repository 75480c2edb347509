//! Conformance suite, accounts part: volunteers, roles, sessions, login throttling, audit log,
//! and the 2% counts. Every test runs on SQLite and on PostgreSQL (when configured).

mod common;

use chrono::NaiveDate;
use domain::{
    AreaId, AreaKind, AreaName, AuditEntry, AuditFilter, NewArea, NewVolunteer, PersonName,
    PhoneNumber, Population, Role, RoleGrant, SessionRecord, Storage, StorageError, VolunteerId,
    VolunteerStatus,
};

conformance!(
    a_volunteer_round_trips_with_masked_personal_data,
    a_phone_number_registers_once,
    an_application_and_its_audit_entry_are_stored_together,
    a_batch_insert_is_all_or_nothing,
    area_paths_run_root_first,
    registered_volunteers_are_counted_per_subtree,
    grants_are_unique_per_role_and_area,
    sessions_are_stored_touched_and_ended,
    status_changes_are_stored_with_who_and_why,
    volunteers_are_listed_per_subtree_with_filters_and_pages,
    area_figures_are_updated_with_their_audit_entry,
    a_password_reset_ends_every_session,
    teams_hold_members_and_leaders_get_the_role,
);
conformance_raw!(
    the_audit_log_filters_by_subtree_and_cannot_be_edited,
    the_hours_ledger_is_append_only,
);

/// 历下区 › 解放路街道 › 山大路社区, plus a sibling street with one community.
struct Tree {
    district: AreaId,
    street: AreaId,
    community: AreaId,
    other_street: AreaId,
    other_community: AreaId,
}

async fn tree(store: &dyn Storage) -> Tree {
    let add = |parent, kind, name: &'static str| NewArea {
        parent_id: parent,
        kind,
        name: AreaName::parse(name).expect("name"),
        population: Population::new(10_000).expect("population"),
        population_counted_on: NaiveDate::from_ymd_opt(2020, 11, 1),
    };
    let district = store
        .insert_area(&add(None, AreaKind::District, "历下区"))
        .await
        .expect("d");
    let street = store
        .insert_area(&add(Some(district), AreaKind::Street, "解放路街道"))
        .await
        .expect("s");
    let community = store
        .insert_area(&add(Some(street), AreaKind::Community, "山大路社区"))
        .await
        .expect("c");
    let other_street = store
        .insert_area(&add(Some(district), AreaKind::Street, "千佛山街道"))
        .await
        .expect("s2");
    let other_community = store
        .insert_area(&add(Some(other_street), AreaKind::Community, "建新社区"))
        .await
        .expect("c2");
    Tree {
        district,
        street,
        community,
        other_street,
        other_community,
    }
}

/// A minimal audit entry for calls that must carry one.
fn note(action: &str) -> AuditEntry {
    AuditEntry {
        at_ms: 1,
        actor_id: None,
        action: action.into(),
        entity: "volunteer".into(),
        entity_id: None,
        area_id: None,
        before: None,
        after: None,
    }
}

fn person(phone: &str, home: AreaId, status: VolunteerStatus) -> NewVolunteer {
    NewVolunteer {
        name: PersonName::parse("张伟").expect("name"),
        phone: PhoneNumber::parse(phone).expect("phone"),
        id_number: None,
        home_area_id: home,
        skills: vec!["急救".into()],
        location_consent_version: Some("2026-1".into()),
        status,
        vest_no: None,
        password_hash: Some("$argon2id$fake".into()),
        now_ms: 1_700_000_000_000,
    }
}

async fn an_application_and_its_audit_entry_are_stored_together(store: &dyn Storage) {
    let t = tree(store).await;
    let applied = AuditEntry {
        at_ms: 1_700_000_000_000,
        actor_id: None,
        action: "apply".into(),
        entity: "volunteer".into(),
        entity_id: None,
        area_id: Some(t.community),
        before: None,
        after: Some(r#"{"status":"applied"}"#.into()),
    };
    let new = person("13812345678", t.community, VolunteerStatus::Applied);
    let id = store.insert_applicant(&new, &applied).await.expect("apply");
    let log = |entity: &'static str| AuditFilter {
        entity: Some(entity.into()),
        limit: 50,
        ..Default::default()
    };
    let entries = store.audit_entries(&log("volunteer")).await.expect("log");
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].entry.actor_id, Some(id));
    assert_eq!(entries[0].entry.entity_id, Some(id.0));
    assert_eq!(entries[0].entry.action, "apply");
    // The same number again: neither a second account nor an entry for one.
    let again = store.insert_applicant(&new, &applied).await;
    assert!(
        matches!(again, Err(StorageError::Constraint("volunteers_phone_key"))),
        "{again:?}"
    );
    let entries = store.audit_entries(&log("volunteer")).await.expect("log");
    assert_eq!(entries.len(), 1);
}

async fn a_volunteer_round_trips_with_masked_personal_data(store: &dyn Storage) {
    let t = tree(store).await;
    let mut new = person("13812345678", t.community, VolunteerStatus::Registered);
    new.id_number = Some(domain::SealedIdNumber {
        sealed: vec![1, 2, 3],
        masked: "3701**********123X".into(),
    });
    new.vest_no = Some("PA-00001".into());
    let id = store.insert_volunteer(&new).await.expect("insert");
    let v = store.volunteer(id).await.expect("read").expect("exists");
    assert_eq!(v.name, "张伟");
    assert_eq!(v.phone.masked(), "138****5678");
    assert_eq!(v.id_number_masked.as_deref(), Some("3701**********123X"));
    assert_eq!(v.home_area_id, t.community);
    assert_eq!(v.status, VolunteerStatus::Registered);
    assert_eq!(v.vest_no.as_deref(), Some("PA-00001"));
    assert_eq!(v.skills, vec!["急救".to_owned()]);
    let login = store
        .login_record(&PhoneNumber::parse("13812345678").expect("phone"))
        .await
        .expect("login record")
        .expect("found");
    assert_eq!(login.id, id);
    assert_eq!(login.password_hash.as_deref(), Some("$argon2id$fake"));
    store
        .set_password_hash(id, "$argon2id$new", 5)
        .await
        .expect("set");
    let login = store
        .login_record(&PhoneNumber::parse("13812345678").expect("phone"))
        .await
        .expect("login record")
        .expect("found");
    assert_eq!(login.password_hash.as_deref(), Some("$argon2id$new"));
    assert!(store
        .volunteer(VolunteerId(9_999))
        .await
        .expect("read")
        .is_none());
    let missing = store.set_password_hash(VolunteerId(9_999), "x", 5).await;
    assert!(
        matches!(missing, Err(StorageError::MissingReference)),
        "{missing:?}"
    );
}

async fn a_phone_number_registers_once(store: &dyn Storage) {
    let t = tree(store).await;
    store
        .insert_volunteer(&person(
            "13812345678",
            t.community,
            VolunteerStatus::Applied,
        ))
        .await
        .expect("first");
    let err = store
        .insert_volunteer(&person(
            "13812345678",
            t.other_community,
            VolunteerStatus::Applied,
        ))
        .await
        .expect_err("duplicate phone");
    assert!(
        matches!(err, StorageError::Constraint("volunteers_phone_key")),
        "{err:?}"
    );
    let mut a = person("13900000001", t.community, VolunteerStatus::Registered);
    a.vest_no = Some("V-1".into());
    let mut b = person("13900000002", t.community, VolunteerStatus::Registered);
    b.vest_no = Some("V-1".into());
    store.insert_volunteer(&a).await.expect("a");
    let err = store
        .insert_volunteer(&b)
        .await
        .expect_err("duplicate vest");
    assert!(
        matches!(err, StorageError::Constraint("volunteers_vest_no_key")),
        "{err:?}"
    );
}

async fn a_batch_insert_is_all_or_nothing(store: &dyn Storage) {
    let t = tree(store).await;
    let batch = vec![
        person("13900000001", t.community, VolunteerStatus::Registered),
        person("13900000002", t.community, VolunteerStatus::Registered),
        person("13900000001", t.community, VolunteerStatus::Registered),
    ];
    let err = store
        .insert_volunteers(&batch)
        .await
        .expect_err("duplicate inside");
    assert!(
        matches!(err, StorageError::Constraint("volunteers_phone_key")),
        "{err:?}"
    );
    assert_eq!(
        store.registered_in(t.district).await.expect("count"),
        0,
        "rolled back"
    );
    let n = store.insert_volunteers(&batch[..2]).await.expect("batch");
    assert_eq!(n, 2);
    assert_eq!(store.registered_in(t.district).await.expect("count"), 2);
}

async fn area_paths_run_root_first(store: &dyn Storage) {
    let t = tree(store).await;
    let path = store.area_path(t.community).await.expect("path");
    assert_eq!(path.0, vec![t.district, t.street, t.community]);
    assert_eq!(
        store.area_path(t.district).await.expect("root").0,
        vec![t.district]
    );
    assert!(store
        .area_path(AreaId(9_999))
        .await
        .expect("missing")
        .0
        .is_empty());
}

async fn registered_volunteers_are_counted_per_subtree(store: &dyn Storage) {
    let t = tree(store).await;
    let mut phones = 13_900_000_000u64;
    let mut add = |home, status| {
        phones += 1;
        person(&phones.to_string(), home, status)
    };
    let batch = vec![
        add(t.community, VolunteerStatus::Registered),
        add(t.community, VolunteerStatus::Registered),
        add(t.community, VolunteerStatus::Applied),
        add(t.community, VolunteerStatus::Suspended),
        add(t.other_community, VolunteerStatus::Registered),
    ];
    store.insert_volunteers(&batch).await.expect("batch");
    assert_eq!(store.registered_in(t.community).await.expect("c"), 2);
    assert_eq!(store.registered_in(t.street).await.expect("s"), 2);
    assert_eq!(store.registered_in(t.district).await.expect("d"), 3);
    let mut per_child = store
        .registered_per_child(t.district)
        .await
        .expect("children");
    per_child.sort();
    assert_eq!(per_child, vec![(t.street, 2), (t.other_street, 1)]);
    let per_child = store
        .registered_per_child(t.other_street)
        .await
        .expect("children");
    assert_eq!(per_child, vec![(t.other_community, 1)]);
    assert!(store
        .registered_per_child(t.community)
        .await
        .expect("leaf")
        .is_empty());
}

async fn grants_are_unique_per_role_and_area(store: &dyn Storage) {
    let t = tree(store).await;
    let id = store
        .insert_volunteer(&person(
            "13812345678",
            t.community,
            VolunteerStatus::Registered,
        ))
        .await
        .expect("insert");
    let g = RoleGrant {
        role: Role::Coordinator,
        area_id: t.street,
    };
    store
        .insert_grant(id, g, None, 1, &note("grant"))
        .await
        .expect("grant");
    store
        .insert_grant(
            id,
            RoleGrant {
                role: Role::TeamLeader,
                area_id: t.community,
            },
            Some(id),
            2,
            &note("grant"),
        )
        .await
        .expect("second grant");
    let err = store
        .insert_grant(id, g, None, 3, &note("grant"))
        .await
        .expect_err("duplicate");
    assert!(
        matches!(
            err,
            StorageError::Constraint("role_grants_who_what_where_key")
        ),
        "{err:?}"
    );
    let grants = store.grants(id).await.expect("grants");
    assert_eq!(grants.len(), 2);
    assert_eq!(grants[0], g);
    let err = store
        .insert_grant(
            id,
            RoleGrant {
                role: Role::Coordinator,
                area_id: AreaId(9_999),
            },
            None,
            4,
            &note("grant"),
        )
        .await
        .expect_err("missing area");
    assert!(matches!(err, StorageError::MissingReference), "{err:?}");
}

async fn sessions_are_stored_touched_and_ended(store: &dyn Storage) {
    let t = tree(store).await;
    let id = store
        .insert_volunteer(&person(
            "13812345678",
            t.community,
            VolunteerStatus::Registered,
        ))
        .await
        .expect("insert");
    let s = |hash: &str, expires| SessionRecord {
        token_hash: hash.into(),
        volunteer_id: id,
        created_at_ms: 100,
        last_seen_at_ms: 100,
        expires_at_ms: expires,
    };
    store.insert_session(&s("a", 1_000)).await.expect("a");
    store.insert_session(&s("b", 5_000)).await.expect("b");
    store.insert_session(&s("c", 5_000)).await.expect("c");
    store.touch_session("a", 150).await.expect("touch");
    assert_eq!(
        store
            .session("a")
            .await
            .expect("get")
            .expect("a")
            .last_seen_at_ms,
        150
    );
    assert_eq!(
        store
            .delete_expired_sessions(1_000, 0)
            .await
            .expect("expire"),
        1
    );
    assert!(store.session("a").await.expect("get").is_none());
    store.delete_session("b").await.expect("logout");
    assert!(store.session("b").await.expect("get").is_none());
    assert_eq!(store.delete_sessions_of(id).await.expect("all"), 1);
    assert!(store.session("c").await.expect("get").is_none());
}

async fn the_audit_log_filters_by_subtree_and_cannot_be_edited(db: &common::TestDb) {
    let store = db.store.as_ref();
    let t = tree(store).await;
    let actor = store
        .insert_volunteer(&person(
            "13812345678",
            t.community,
            VolunteerStatus::Registered,
        ))
        .await
        .expect("actor");
    let entry = |at, area, entity: &str| AuditEntry {
        at_ms: at,
        actor_id: Some(actor),
        action: "update".into(),
        entity: entity.into(),
        entity_id: Some(7),
        area_id: Some(area),
        before: Some(r#"{"population":1}"#.into()),
        after: Some(r#"{"population":2}"#.into()),
    };
    store
        .append_audit(&entry(1, t.community, "area"))
        .await
        .expect("1");
    store
        .append_audit(&entry(2, t.other_community, "area"))
        .await
        .expect("2");
    store
        .append_audit(&entry(3, t.street, "volunteer"))
        .await
        .expect("3");
    let all = store
        .audit_entries(&AuditFilter {
            limit: 50,
            ..Default::default()
        })
        .await
        .expect("all");
    assert_eq!(
        all.iter().map(|r| r.entry.at_ms).collect::<Vec<_>>(),
        vec![3, 2, 1]
    );
    assert_eq!(all[2].entry, entry(1, t.community, "area"));
    let street = store
        .audit_entries(&AuditFilter {
            within: Some(t.street),
            limit: 50,
            ..Default::default()
        })
        .await
        .expect("street");
    assert_eq!(
        street.iter().map(|r| r.entry.at_ms).collect::<Vec<_>>(),
        vec![3, 1]
    );
    let areas_only = store
        .audit_entries(&AuditFilter {
            within: Some(t.district),
            entity: Some("area".into()),
            limit: 50,
            ..Default::default()
        })
        .await
        .expect("areas");
    assert_eq!(areas_only.len(), 2);
    let page = store
        .audit_entries(&AuditFilter {
            before_id: Some(all[0].id),
            limit: 1,
            ..Default::default()
        })
        .await
        .expect("page");
    assert_eq!(page.len(), 1);
    assert_eq!(page[0].entry.at_ms, 2);
    assert!(db
        .execute("UPDATE audit_log SET action = 'x'")
        .await
        .is_err());
    assert!(db.execute("DELETE FROM audit_log").await.is_err());
    assert_eq!(
        store
            .audit_entries(&AuditFilter {
                limit: 50,
                ..Default::default()
            })
            .await
            .expect("all")
            .len(),
        3
    );
}

async fn the_hours_ledger_is_append_only(db: &common::TestDb) {
    let store = db.store.as_ref();
    let t = tree(store).await;
    let id = store
        .insert_volunteer(&person(
            "13812345678",
            t.community,
            VolunteerStatus::Registered,
        ))
        .await
        .expect("volunteer");
    let insert = format!(
        "INSERT INTO hours_ledger (volunteer_id, minutes, kind, recorded_at, served_on) \
         VALUES ({}, 120, 'credit', 1, '2026-11-01')",
        id.0
    );
    db.execute(&insert).await.expect("append");
    assert!(db
        .execute("UPDATE hours_ledger SET minutes = 600")
        .await
        .is_err());
    assert!(db.execute("DELETE FROM hours_ledger").await.is_err());
}

async fn status_changes_are_stored_with_who_and_why(store: &dyn Storage) {
    let t = tree(store).await;
    let coordinator = store
        .insert_volunteer(&person(
            "13800000003",
            t.community,
            VolunteerStatus::Registered,
        ))
        .await
        .expect("coordinator");
    let applicant = store
        .insert_volunteer(&person(
            "13812345678",
            t.community,
            VolunteerStatus::Applied,
        ))
        .await
        .expect("applicant");
    store
        .set_volunteer_status(
            applicant,
            VolunteerStatus::Rejected,
            Some(coordinator),
            Some("不在本社区居住"),
            9,
            &note("reject"),
        )
        .await
        .expect("reject");
    let v = store
        .volunteer(applicant)
        .await
        .expect("read")
        .expect("exists");
    assert_eq!(v.status, VolunteerStatus::Rejected);
    assert_eq!(v.vest_no, None);
    let log = store
        .audit_entries(&AuditFilter {
            limit: 10,
            ..Default::default()
        })
        .await
        .expect("audit");
    assert_eq!(log.len(), 1, "the change and its audit entry land together");

    // Approval hands out the next vest number and keeps it through re-activation.
    let second = store
        .insert_volunteer(&person(
            "13812345679",
            t.community,
            VolunteerStatus::Applied,
        ))
        .await
        .expect("second applicant");
    let vest = store
        .approve_volunteer(second, Some(coordinator), 10, &note("approve"))
        .await
        .expect("approve");
    assert_eq!(vest, "PA-00001");
    let third = store
        .insert_volunteer(&person(
            "13812345670",
            t.community,
            VolunteerStatus::Applied,
        ))
        .await
        .expect("third applicant");
    let vest3 = store
        .approve_volunteer(third, Some(coordinator), 11, &note("approve"))
        .await
        .expect("approve");
    assert_eq!(vest3, "PA-00002");
    store
        .set_volunteer_status(
            second,
            VolunteerStatus::Suspended,
            Some(coordinator),
            Some("长期未参加"),
            12,
            &note("suspend"),
        )
        .await
        .expect("suspend");
    let again = store
        .approve_volunteer(second, Some(coordinator), 13, &note("reactivate"))
        .await
        .expect("reactivate");
    assert_eq!(again, "PA-00001", "the vest number stays with the person");
    let missing = store
        .approve_volunteer(VolunteerId(9_999), None, 14, &note("approve"))
        .await;
    assert!(
        matches!(missing, Err(StorageError::MissingReference)),
        "{missing:?}"
    );
    let missing = store
        .set_volunteer_status(
            VolunteerId(9_999),
            VolunteerStatus::Retired,
            None,
            None,
            15,
            &note("retire"),
        )
        .await;
    assert!(
        matches!(missing, Err(StorageError::MissingReference)),
        "{missing:?}"
    );
    assert_eq!(
        store
            .audit_entries(&AuditFilter {
                limit: 50,
                ..Default::default()
            })
            .await
            .expect("audit")
            .len(),
        5,
        "failed changes leave no audit entry"
    );
}

async fn volunteers_are_listed_per_subtree_with_filters_and_pages(store: &dyn Storage) {
    let t = tree(store).await;
    let mut batch = Vec::new();
    for i in 0..7u64 {
        let mut p = person(
            &format!("1390000000{i}"),
            t.community,
            VolunteerStatus::Registered,
        );
        p.now_ms = 1_000 + i as i64;
        if i == 3 {
            p.name = PersonName::parse("李娜").expect("name");
        }
        batch.push(p);
    }
    batch.push(person("13900000100", t.community, VolunteerStatus::Applied));
    batch.push(person(
        "13900000200",
        t.other_community,
        VolunteerStatus::Registered,
    ));
    store.insert_volunteers(&batch).await.expect("batch");
    let filter = |within, status, search: Option<&str>, offset, limit| domain::VolunteerFilter {
        within,
        status,
        search: search.map(str::to_owned),
        offset,
        limit,
    };
    let page = store
        .volunteers_in(&filter(
            t.street,
            Some(VolunteerStatus::Registered),
            None,
            0,
            5,
        ))
        .await
        .expect("page 1");
    assert_eq!(page.total, 7);
    assert_eq!(page.items.len(), 5);
    assert_eq!(
        page.items[0].phone.as_str(),
        "13900000000",
        "oldest application first"
    );
    let page2 = store
        .volunteers_in(&filter(
            t.street,
            Some(VolunteerStatus::Registered),
            None,
            5,
            5,
        ))
        .await
        .expect("page 2");
    assert_eq!(page2.items.len(), 2);
    let all = store
        .volunteers_in(&filter(t.district, None, None, 0, 50))
        .await
        .expect("all");
    assert_eq!(all.total, 9);
    let applied = store
        .volunteers_in(&filter(
            t.district,
            Some(VolunteerStatus::Applied),
            None,
            0,
            50,
        ))
        .await
        .expect("applied");
    assert_eq!(applied.total, 1);
    let by_name = store
        .volunteers_in(&filter(t.district, None, Some("李"), 0, 50))
        .await
        .expect("name");
    assert_eq!(by_name.items.len(), 1);
    assert_eq!(by_name.items[0].name, "李娜");
    let by_phone = store
        .volunteers_in(&filter(t.district, None, Some("0200"), 0, 50))
        .await
        .expect("phone");
    assert_eq!(by_phone.items.len(), 1);
    assert_eq!(by_phone.items[0].home_area_id, t.other_community);
}

async fn area_figures_are_updated_with_their_audit_entry(store: &dyn Storage) {
    let t = tree(store).await;
    let rate = domain::TargetRate::from_basis_points(250).expect("rate");
    store
        .update_area_figures(
            t.district,
            Population::new(123_456).expect("population"),
            NaiveDate::from_ymd_opt(2025, 6, 30),
            Some(rate),
            &note("update_area"),
        )
        .await
        .expect("update");
    let a = store.area(t.district).await.expect("read").expect("exists");
    assert_eq!(a.population, 123_456);
    assert_eq!(
        a.population_counted_on,
        NaiveDate::from_ymd_opt(2025, 6, 30)
    );
    assert_eq!(a.target_rate, Some(rate));
    store
        .update_area_figures(
            t.district,
            Population::new(1).expect("p"),
            None,
            None,
            &note("update_area"),
        )
        .await
        .expect("clear the rate");
    let a = store.area(t.district).await.expect("read").expect("exists");
    assert_eq!(
        (a.population, a.population_counted_on, a.target_rate),
        (1, None, None)
    );
    let missing = store
        .update_area_figures(
            AreaId(9_999),
            Population::new(1).expect("p"),
            None,
            None,
            &note("update_area"),
        )
        .await;
    assert!(
        matches!(missing, Err(StorageError::MissingReference)),
        "{missing:?}"
    );
    let log = store
        .audit_entries(&AuditFilter {
            limit: 10,
            ..Default::default()
        })
        .await
        .expect("audit");
    assert_eq!(log.len(), 2, "one entry per successful change");
}

async fn a_password_reset_ends_every_session(store: &dyn Storage) {
    let t = tree(store).await;
    let id = store
        .insert_volunteer(&person(
            "13812345678",
            t.community,
            VolunteerStatus::Registered,
        ))
        .await
        .expect("insert");
    for hash in ["s1", "s2"] {
        store
            .insert_session(&SessionRecord {
                token_hash: hash.into(),
                volunteer_id: id,
                created_at_ms: 1,
                last_seen_at_ms: 1,
                expires_at_ms: i64::MAX,
            })
            .await
            .expect("session");
    }
    store
        .reset_password(id, "$argon2id$reset", 7, &note("reset_password"))
        .await
        .expect("reset");
    assert!(store.session("s1").await.expect("get").is_none());
    assert!(store.session("s2").await.expect("get").is_none());
    let login = store
        .login_record(&PhoneNumber::parse("13812345678").expect("phone"))
        .await
        .expect("read")
        .expect("found");
    assert_eq!(login.password_hash.as_deref(), Some("$argon2id$reset"));
}

async fn teams_hold_members_and_leaders_get_the_role(store: &dyn Storage) {
    let t = tree(store).await;
    let team = store
        .insert_team(t.community, "山大路巡逻一队", 1, &note("create_team"))
        .await
        .expect("team");
    let err = store
        .insert_team(t.community, "山大路巡逻一队", 2, &note("create_team"))
        .await
        .expect_err("same name");
    assert!(
        matches!(err, StorageError::Constraint("teams_area_name_key")),
        "{err:?}"
    );
    store
        .insert_team(t.other_community, "山大路巡逻一队", 3, &note("create_team"))
        .await
        .expect("same name elsewhere");
    let mut a = person("13900000001", t.community, VolunteerStatus::Registered);
    a.name = PersonName::parse("甲").expect("name");
    let mut b = person("13900000002", t.community, VolunteerStatus::Registered);
    b.name = PersonName::parse("乙").expect("name");
    let a = store.insert_volunteer(&a).await.expect("a");
    let b = store.insert_volunteer(&b).await.expect("b");
    store
        .put_team_member(team, a, false, 4, &note("add_member"))
        .await
        .expect("a joins");
    store
        .put_team_member(team, b, false, 5, &note("add_member"))
        .await
        .expect("b joins");
    store
        .put_team_member(team, b, true, 6, &note("make_leader"))
        .await
        .expect("b leads");
    let members = store.team_members(team).await.expect("members");
    assert_eq!(
        members
            .iter()
            .map(|(v, l)| (v.name.as_str(), *l))
            .collect::<Vec<_>>(),
        vec![("乙", true), ("甲", false)]
    );
    assert_eq!(
        store.grants(b).await.expect("grants"),
        vec![RoleGrant {
            role: Role::TeamLeader,
            area_id: t.community
        }]
    );
    assert!(store.grants(a).await.expect("grants").is_empty());
    let summary = store.team(team).await.expect("team").expect("exists");
    assert_eq!(
        (summary.members, summary.leaders.clone()),
        (2, vec!["乙".to_owned()])
    );
    let in_street = store.teams_in(t.street).await.expect("teams");
    assert_eq!(in_street.len(), 1);
    assert_eq!(store.teams_in(t.district).await.expect("teams").len(), 2);
    let missing = store
        .put_team_member(domain::TeamId(9_999), a, false, 7, &note("add_member"))
        .await;
    assert!(
        matches!(missing, Err(StorageError::MissingReference)),
        "{missing:?}"
    );
    let found = store
        .volunteer_by_phone(&PhoneNumber::parse("13900000002").expect("phone"))
        .await
        .expect("lookup")
        .expect("found");
    assert_eq!(found.id, b);
}
