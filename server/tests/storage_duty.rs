//! Conformance suite, duty part: shifts, sign-ups and the waitlist, check events stored once,
//! service records and the append-only hours ledger, on both databases.

mod common;

use chrono::NaiveDate;
use domain::duty::{local_date, HOUR_MS, MINUTE_MS};
use domain::{
    AreaId, AssignmentId, AuditEntry, CheckKind, Decision, NewCheck, NewShift, Proof, ServiceState,
    ShiftId, ShiftWindow, SignUpOutcome, SiteId, Storage, StorageError, Verdict, VolunteerId,
};

conformance!(
    a_full_shift_waitlists_and_a_cancellation_promotes_the_next,
    concurrent_sign_ups_never_overfill_a_shift,
    a_cancelled_shift_takes_no_sign_ups_and_leaves_the_duty_windows,
    a_check_event_is_stored_once_however_often_it_arrives,
    confirmed_hours_reach_the_ledger_and_a_correction_is_a_row_of_its_own,
    the_sweeper_finds_forgotten_check_outs_no_shows_and_stale_claims,
    a_track_is_kept_in_order_then_reduced_to_its_length_and_cells,
);

/// 2026-11-25 08:00 China time.
const EIGHT: i64 = 1_795_536_000_000 + 8 * HOUR_MS;

fn audit(action: &str) -> AuditEntry {
    AuditEntry {
        at_ms: 1,
        actor_id: None,
        action: action.into(),
        entity: "shift".into(),
        entity_id: None,
        area_id: None,
        before: None,
        after: None,
    }
}

struct Place {
    area: AreaId,
    site: SiteId,
}

async fn place(store: &dyn Storage) -> Place {
    let ([_, street, _], site) = common::school_site(store).await;
    Place { area: street, site }
}

async fn volunteers(store: &dyn Storage, home: AreaId, n: u32) -> Vec<VolunteerId> {
    let mut ids = Vec::new();
    for i in 0..n {
        ids.push(common::volunteer(store, home, i).await);
    }
    ids
}

async fn shift(store: &dyn Storage, site: SiteId, starts_at: i64, headcount: u32) -> ShiftId {
    let ids = store
        .insert_shifts(
            &[NewShift {
                site_id: site,
                window: ShiftWindow::new(starts_at, starts_at + 4 * HOUR_MS).expect("window"),
                headcount,
                leaders_needed: 0,
                notes: "带好手电".into(),
                created_by: None,
                created_at: 1,
            }],
            &audit("create_shifts"),
        )
        .await
        .expect("shift");
    ids[0]
}

fn assignment_of(o: SignUpOutcome) -> AssignmentId {
    match o {
        SignUpOutcome::SignedUp(id) | SignUpOutcome::Waitlisted(id) => id,
    }
}

async fn a_full_shift_waitlists_and_a_cancellation_promotes_the_next(store: &dyn Storage) {
    let p = place(store).await;
    let community = store.child_areas(Some(p.area)).await.expect("c")[0].id;
    let v = volunteers(store, community, 3).await;
    let s = shift(store, p.site, EIGHT, 2).await;
    let first = store.sign_up(s, v[0], false, 10).await.expect("1");
    assert!(matches!(first, SignUpOutcome::SignedUp(_)));
    assert!(matches!(
        store.sign_up(s, v[1], true, 11).await.expect("2"),
        SignUpOutcome::SignedUp(_)
    ));
    let third = store.sign_up(s, v[2], false, 12).await.expect("3");
    assert!(matches!(third, SignUpOutcome::Waitlisted(_)));
    assert_eq!(
        store.sign_up(s, v[0], false, 13).await.expect("again"),
        first,
        "signing up twice changes nothing"
    );
    let stored = store.shift(s).await.expect("read").expect("exists");
    assert_eq!(
        (
            stored.signed_up,
            stored.leaders_signed_up,
            stored.waitlisted
        ),
        (2, 1, 1)
    );
    assert_eq!(stored.site_name, "山大路小学");
    assert_eq!(stored.notes, "带好手电");

    let promoted = store
        .cancel_sign_up(assignment_of(first), 20)
        .await
        .expect("cancel");
    assert_eq!(promoted, Some(v[2]));
    let third = store
        .assignment(assignment_of(third))
        .await
        .expect("read")
        .expect("exists");
    assert_eq!(third.state, domain::AssignmentState::SignedUp);
    assert_eq!(
        store
            .cancel_sign_up(assignment_of(first), 21)
            .await
            .expect("twice"),
        None,
        "a second cancellation promotes nobody"
    );
    // Back after cancelling: the shift is full again, so onto the waitlist.
    assert!(matches!(
        store.sign_up(s, v[0], false, 30).await.expect("rejoin"),
        SignUpOutcome::Waitlisted(_)
    ));
    let listed = store
        .shifts_in(p.area, EIGHT - HOUR_MS, EIGHT + HOUR_MS)
        .await
        .expect("list");
    assert_eq!(listed.len(), 1);
    assert_eq!((listed[0].signed_up, listed[0].waitlisted), (2, 1));
}

