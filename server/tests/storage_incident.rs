//! Conformance suite, incident part: a report stored once by its client key with its photos,
//! scoped lists (area subtree; a volunteer's own and their community's public ones) with their
//! filters and pages, and triage changes written with their timeline, on both databases.

mod common;

use domain::duty::HOUR_MS;
use domain::incident::port::{
    ChangeKind, IncidentChange, IncidentQuery, NewIncident, NewPhoto, Stored, Viewer,
};
use domain::incident::{IncidentStatus, Referral, Severity};
use domain::{AreaId, Storage, StorageError, VolunteerId};

conformance!(
    a_report_is_stored_once_with_its_photos_and_first_step,
    lists_keep_to_the_viewer_and_filter_and_page,
    a_status_change_needs_the_status_it_saw_and_writes_the_timeline,
);

/// 2026-11-25 08:00 China time.
const EIGHT: i64 = 1_795_536_000_000 + 8 * HOUR_MS;

fn report(key: &str, reporter: VolunteerId, area: AreaId, made_at: i64) -> NewIncident {
    NewIncident {
        client_key: key.into(),
        reporter,
        area_id: area,
        site_id: None,
        assignment_id: None,
        category: "fire".into(),
        severity: Severity::Serious,
        body: "3号楼楼道堆放杂物".into(),
        lat: 36.675,
        lon: 117.058,
        accuracy_m: Some(12.0),
        made_at,
        received_at: made_at + 1_000,
        photos: Vec::new(),
    }
}

fn photo(sha: &str) -> NewPhoto {
    NewPhoto {
        content_type: "image/jpeg".into(),
        width: 4,
        height: 3,
        sha256: sha.into(),
        bytes: vec![0xFF, 0xD8, 0xFF, 0xD9],
    }
}

async fn a_report_is_stored_once_with_its_photos_and_first_step(store: &dyn Storage) {
    let [_, _, c] = common::area_chain(store, ["历下区", "解放路街道", "山大路社区"]).await;
    let reporter = common::volunteer(store, c, 1).await;
    let other = common::volunteer(store, c, 2).await;
    let mut new = report("0192f0c4-0000-7000-8000-000000000001", reporter, c, EIGHT);
    // The same photo twice is kept once.
    new.photos = vec![photo("aa"), photo("bb"), photo("aa")];
    let first = store.insert_incident(&new).await.expect("insert");
    let Stored::New(id) = first else {
        panic!("a new report: {first:?}")
    };
    let again = store.insert_incident(&new).await.expect("again");
    assert_eq!(again, Stored::Existing(id), "the outbox re-sent it");
    // Someone else's key is never answered with the other person's incident.
    let mut theirs = new.clone();
    theirs.reporter = other;
    assert!(matches!(
        store.insert_incident(&theirs).await,
        Err(StorageError::Constraint("incidents_client_key_key"))
    ));

    let stored = store.incident(id).await.expect("read").expect("found");
    assert_eq!(stored.summary.status, IncidentStatus::Reported);
    assert_eq!(stored.summary.severity, Severity::Serious);
    assert_eq!(stored.summary.area_name, "山大路社区");
    assert_eq!(stored.summary.photo_count, 2);
    assert_eq!(stored.photo_ids.len(), 2);
    assert_eq!(stored.reporter_name, "队员1");
    assert_eq!(stored.accuracy_m, Some(12.0));
    assert!(!stored.summary.public);
    let (kind, bytes) = store
        .incident_photo(id, stored.photo_ids[0])
        .await
        .expect("photo")
        .expect("found");
    assert_eq!((kind.as_str(), bytes.len()), ("image/jpeg", 4));
    assert!(matches!(
        store.incident_photo(id, stored.photo_ids[1] + 100).await,
        Ok(None)
    ));
    let timeline = store.incident_events(id).await.expect("events");
    assert_eq!(timeline.len(), 1);
    assert_eq!(timeline[0].step, "report");
    assert_eq!(timeline[0].actor_id, reporter);
    assert_eq!(timeline[0].at, EIGHT);
}

