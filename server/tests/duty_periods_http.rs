//! Duty periods over real HTTP: what the live page shows to whom.

mod common;

use common::app::{body_text, demo_person, log_in, send, server_fn, spawn_app};
use domain::duty_period::grid::{CellAt, CellNeed, SlotSet};
use domain::duty_period::period::{PeriodDraft, PeriodStatus};
use domain::duty_period::port::NewPeriod;

/// A team leader on duty in a street-wide period watches their own community's sites; the
/// street's coordinator watches them all.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_team_leader_watches_their_own_sites_and_the_coordinator_all_of_them() {
    let t = spawn_app().await;
    let leader = demo_person(&t, "13800000004").await;
    let path = t.store.area_path(leader.home_area_id).await.expect("path");
    let street = path.0[1];
    let sites = t.store.sites_in(street).await.expect("sites");
    let own = sites
        .iter()
        .find(|s| s.area_id == leader.home_area_id)
        .expect("a site in the leader's community");
    let other = sites
        .iter()
        .find(|s| s.area_id != leader.home_area_id)
        .expect("a site in another community of the street");
    let today = domain::duty::local_date(chrono::Utc::now().timestamp_millis());
    let id = t
        .store
        .create_period(
            &NewPeriod {
                area_id: street,
                draft: PeriodDraft::parse(
                    "在岗可见范围",
                    "2",
                    &today.to_string(),
                    &today.to_string(),
                    ["", "", ""],
                )
                .expect("draft"),
                slots: SlotSet::parse("00:00-12:00, 12:00-00:00").expect("slots"),
                sites: vec![own.id, other.id],
                copied_from: None,
                credit_bp: 15_000,
                created_by: leader.id,
                created_at: 1,
            },
            &common::audit("create_duty_period"),
        )
        .await
        .expect("period");
    let need = CellNeed {
        min: 1,
        target: 1,
        leaders: 0,
        skill: None,
    };
    let mut cells = Vec::new();
    for site in [own.id, other.id] {
        for slot in 0..2 {
            cells.push((CellAt { site, day: 0, slot }, need.clone()));
        }
    }
    t.store.set_cells(id, &cells).await.expect("cells");
    t.store
        .set_period_status(
            id,
            PeriodStatus::Draft,
            PeriodStatus::Published,
            1,
            &common::audit("p"),
        )
        .await
        .expect("published");
    t.store
        .publish_roster(id, leader.id, 2, &common::audit("out"))
        .await
        .expect("roster out");

    let live = |cookie: String| {
        let t = &t;
        async move {
            let res = send(
                t,
                server_fn(
                    "duty-periods/live",
                    format!("period={}", id.0),
                    false,
                    Some(&cookie),
                ),
            )
            .await;
            assert_eq!(res.status().as_u16(), 200);
            body_text(res).await
        }
    };
    let seen = live(log_in(&t, "13800000004").await).await;
    assert!(seen.contains(&own.name), "{seen}");
    assert!(
        !seen.contains(&other.name),
        "a leader sees only their own sites: {seen}"
    );
    let seen = live(log_in(&t, "13800000003").await).await;
    assert!(
        seen.contains(&own.name) && seen.contains(&other.name),
        "{seen}"
    );

    // And the leader's periods list offers the live page of this running period.
    let cookie = log_in(&t, "13800000004").await;
    let res = send(
        &t,
        server_fn("duty-periods/list", String::new(), false, Some(&cookie)),
    )
    .await;
    let body = body_text(res).await;
    assert!(
        body.contains(&format!("\"watchable\":[{}]", id.0)),
        "{body}"
    );
}

/// The demo's 国庆 period is alive at first start: yesterday's shifts were worked (turnout
/// counts them), and the key site is short today.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_period_has_turnout_from_yesterday() {
    let t = spawn_app().await;
    let district = t.store.child_areas(None).await.expect("roots")[0].id;
    let period = t
        .store
        .periods_in(district)
        .await
        .expect("periods")
        .into_iter()
        .find(|p| p.name.starts_with("国庆专项勤务"))
        .expect("the demo period");
    assert_eq!(period.status, PeriodStatus::Running);
    let cookie = log_in(&t, "13800000002").await;
    let res = send(
        &t,
        server_fn(
            "duty-periods/plan",
            format!("period={}", period.id.0),
            false,
            Some(&cookie),
        ),
    )
    .await;
    assert_eq!(res.status().as_u16(), 200);
    let plan: serde_json::Value = serde_json::from_str(&body_text(res).await).expect("json");
    let total = &plan["turnout"]["total"];
    assert!(total["came"].as_u64().unwrap_or(0) > 0, "{total}");
    assert!(total["min_met"].as_u64().unwrap_or(0) > 0, "{total}");
}
