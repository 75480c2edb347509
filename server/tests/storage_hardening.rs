//! Conformance suite, hardening part (issue #10), on both databases: rate limits counted in
//! one atomic step, one check-in and one check-out in force per assignment, a check-out that
//! always carries its hours, the clock never overriding a leader, passwords and sessions,
//! revocable leadership, capped tracks and literal searches.

mod common;

use common::audit;
use domain::duty::{HOUR_MS, MINUTE_MS};
use domain::{
    AreaId, AssignmentId, CheckKind, Decision, NewCheck, NewShift, Proof, RateLimit, ServiceClaim,
    ServiceState, SessionRecord, ShiftWindow, SignUpOutcome, Storage, StorageError, TeamId,
    Verdict, VolunteerFilter, VolunteerId,
};

conformance!(
    a_rate_limit_counts_and_refuses_in_one_step,
    parallel_hits_never_pass_a_limit_together,
    a_refused_hit_counts_nothing_on_any_key,
    two_keys_for_one_check_in_store_one,
    two_phones_checking_in_at_once_store_one,
    a_check_in_made_again_retires_the_first_and_one_stays_in_force,
    a_check_out_opens_its_hours_in_the_same_transaction,
    check_outs_stored_without_hours_are_found_for_the_sweeper,
    the_clock_never_confirms_hours_a_leader_disputed,
    a_changed_password_ends_every_other_session,
    an_admin_reset_makes_the_password_temporary,
    revoking_a_leader_takes_the_grant_unless_they_lead_another_team,
    adding_a_leader_as_a_member_does_not_demote_them,
    a_track_skips_repeated_moments_and_stops_at_its_cap,
    expired_and_idle_sessions_are_pruned,
);

conformance_raw!(
    a_missing_accuracy_is_stored_as_null,
    volunteer_search_takes_wildcards_literally_and_phones_by_four_digits,
    old_check_in_positions_are_coarsened_once,
);

/// 2026-11-25 08:00 China time.
const EIGHT: i64 = 1_795_536_000_000 + 8 * HOUR_MS;

fn limit(key: &str, limit: u32) -> RateLimit {
    RateLimit {
        key_hash: key.into(),
        limit,
        window_ms: 1_000,
    }
}

struct Duty {
    community: AreaId,
    volunteers: Vec<VolunteerId>,
    assignment: AssignmentId,
}

/// A community with a site, three volunteers and the first one signed up for a 08:00–12:00
/// shift.
async fn duty(store: &dyn Storage) -> Duty {
    let ([_, _, community], site) = common::school_site(store).await;
    let mut volunteers = Vec::new();
    for n in 0..3 {
        volunteers.push(common::volunteer(store, community, n).await);
    }
    let shift = store
        .insert_shifts(
            &[NewShift {
                site_id: site,
                window: ShiftWindow::new(EIGHT, EIGHT + 4 * HOUR_MS).expect("window"),
                headcount: 3,
                leaders_needed: 0,
                notes: String::new(),
                created_by: None,
                created_at: 1,
            }],
            &audit("create_shifts"),
        )
        .await
        .expect("shift")[0];
    let assignment = match store
        .sign_up(shift, volunteers[0], false, 1)
        .await
        .expect("sign up")
    {
        SignUpOutcome::SignedUp(a) | SignUpOutcome::Waitlisted(a) => a,
    };
    Duty {
        community,
        volunteers,
        assignment,
    }
}

fn check(key: &str, a: AssignmentId, kind: CheckKind, made_at: i64) -> NewCheck {
    NewCheck {
        client_key: key.into(),
        assignment_id: a,
        kind,
        made_at,
        received_at: made_at + 5,
        position: Some((36.675, 117.058, Some(12.0))),
        proof: Proof::Position(Verdict::Inside),
        outside_reason: None,
        supersedes: None,
        service: None,
    }
}