async fn lists_keep_to_the_viewer_and_filter_and_page(store: &dyn Storage) {
    let [d, s, c] = common::area_chain(store, ["历下区", "解放路街道", "山大路社区"]).await;
    let other = store
        .insert_area(&domain::NewArea {
            parent_id: Some(s),
            kind: domain::AreaKind::Community,
            name: domain::AreaName::parse("青龙街社区").expect("name"),
            population: domain::Population::new(4_000).expect("population"),
            population_counted_on: None,
        })
        .await
        .expect("community");
    let me = common::volunteer(store, c, 1).await;
    let neighbour = common::volunteer(store, c, 2).await;
    let elsewhere = common::volunteer(store, other, 3).await;
    let mut ids = Vec::new();
    for (n, (who, area, severity)) in [
        (me, c, Severity::Normal),
        (neighbour, c, Severity::Urgent),
        (neighbour, c, Severity::Normal),
        (elsewhere, other, Severity::Urgent),
    ]
    .into_iter()
    .enumerate()
    {
        let mut new = report(
            &format!("key-{n:04}-aaaaaaaaaaaa"),
            who,
            area,
            EIGHT + n as i64 * HOUR_MS,
        );
        new.severity = severity;
        ids.push(store.insert_incident(&new).await.expect("insert").id());
    }
    // The neighbour's urgent one is made public by a leader.
    store
        .change_incident(
            ids[1],
            &IncidentChange {
                actor: me,
                at: EIGHT + 10 * HOUR_MS,
                step: "publish".into(),
                what: ChangeKind::Publish(true),
                note: None,
            },
        )
        .await
        .expect("publish");

    let all = IncidentQuery::default();
    let page = |viewer, query: IncidentQuery, limit, offset| async move {
        store
            .incidents(viewer, &query, limit, offset)
            .await
            .expect("list")
    };
    // A street leader sees all four, newest first; a community leader their community's three.
    let street = page(Viewer::Area(s), all.clone(), 10, 0).await;
    assert_eq!(street.total, 4);
    let order: Vec<_> = street.items.iter().map(|i| i.id).collect();
    assert_eq!(order, vec![ids[3], ids[2], ids[1], ids[0]]);
    assert_eq!(page(Viewer::Area(c), all.clone(), 10, 0).await.total, 3);
    assert_eq!(page(Viewer::Area(d), all.clone(), 10, 0).await.total, 4);
    // A volunteer: their own, and the public one of their community; not the neighbour's other.
    let mine = page(
        Viewer::Volunteer {
            id: me,
            community: c,
        },
        all.clone(),
        10,
        0,
    )
    .await;
    let seen: Vec<_> = mine.items.iter().map(|i| i.id).collect();
    assert_eq!(seen, vec![ids[1], ids[0]]);
    // Another community's volunteer does not see that public one.
    let theirs = page(
        Viewer::Volunteer {
            id: elsewhere,
            community: other,
        },
        all.clone(),
        10,
        0,
    )
    .await;
    assert_eq!(
        theirs.items.iter().map(|i| i.id).collect::<Vec<_>>(),
        vec![ids[3]]
    );

    // Filters: severity, open-only ordering urgent first, time range, status, category.
    let urgent = IncidentQuery {
        severity: Some(Severity::Urgent),
        ..Default::default()
    };
    assert_eq!(page(Viewer::Area(s), urgent, 10, 0).await.total, 2);
    let open = IncidentQuery {
        open_only: true,
        ..Default::default()
    };
    let open_list = page(Viewer::Area(s), open, 10, 0).await;
    assert_eq!(open_list.items[0].severity, Severity::Urgent);
    assert_eq!(open_list.items[1].severity, Severity::Urgent);
    let window = IncidentQuery {
        from: Some(EIGHT + HOUR_MS),
        until: Some(EIGHT + 3 * HOUR_MS),
        ..Default::default()
    };
    let in_window = page(Viewer::Area(s), window, 10, 0).await;
    assert_eq!(
        in_window.items.iter().map(|i| i.id).collect::<Vec<_>>(),
        vec![ids[2], ids[1]]
    );
    let resolved = IncidentQuery {
        status: Some(IncidentStatus::Resolved),
        ..Default::default()
    };
    assert_eq!(page(Viewer::Area(s), resolved, 10, 0).await.total, 0);
    let other_category = IncidentQuery {
        category: Some("security".into()),
        ..Default::default()
    };
    assert_eq!(page(Viewer::Area(s), other_category, 10, 0).await.total, 0);

    // Pages: two of four, then the rest; the total is the whole match.
    let first = page(Viewer::Area(s), all.clone(), 2, 0).await;
    let second = page(Viewer::Area(s), all.clone(), 2, 2).await;
    assert_eq!(
        (first.total, first.items.len(), second.items.len()),
        (4, 2, 2)
    );
    assert_ne!(first.items[0].id, second.items[0].id);

    // Facts carry the same scope.
    let facts = store
        .incident_facts(Viewer::Area(c), &all, 100)
        .await
        .expect("facts");
    assert_eq!(facts.len(), 3);
    assert!(facts.iter().all(|f| f.area_id == c));
}