async fn concurrent_sign_ups_never_overfill_a_shift(store: &dyn Storage) {
    let p = place(store).await;
    let community = store.child_areas(Some(p.area)).await.expect("c")[0].id;
    let v = volunteers(store, community, 12).await;
    let s = shift(store, p.site, EIGHT, 5).await;
    let outcomes = futures::future::join_all(
        v.iter()
            .enumerate()
            .map(|(i, id)| store.sign_up(s, *id, false, 100 + i as i64)),
    )
    .await;
    let signed = outcomes
        .iter()
        .filter(|o| matches!(o, Ok(SignUpOutcome::SignedUp(_))))
        .count();
    let waiting = outcomes
        .iter()
        .filter(|o| matches!(o, Ok(SignUpOutcome::Waitlisted(_))))
        .count();
    assert_eq!((signed, waiting), (5, 7), "{outcomes:?}");
}

async fn a_cancelled_shift_takes_no_sign_ups_and_leaves_the_duty_windows(store: &dyn Storage) {
    let p = place(store).await;
    let community = store.child_areas(Some(p.area)).await.expect("c")[0].id;
    let v = volunteers(store, community, 2).await;
    let s = shift(store, p.site, EIGHT, 3).await;
    store.sign_up(s, v[0], false, 1).await.expect("sign up");
    let windows = store
        .duty_windows(v[0], EIGHT - HOUR_MS, EIGHT + HOUR_MS)
        .await
        .expect("windows");
    assert_eq!(windows.len(), 1);
    assert_eq!(windows[0].0, s);
    store
        .cancel_shift(s, "暴雨停止户外巡逻", 50, &audit("cancel_shift"))
        .await
        .expect("cancel");
    let stored = store.shift(s).await.expect("read").expect("exists");
    assert_eq!(stored.cancelled, Some((50, "暴雨停止户外巡逻".to_owned())));
    assert!(matches!(
        store.sign_up(s, v[1], false, 60).await,
        Err(StorageError::MissingReference)
    ));
    assert!(matches!(
        store
            .cancel_shift(s, "again", 70, &audit("cancel_shift"))
            .await,
        Err(StorageError::MissingReference)
    ));
    assert!(store
        .duty_windows(v[0], EIGHT - HOUR_MS, EIGHT + HOUR_MS)
        .await
        .expect("windows")
        .is_empty());
    // The volunteer still sees the shift, with the reason.
    let mine = store.my_shifts(v[0], 0).await.expect("mine");
    assert_eq!(mine.len(), 1);
    assert!(mine[0].shift.cancelled.is_some());
}

fn check(key: &str, a: AssignmentId, kind: CheckKind, made_at: i64, proof: Proof) -> NewCheck {
    NewCheck {
        client_key: key.into(),
        assignment_id: a,
        kind,
        made_at,
        received_at: made_at + 5,
        position: Some((36.675, 117.058, Some(12.0))),
        proof,
        outside_reason: None,
        supersedes: None,
        service: None,
    }
}