async fn a_rate_limit_counts_and_refuses_in_one_step(store: &dyn Storage) {
    for n in 1..=3 {
        let hits = store
            .rate_limit_take(&[limit("k", 3)], 10)
            .await
            .expect("take")
            .expect("under the limit");
        assert_eq!(hits, vec![n]);
    }
    assert_eq!(
        store
            .rate_limit_take(&[limit("k", 3)], 20)
            .await
            .expect("take"),
        Err(1_010),
        "refused until the window that began at 10 is over"
    );
    // A success given back makes room for one more.
    store.rate_limit_forgive("k", false).await.expect("forgive");
    assert_eq!(
        store
            .rate_limit_take(&[limit("k", 3)], 30)
            .await
            .expect("take"),
        Ok(vec![3])
    );
    // The window over, the count starts again.
    assert_eq!(
        store
            .rate_limit_take(&[limit("k", 3)], 1_011)
            .await
            .expect("take"),
        Ok(vec![1])
    );
    // A block refuses even under the count, until it passes.
    store.rate_limit_block("k", 5_000).await.expect("block");
    assert_eq!(
        store
            .rate_limit_take(&[limit("k", 3)], 1_100)
            .await
            .expect("take"),
        Err(5_000)
    );
    assert!(store
        .rate_limit_take(&[limit("k", 3)], 5_000)
        .await
        .expect("take")
        .is_ok());
    // Forgetting a key clears it; pruning drops old windows whose block has passed.
    store.rate_limit_forgive("k", true).await.expect("forget");
    assert_eq!(
        store
            .rate_limit_take(&[limit("k", 3)], 5_001)
            .await
            .expect("take"),
        Ok(vec![1])
    );
    store
        .rate_limit_take(&[limit("old", 3)], 1)
        .await
        .expect("take")
        .expect("ok");
    assert_eq!(store.prune_rate_limits(100, 6_000).await.expect("prune"), 1);
}

async fn parallel_hits_never_pass_a_limit_together(store: &dyn Storage) {
    let burst = [limit("burst", 5)];
    let attempts = (0..20).map(|_| store.rate_limit_take(&burst, 10));
    let results = futures::future::join_all(attempts).await;
    let passed = results
        .into_iter()
        .map(|r| r.expect("take"))
        .filter(Result::is_ok)
        .count();
    assert_eq!(passed, 5, "exactly the limit passes a parallel burst");
}

async fn a_refused_hit_counts_nothing_on_any_key(store: &dyn Storage) {
    // "pair" is full; a hit on (other, pair) is refused and "other" must not be counted.
    for _ in 0..2 {
        store
            .rate_limit_take(&[limit("pair", 2)], 10)
            .await
            .expect("take")
            .expect("ok");
    }
    for _ in 0..5 {
        assert!(store
            .rate_limit_take(&[limit("other", 3), limit("pair", 2)], 10)
            .await
            .expect("take")
            .is_err());
    }
    assert_eq!(
        store
            .rate_limit_take(&[limit("other", 3)], 10)
            .await
            .expect("take"),
        Ok(vec![1])
    );
}

async fn two_keys_for_one_check_in_store_one(store: &dyn Storage) {
    let d = duty(store).await;
    let a = d.assignment;
    let (first, stored) = store
        .record_check(&check("phone-a-00000000001", a, CheckKind::In, EIGHT))
        .await
        .expect("first");
    assert!(stored);
    let (second, stored) = store
        .record_check(&check(
            "phone-b-00000000001",
            a,
            CheckKind::In,
            EIGHT + 60_000,
        ))
        .await
        .expect("second phone");
    assert!(!stored, "the database refuses a second check-in in force");
    assert_eq!(second, first, "the answer is the check-in that stands");
    // Both in one batch (the writer's group commit) too.
    let out = store
        .record_checks(&[
            check("phone-a-00000000002", a, CheckKind::Out, EIGHT + HOUR_MS),
            check(
                "phone-b-00000000002",
                a,
                CheckKind::Out,
                EIGHT + HOUR_MS + 1,
            ),
        ])
        .await
        .expect("batch");
    assert!(out[0].1 && !out[1].1);
    assert_eq!(out[1].0, out[0].0);
    assert_eq!(store.checks_of(a).await.expect("checks").len(), 2);
}