async fn a_status_change_needs_the_status_it_saw_and_writes_the_timeline(store: &dyn Storage) {
    let [_, _, c] = common::area_chain(store, ["历下区", "解放路街道", "山大路社区"]).await;
    let reporter = common::volunteer(store, c, 1).await;
    let leader = common::volunteer(store, c, 2).await;
    let id = store
        .insert_incident(&report(
            "0192f0c4-0000-7000-8000-00000000000a",
            reporter,
            c,
            EIGHT,
        ))
        .await
        .expect("insert")
        .id();
    let step = |from, to, referred_to, at| IncidentChange {
        actor: leader,
        at,
        step: "refer".into(),
        what: ChangeKind::Status {
            from,
            to,
            referred_to,
        },
        note: Some("已电话联系".into()),
    };
    store
        .change_incident(
            id,
            &step(
                IncidentStatus::Reported,
                IncidentStatus::Referred,
                Some(Referral::Named("燕山派出所".into())),
                EIGHT + HOUR_MS,
            ),
        )
        .await
        .expect("refer");
    // A second leader who still saw "reported" is told it changed; nothing is written.
    assert!(matches!(
        store
            .change_incident(
                id,
                &step(
                    IncidentStatus::Reported,
                    IncidentStatus::Rejected,
                    None,
                    EIGHT + 2 * HOUR_MS
                ),
            )
            .await,
        Err(StorageError::ChangedMeanwhile)
    ));
    store
        .change_incident(
            id,
            &IncidentChange {
                actor: leader,
                at: EIGHT + 3 * HOUR_MS,
                step: "assign".into(),
                what: ChangeKind::Assign(Some(leader)),
                note: None,
            },
        )
        .await
        .expect("assign");
    // A later step without a referral keeps the referral.
    store
        .change_incident(
            id,
            &IncidentChange {
                step: "resolve".into(),
                ..step(
                    IncidentStatus::Referred,
                    IncidentStatus::Resolved,
                    None,
                    EIGHT + 4 * HOUR_MS,
                )
            },
        )
        .await
        .expect("resolve");
    let stored = store.incident(id).await.expect("read").expect("found");
    assert_eq!(stored.summary.status, IncidentStatus::Resolved);
    assert_eq!(
        stored.referred_to,
        Some(Referral::Named("燕山派出所".into()))
    );
    assert_eq!(stored.assignee, Some((leader, "队员2".into())));
    let timeline = store.incident_events(id).await.expect("events");
    let steps: Vec<_> = timeline
        .iter()
        .map(|e| (e.step.as_str(), e.status))
        .collect();
    assert_eq!(
        steps,
        vec![
            ("report", IncidentStatus::Reported),
            ("refer", IncidentStatus::Referred),
            ("assign", IncidentStatus::Referred),
            ("resolve", IncidentStatus::Resolved),
        ]
    );
    assert_eq!(
        timeline[1].referred_to,
        Some(Referral::Named("燕山派出所".into()))
    );
    assert_eq!(timeline[1].note.as_deref(), Some("已电话联系"));
    assert_eq!(timeline[2].assignee, Some((leader, "队员2".into())));
    assert!(matches!(
        store
            .change_incident(
                domain::incident::port::IncidentId(id.0 + 999),
                &step(
                    IncidentStatus::Reported,
                    IncidentStatus::Acknowledged,
                    None,
                    EIGHT
                ),
            )
            .await,
        Err(StorageError::MissingReference)
    ));
}