async fn a_check_event_is_stored_once_however_often_it_arrives(store: &dyn Storage) {
    let p = place(store).await;
    let community = store.child_areas(Some(p.area)).await.expect("c")[0].id;
    let v = volunteers(store, community, 1).await;
    let s = shift(store, p.site, EIGHT, 3).await;
    let a = assignment_of(store.sign_up(s, v[0], false, 1).await.expect("sign up"));
    let key = "0193a4f2-7b1c-7def-8123-456789abcdef";
    let inside = Proof::Position(Verdict::Inside);
    let (first, stored) = store
        .record_check(&check(key, a, CheckKind::In, EIGHT, inside))
        .await
        .expect("first");
    assert!(stored);
    for _ in 0..3 {
        let (again, stored) = store
            .record_check(&check(key, a, CheckKind::In, EIGHT + 999, inside))
            .await
            .expect("again");
        assert!(!stored);
        assert_eq!(again, first, "the first event stands, time included");
    }
    assert_eq!(store.checks_of(a).await.expect("checks").len(), 1);
    store
        .explain_check(key, v[0], "在门口接应")
        .await
        .expect("explain");
    assert!(matches!(
        store
            .explain_check(key, VolunteerId(v[0].0 + 999), "别人的")
            .await,
        Err(StorageError::MissingReference)
    ));
    let mine = store.my_shifts(v[0], 0).await.expect("mine");
    let checked_in = mine[0].checked_in.clone().expect("checked in");
    assert_eq!(checked_in.proof, inside);
    assert_eq!(checked_in.outside_reason.as_deref(), Some("在门口接应"));
    assert!(mine[0].checked_out.is_none());
}

async fn confirmed_hours_reach_the_ledger_and_a_correction_is_a_row_of_its_own(
    store: &dyn Storage,
) {
    let p = place(store).await;
    let community = store.child_areas(Some(p.area)).await.expect("c")[0].id;
    let v = volunteers(store, community, 2).await;
    let s = shift(store, p.site, EIGHT, 3).await;
    let a = assignment_of(store.sign_up(s, v[0], false, 1).await.expect("sign up"));
    let outside = Proof::Position(Verdict::Outside);
    store
        .record_check(&check(
            "k-in-0000000000001",
            a,
            CheckKind::In,
            EIGHT,
            outside,
        ))
        .await
        .expect("in");
    store
        .record_check(&check(
            "k-out-000000000001",
            a,
            CheckKind::Out,
            EIGHT + 4 * HOUR_MS,
            Proof::Position(Verdict::Inside),
        ))
        .await
        .expect("out");
    assert!(store
        .open_service(a, 240, Some("outside"), 100)
        .await
        .expect("open"));
    assert!(!store.open_service(a, 999, None, 101).await.expect("twice"));
    let year = NaiveDate::from_ymd_opt(2026, 1, 1).expect("date");
    let summary = store.hours_summary(v[0], year).await.expect("summary");
    assert_eq!(
        (summary.credited_minutes, summary.pending_minutes),
        (0, 240)
    );
    let todo = store.services_to_decide(p.area).await.expect("to decide");
    assert_eq!(todo.len(), 1);
    assert_eq!(todo[0].minutes, 240);
    assert_eq!(todo[0].flagged.as_deref(), Some("outside"));
    assert_eq!(todo[0].volunteer_name, "队员0");
    assert_eq!(todo[0].checks.len(), 2);

    store
        .decide_service(
            a,
            &Decision::Dispute {
                reason: "未见到本人".into(),
            },
            Some(v[1]),
            200,
            &audit("decide_hours"),
        )
        .await
        .expect("dispute");
    assert_eq!(
        store.services_to_decide(p.area).await.expect("list")[0].state,
        ServiceState::Disputed
    );
    store
        .decide_service(
            a,
            &Decision::Confirm {
                minutes: 200,
                reason: Some("迟到 40 分钟".into()),
            },
            Some(v[1]),
            300,
            &audit("decide_hours"),
        )
        .await
        .expect("confirm");
    assert!(matches!(
        store
            .decide_service(
                a,
                &Decision::Confirm {
                    minutes: 240,
                    reason: None
                },
                Some(v[1]),
                400,
                &audit("decide_hours"),
            )
            .await,
        Err(StorageError::ChangedMeanwhile)
    ));
    let ledger = store.ledger_minutes(v[0]).await.expect("ledger");
    assert_eq!(ledger, vec![240, -40]);
    let summary = store.hours_summary(v[0], year).await.expect("summary");
    assert_eq!(
        (
            summary.credited_minutes,
            summary.pending_minutes,
            summary.this_year_minutes
        ),
        (200, 0, 200)
    );
    let history = store.hours_history(v[0], 10).await.expect("history");
    assert_eq!(history.len(), 2);
    assert!(history
        .iter()
        .all(|l| l.site_name == "山大路小学" && l.served_on == local_date(EIGHT).to_string()));
    assert!(history
        .iter()
        .any(|l| l.kind == "correction" && l.reason.as_deref() == Some("迟到 40 分钟")));
    let mine = store.my_shifts(v[0], 0).await.expect("mine");
    assert_eq!(mine[0].service, Some((240, ServiceState::Confirmed)));
    assert_eq!(mine[0].assignment.outcome, Some(domain::Outcome::Served));
    assert!(store
        .services_to_decide(p.area)
        .await
        .expect("list")
        .is_empty());
}