async fn a_check_in_made_again_retires_the_first_and_one_stays_in_force(store: &dyn Storage) {
    let d = duty(store).await;
    let a = d.assignment;
    let outside = NewCheck {
        proof: Proof::Position(Verdict::Outside),
        ..check("early-000000000001", a, CheckKind::In, EIGHT)
    };
    let (first, _) = store.record_check(&outside).await.expect("first");
    // Two phones (or two presses) make it again at once, in one batch: one replaces the first,
    // the other is answered with it.
    let again = |key: &str, at: i64| NewCheck {
        supersedes: Some(first.id),
        ..check(key, a, CheckKind::In, at)
    };
    let out = store
        .record_checks(&[
            again("onsite-00000000001", EIGHT + 60_000),
            again("onsite-00000000002", EIGHT + 61_000),
        ])
        .await
        .expect("batch");
    assert!(out[0].1 && !out[1].1, "{out:?}");
    assert_eq!(out[1].0, out[0].0);
    let checks = store.checks_of(a).await.expect("checks");
    assert_eq!(checks.len(), 2);
    let in_force: Vec<_> = checks.iter().filter(|c| c.in_force()).collect();
    assert_eq!(in_force.len(), 1);
    assert_eq!(in_force[0].client_key, "onsite-00000000001");
    assert_eq!(
        checks
            .iter()
            .find(|c| c.id == first.id)
            .and_then(|c| c.superseded_at),
        Some(EIGHT + 60_005)
    );
    // An inside check-in is never retired, even when asked: the one in force stands.
    let (stands, stored) = store
        .record_check(&NewCheck {
            supersedes: Some(out[0].0.id),
            ..check("onsite-00000000003", a, CheckKind::In, EIGHT + 90_000)
        })
        .await
        .expect("third");
    assert!(!stored);
    assert_eq!(stands.client_key, "onsite-00000000001");
    assert!(store
        .checks_of(a)
        .await
        .expect("checks")
        .iter()
        .all(|c| c.id == first.id || c.in_force()));
    // The sweeper's forgotten check-out counts from the check-in in force.
    let forgotten = store
        .forgotten_check_outs(EIGHT + 5 * HOUR_MS)
        .await
        .expect("forgotten");
    let (_, _, from) = forgotten.iter().find(|(id, ..)| *id == a).expect("listed");
    assert_eq!(*from, EIGHT + 60_000);
}

async fn two_phones_checking_in_at_once_store_one(store: &dyn Storage) {
    let d = duty(store).await;
    let a = d.assignment;
    let one = check("race-a-000000000001", a, CheckKind::In, EIGHT);
    let two = check("race-b-000000000001", a, CheckKind::In, EIGHT + 1);
    let (x, y) = tokio::join!(store.record_check(&one), store.record_check(&two));
    let (x, y) = (x.expect("one"), y.expect("two"));
    assert_eq!(
        u8::from(x.1) + u8::from(y.1),
        1,
        "exactly one of two racing check-ins is stored"
    );
    assert_eq!(x.0, y.0, "both phones are told of the same check-in");
    assert_eq!(store.checks_of(a).await.expect("checks").len(), 1);
}