async fn the_sweeper_finds_forgotten_check_outs_no_shows_and_stale_claims(store: &dyn Storage) {
    let p = place(store).await;
    let community = store.child_areas(Some(p.area)).await.expect("c")[0].id;
    let v = volunteers(store, community, 3).await;
    let s = shift(store, p.site, EIGHT, 3).await;
    let forgot = assignment_of(store.sign_up(s, v[0], false, 1).await.expect("1"));
    let absent = assignment_of(store.sign_up(s, v[1], false, 2).await.expect("2"));
    let done = assignment_of(store.sign_up(s, v[2], false, 3).await.expect("3"));
    let inside = Proof::Position(Verdict::Inside);
    for (key, a) in [("forgot-in-00000001", forgot), ("done-in-0000000001", done)] {
        store
            .record_check(&check(key, a, CheckKind::In, EIGHT + 5 * MINUTE_MS, inside))
            .await
            .expect("in");
    }
    store
        .record_check(&check(
            "done-out-000000001",
            done,
            CheckKind::Out,
            EIGHT + 4 * HOUR_MS,
            inside,
        ))
        .await
        .expect("out");
    store
        .open_service(done, 235, None, 1_000)
        .await
        .expect("open");
    let end = EIGHT + 4 * HOUR_MS;
    assert!(store
        .forgotten_check_outs(end - 1)
        .await
        .expect("before the end")
        .is_empty());
    let forgotten = store.forgotten_check_outs(end + 1).await.expect("after");
    assert_eq!(forgotten.len(), 1);
    assert_eq!(forgotten[0].0, forgot);
    assert_eq!(forgotten[0].2, EIGHT + 5 * MINUTE_MS);
    assert_eq!(store.mark_no_shows(end + 1).await.expect("no-shows"), 1);
    assert_eq!(store.mark_no_shows(end + 1).await.expect("again"), 0);
    let absent = store
        .assignment(absent)
        .await
        .expect("read")
        .expect("exists");
    assert_eq!(absent.outcome, Some(domain::Outcome::NoShow));
    assert!(store
        .pending_services_before(1_000)
        .await
        .expect("none yet")
        .is_empty());
    assert_eq!(
        store.pending_services_before(1_001).await.expect("stale"),
        vec![(done, 235)]
    );
}

async fn a_track_is_kept_in_order_then_reduced_to_its_length_and_cells(store: &dyn Storage) {
    use domain::TrackPoint;
    let p = place(store).await;
    let community = store.child_areas(Some(p.area)).await.expect("c")[0].id;
    let v = volunteers(store, community, 1).await;
    let s = shift(store, p.site, EIGHT, 3).await;
    let a = assignment_of(store.sign_up(s, v[0], false, 1).await.expect("sign up"));
    let point = |i: i64| TrackPoint {
        at: EIGHT + i * MINUTE_MS,
        lat: 36.675 + i as f64 * 0.0005,
        lon: 117.058,
        accuracy_m: 8.0,
    };
    store
        .add_track_points(a, &[point(2), point(3)], 5_000)
        .await
        .expect("second batch first");
    store
        .add_track_points(a, &[point(0), point(1)], 5_000)
        .await
        .expect("first");
    let stored = store.track_points(a).await.expect("points");
    assert_eq!(
        stored,
        vec![point(0), point(1), point(2), point(3)],
        "in time order"
    );
    assert!(store
        .tracks_to_coarsen(EIGHT)
        .await
        .expect("none yet")
        .is_empty());
    let due = store
        .tracks_to_coarsen(EIGHT + 5 * HOUR_MS)
        .await
        .expect("after the shift");
    assert_eq!(due, vec![a]);
    store
        .coarsen_track(a, 166.8, &[(10, 20), (10, 21)], 99)
        .await
        .expect("coarsen");
    assert!(store.track_points(a).await.expect("points").is_empty());
    assert_eq!(
        store.track_summary(a).await.expect("summary"),
        Some((166.8, vec![(10, 20), (10, 21)]))
    );
    assert!(store
        .tracks_to_coarsen(EIGHT + 5 * HOUR_MS)
        .await
        .expect("done")
        .is_empty());
}