async fn a_check_out_opens_its_hours_in_the_same_transaction(store: &dyn Storage) {
    let d = duty(store).await;
    let a = d.assignment;
    store
        .record_check(&check("hours-in-0000000001", a, CheckKind::In, EIGHT))
        .await
        .expect("in");
    let mut out = check(
        "hours-out-000000001",
        a,
        CheckKind::Out,
        EIGHT + 3 * HOUR_MS,
    );
    out.service = Some(ServiceClaim {
        minutes: 180,
        flagged: Some("outside"),
    });
    let (_, stored) = store.record_check(&out).await.expect("out");
    assert!(stored);
    let service = store.service_of(a).await.expect("service").expect("opened");
    assert_eq!(service.0, 180);
    assert_eq!(service.1, ServiceState::Pending);
    // The retry of the same check-out stores nothing more and changes no hours.
    out.service = Some(ServiceClaim {
        minutes: 999,
        flagged: None,
    });
    let (_, stored) = store.record_check(&out).await.expect("retry");
    assert!(!stored);
    assert_eq!(
        store
            .service_of(a)
            .await
            .expect("service")
            .expect("still")
            .0,
        180
    );
    assert!(store
        .check_outs_without_hours()
        .await
        .expect("lost")
        .is_empty());
}

async fn check_outs_stored_without_hours_are_found_for_the_sweeper(store: &dyn Storage) {
    let d = duty(store).await;
    let a = d.assignment;
    store
        .record_check(&check("lost-in-00000000001", a, CheckKind::In, EIGHT))
        .await
        .expect("in");
    store
        .record_check(&check(
            "lost-out-0000000001",
            a,
            CheckKind::Out,
            EIGHT + HOUR_MS,
        ))
        .await
        .expect("out without hours, as before the fix");
    let lost = store.check_outs_without_hours().await.expect("lost");
    assert_eq!(lost.len(), 1);
    assert_eq!(lost[0].assignment_id, a);
    assert_eq!(lost[0].check_in.made_at, EIGHT);
    assert_eq!(lost[0].check_out.made_at, EIGHT + HOUR_MS);
    assert_eq!(lost[0].window.starts_at, EIGHT);
    assert!(store.open_service(a, 60, None, 1).await.expect("open"));
    assert!(store
        .check_outs_without_hours()
        .await
        .expect("lost")
        .is_empty());
}

async fn the_clock_never_confirms_hours_a_leader_disputed(store: &dyn Storage) {
    let d = duty(store).await;
    let a = d.assignment;
    store.open_service(a, 120, None, 1).await.expect("open");
    let leader = d.volunteers[2];
    store
        .decide_service(
            a,
            &Decision::Dispute {
                reason: "没有到岗".into(),
            },
            Some(leader),
            2,
            &audit("decide_hours"),
        )
        .await
        .expect("dispute");
    let automatic = store
        .decide_service(
            a,
            &Decision::Confirm {
                minutes: 120,
                reason: None,
            },
            None,
            3,
            &audit("auto_confirm_hours"),
        )
        .await;
    assert!(matches!(automatic, Err(StorageError::ChangedMeanwhile)));
    assert_eq!(
        store.service_of(a).await.expect("service").expect("s").1,
        ServiceState::Disputed
    );
    let hours = store
        .hours_summary(
            d.volunteers[0],
            chrono::NaiveDate::from_ymd_opt(2026, 1, 1).expect("d"),
        )
        .await
        .expect("summary");
    assert_eq!(hours.credited_minutes, 0, "no credit from the clock");
    // The leader may still change their mind.
    store
        .decide_service(
            a,
            &Decision::Confirm {
                minutes: 120,
                reason: Some("补签".into()),
            },
            Some(leader),
            4,
            &audit("decide_hours"),
        )
        .await
        .expect("leader confirms");
}

fn session(token: &str, who: VolunteerId, last_seen: i64, expires: i64) -> SessionRecord {
    SessionRecord {
        token_hash: token.into(),
        volunteer_id: who,
        created_at_ms: 1,
        last_seen_at_ms: last_seen,
        expires_at_ms: expires,
    }
}

async fn a_changed_password_ends_every_other_session(store: &dyn Storage) {
    let d = duty(store).await;
    let me = d.volunteers[0];
    let other = d.volunteers[1];
    for (token, who) in [
        ("here", me),
        ("phone", me),
        ("tablet", me),
        ("theirs", other),
    ] {
        store
            .insert_session(&session(token, who, 1, i64::MAX / 2))
            .await
            .expect("session");
    }
    let ended = store
        .change_password(me, "$argon2id$new", "here", 5, &audit("change_password"))
        .await
        .expect("change");
    assert_eq!(ended, 2);
    assert!(store.session("here").await.expect("s").is_some());
    assert!(store.session("phone").await.expect("s").is_none());
    assert!(store.session("theirs").await.expect("s").is_some());
    let v = store.volunteer(me).await.expect("v").expect("exists");
    assert!(!v.password_temporary);
}

async fn an_admin_reset_makes_the_password_temporary(store: &dyn Storage) {
    let d = duty(store).await;
    let me = d.volunteers[0];
    store
        .reset_password(me, "$argon2id$temp", 5, &audit("reset_password"))
        .await
        .expect("reset");
    let v = store.volunteer(me).await.expect("v").expect("exists");
    assert!(v.password_temporary);
    let login = store
        .login_record(&v.phone)
        .await
        .expect("l")
        .expect("exists");
    assert!(login.password_temporary);
    store
        .change_password(me, "$argon2id$mine", "none", 6, &audit("change_password"))
        .await
        .expect("change");
    let login = store
        .login_record(&v.phone)
        .await
        .expect("l")
        .expect("exists");
    assert!(!login.password_temporary);
    assert_eq!(login.password_hash.as_deref(), Some("$argon2id$mine"));
}

async fn team(store: &dyn Storage, area: AreaId, name: &str) -> TeamId {
    store
        .insert_team(area, name, 1, &audit("create_team"))
        .await
        .expect("team")
}

async fn revoking_a_leader_takes_the_grant_unless_they_lead_another_team(store: &dyn Storage) {
    let d = duty(store).await;
    let leader = d.volunteers[0];
    let first = team(store, d.community, "一队").await;
    let second = team(store, d.community, "二队").await;
    for t in [first, second] {
        store
            .put_team_member(t, leader, true, 2, &audit("make_leader"))
            .await
            .expect("lead");
    }
    let is_leader = |grants: Vec<domain::RoleGrant>| {
        grants
            .iter()
            .any(|g| g.role == domain::Role::TeamLeader && g.area_id == d.community)
    };
    assert!(is_leader(store.grants(leader).await.expect("grants")));
    store
        .revoke_team_leader(first, leader, &audit("revoke_leader"))
        .await
        .expect("revoke one");
    assert!(
        is_leader(store.grants(leader).await.expect("grants")),
        "still leads the second team"
    );
    store
        .revoke_team_leader(second, leader, &audit("revoke_leader"))
        .await
        .expect("revoke two");
    assert!(!is_leader(store.grants(leader).await.expect("grants")));
    let members = store.team_members(second).await.expect("members");
    assert_eq!(members.len(), 1, "the person stays on the team");
    assert!(!members[0].1);
}

async fn adding_a_leader_as_a_member_does_not_demote_them(store: &dyn Storage) {
    let d = duty(store).await;
    let t = team(store, d.community, "一队").await;
    let leader = d.volunteers[0];
    store
        .put_team_member(t, leader, true, 2, &audit("make_leader"))
        .await
        .expect("lead");
    store
        .put_team_member(t, leader, false, 3, &audit("add_member"))
        .await
        .expect("add again");
    let members = store.team_members(t).await.expect("members");
    assert!(members[0].1, "still the leader");
}

async fn a_track_skips_repeated_moments_and_stops_at_its_cap(store: &dyn Storage) {
    let d = duty(store).await;
    let point = |i: i64| domain::TrackPoint {
        at: EIGHT + i * MINUTE_MS,
        lat: 36.675 + i as f64 * 0.0001,
        lon: 117.058,
        accuracy_m: 8.0,
    };
    let batch: Vec<_> = (0..4).map(point).collect();
    assert_eq!(
        store
            .add_track_points(d.assignment, &batch, 6)
            .await
            .expect("add"),
        4
    );
    assert_eq!(
        store
            .add_track_points(d.assignment, &batch, 6)
            .await
            .expect("again"),
        0,
        "a batch sent twice is stored once"
    );
    let more: Vec<_> = (4..10).map(point).collect();
    assert_eq!(
        store
            .add_track_points(d.assignment, &more, 6)
            .await
            .expect("more"),
        2,
        "only up to the cap"
    );
    assert_eq!(
        store
            .track_points(d.assignment)
            .await
            .expect("points")
            .len(),
        6
    );
}

async fn expired_and_idle_sessions_are_pruned(store: &dyn Storage) {
    let d = duty(store).await;
    let me = d.volunteers[0];
    store
        .insert_session(&session("expired", me, 900, 1_000))
        .await
        .expect("s");
    store
        .insert_session(&session("idle", me, 10, 10_000))
        .await
        .expect("s");
    store
        .insert_session(&session("fresh", me, 900, 10_000))
        .await
        .expect("s");
    assert_eq!(
        store
            .delete_expired_sessions(1_000, 500)
            .await
            .expect("prune"),
        2
    );
    assert!(store.session("fresh").await.expect("s").is_some());
}

async fn a_missing_accuracy_is_stored_as_null(db: &common::TestDb) {
    let store = db.store.as_ref();
    let d = duty(store).await;
    let mut no_accuracy = check("no-accuracy-0000001", d.assignment, CheckKind::In, EIGHT);
    no_accuracy.position = Some((36.675, 117.058, None));
    store.record_check(&no_accuracy).await.expect("in");
    let nulls = db
        .execute("UPDATE check_events SET kind = kind WHERE accuracy_m IS NULL AND lat IS NOT NULL")
        .await
        .expect("count");
    assert_eq!(nulls, 1, "NULL, not NaN, on both databases");
}

async fn volunteer_search_takes_wildcards_literally_and_phones_by_four_digits(db: &common::TestDb) {
    let store = db.store.as_ref();
    let d = duty(store).await;
    let find = |search: &str| VolunteerFilter {
        within: d.community,
        status: None,
        search: Some(search.into()),
        offset: 0,
        limit: 50,
    };
    // 队员0..2 with mobiles 13700000000..13700000002.
    assert_eq!(
        store.volunteers_in(&find("队员")).await.expect("l").total,
        3
    );
    assert_eq!(
        store.volunteers_in(&find("%")).await.expect("l").total,
        0,
        "a % is a character, not everything"
    );
    assert_eq!(store.volunteers_in(&find("_员")).await.expect("l").total, 0);
    assert_eq!(
        store.volunteers_in(&find("0001")).await.expect("l").total,
        1,
        "the last four digits find the person"
    );
    for probe in ["00001", "700000001", "13700000001", "001"] {
        assert_eq!(
            store.volunteers_in(&find(probe)).await.expect("l").total,
            0,
            "{probe}: a number is never matched by more or fewer than its last four digits"
        );
    }
}

async fn old_check_in_positions_are_coarsened_once(db: &common::TestDb) {
    let store = db.store.as_ref();
    let d = duty(store).await;
    let mut fine = check("fine-position-00001", d.assignment, CheckKind::In, EIGHT);
    fine.position = Some((36.675_432, 117.058_765, Some(8.0)));
    store.record_check(&fine).await.expect("in");
    assert_eq!(
        store.coarsen_check_positions(EIGHT).await.expect("not yet"),
        0
    );
    assert_eq!(
        store
            .coarsen_check_positions(EIGHT + 1)
            .await
            .expect("coarsen"),
        1
    );
    assert_eq!(
        store
            .coarsen_check_positions(EIGHT + 1)
            .await
            .expect("again"),
        0,
        "once"
    );
    let coarse = db
        .execute("UPDATE check_events SET kind = kind WHERE lat BETWEEN 36.6749 AND 36.6751 AND lon BETWEEN 117.0589 AND 117.0591 AND accuracy_m IS NULL")
        .await
        .expect("count");
    assert_eq!(coarse, 1, "36.675, 117.059: about 100 m");
}
