//! Conformance suite, duty periods: a period with its slots, sites and cells; a copy to new
//! dates; asking the area for availability (a notice each, once); answers kept until the roster
//! is out; the draft roster (one cell per person and time, locked places kept); publishing as
//! shifts and assignments with a notice per person; and every status step taken once.

mod common;

use common::audit;
use domain::duty_period::grid::{CellAt, CellNeed, SlotSet};
use domain::duty_period::period::{PeriodDraft, PeriodStatus};
use domain::duty_period::port::{Availability, DutyPeriodId, NewPeriod, RosterEntry};
use domain::duty_period::roster::Answer;
use domain::notify::NoticeKind;
use domain::{SiteId, Storage, StorageError, VolunteerId};

conformance!(
    a_period_keeps_its_form_slots_sites_and_cells_and_a_copy_moves_them,
    publishing_asks_the_area_once_and_answers_close_with_the_roster,
    the_roster_is_replaced_around_locked_places_and_published_as_shifts,
);

fn draft(name: &str, starts: &str, ends: &str) -> PeriodDraft {
    PeriodDraft::parse(name, "2", starts, ends, ["街道办门口", "红马甲", ""]).expect("draft")
}

async fn period(
    store: &dyn Storage,
    name: &str,
) -> (DutyPeriodId, [domain::AreaId; 3], SiteId, VolunteerId) {
    let (areas, site) = common::school_site(store).await;
    let planner = common::volunteer(store, areas[2], 900).await;
    let id = store
        .create_period(
            &NewPeriod {
                area_id: areas[1],
                draft: draft(name, "2026-10-01", "2026-10-03"),
                slots: SlotSet::parse("07:00-11:00, 11:00-15:00").expect("slots"),
                sites: vec![site],
                copied_from: None,
                credit_bp: 15_000,
                created_by: planner,
                created_at: 1,
            },
            &audit("create_duty_period"),
        )
        .await
        .expect("period");
    (id, areas, site, planner)
}

fn need(min: u32, target: u32) -> CellNeed {
    CellNeed {
        min,
        target,
        leaders: 0,
        skill: None,
    }
}

async fn a_period_keeps_its_form_slots_sites_and_cells_and_a_copy_moves_them(store: &dyn Storage) {
    let (id, areas, site, planner) = period(store, "国庆 2025").await;
    let p = store.period(id).await.expect("read").expect("there");
    assert_eq!(p.draft.name, "国庆 2025");
    assert_eq!(p.draft.briefing.assembly, "街道办门口");
    assert_eq!(p.status, PeriodStatus::Draft);
    assert_eq!(p.slots.len(), 2);
    assert_eq!(p.sites.len(), 1);
    let at = |day, slot| CellAt { site, day, slot };
    store
        .set_cells(
            id,
            &[
                (at(0, 0), need(3, 4)),
                (at(1, 1), need(2, 2)),
                (at(2, 0), need(1, 1)),
            ],
        )
        .await
        .expect("cells");
    // A need of nothing removes the cell.
    store
        .set_cells(id, &[(at(2, 0), need(0, 0))])
        .await
        .expect("remove");
    let cells = store.cells(id).await.expect("cells");
    assert_eq!(cells.len(), 2);
    assert_eq!(cells[&at(0, 0)], need(3, 4));

    // The same name twice in one area is the name field's problem.
    let again = store
        .create_period(
            &NewPeriod {
                area_id: areas[1],
                draft: draft("国庆 2025", "2026-10-01", "2026-10-03"),
                slots: p.slots.clone(),
                sites: vec![site],
                copied_from: None,
                credit_bp: 15_000,
                created_by: planner,
                created_at: 2,
            },
            &audit("create_duty_period"),
        )
        .await;
    assert!(
        matches!(
            again,
            Err(StorageError::Constraint("duty_periods_area_name_key"))
        ),
        "{again:?}"
    );

    // 国庆 2025 → 国庆 2026: the cells come along on the same day numbers; a shorter copy
    // leaves the days it does not have.
    let copy = store
        .create_period(
            &NewPeriod {
                area_id: areas[1],
                draft: draft("国庆 2026", "2027-10-01", "2027-10-02"),
                slots: p.slots.clone(),
                sites: vec![site],
                copied_from: Some(id),
                credit_bp: 15_000,
                created_by: planner,
                created_at: 3,
            },
            &audit("create_duty_period"),
        )
        .await
        .expect("copy");
    let copied = store.cells(copy).await.expect("cells");
    assert_eq!(copied.len(), 2);
    assert_eq!(copied[&at(1, 1)], need(2, 2));
    assert_eq!(
        store
            .period(copy)
            .await
            .expect("read")
            .expect("there")
            .copied_from,
        Some(id)
    );

    let listed = store.periods_in(areas[0]).await.expect("list");
    assert_eq!(
        listed.iter().map(|l| l.name.as_str()).collect::<Vec<_>>(),
        ["国庆 2026", "国庆 2025"]
    );
    assert_eq!(listed[1].min_places, 5);
}

async fn publishing_asks_the_area_once_and_answers_close_with_the_roster(store: &dyn Storage) {
    let (id, areas, site, planner) = period(store, "两会").await;
    let people = [
        common::volunteer(store, areas[2], 1).await,
        common::volunteer(store, areas[2], 2).await,
    ];
    store
        .set_cells(
            id,
            &[(
                CellAt {
                    site,
                    day: 0,
                    slot: 0,
                },
                need(1, 2),
            )],
        )
        .await
        .expect("cells");
    // Nobody answers a draft.
    let answer = |who, answers: &str| Availability {
        volunteer: who,
        answers: Availability::decode(answers),
        most_slots: Some(3),
        answered_at: 5,
    };
    assert!(matches!(
        store
            .put_availability(id, &answer(people[0], "yyyyyy"))
            .await,
        Err(StorageError::ChangedMeanwhile)
    ));
    let told = store
        .set_period_status(
            id,
            PeriodStatus::Draft,
            PeriodStatus::Published,
            10,
            &audit("duty_period_published"),
        )
        .await
        .expect("publish");
    // Both volunteers and the planner live in the street.
    assert_eq!(told, 3);
    for who in people.iter().chain([&planner]) {
        let kinds: Vec<NoticeKind> = store
            .notifications(*who, 20, None, 10)
            .await
            .expect("list")
            .into_iter()
            .map(|l| l.notice.kind)
            .collect();
        assert_eq!(kinds, [NoticeKind::AvailabilityAsked]);
    }
    // A second press finds it published already.
    assert!(matches!(
        store
            .set_period_status(
                id,
                PeriodStatus::Draft,
                PeriodStatus::Published,
                11,
                &audit("x")
            )
            .await,
        Err(StorageError::ChangedMeanwhile)
    ));
    store
        .put_availability(id, &answer(people[0], "ynnnnm"))
        .await
        .expect("answer");
    store
        .put_availability(id, &answer(people[0], "yynnnm"))
        .await
        .expect("changed");
    store
        .put_availability(id, &answer(people[1], "mnnnnn"))
        .await
        .expect("answer");
    let mine = store
        .availability_of(id, people[0])
        .await
        .expect("read")
        .expect("there");
    assert_eq!(mine.answers[..2], [Answer::Yes, Answer::Yes]);
    assert_eq!(store.availability(id).await.expect("all").len(), 2);
    let rates = store.answer_rates(id).await.expect("rates");
    assert_eq!((rates[0].answered, rates[0].volunteers), (2, 3));
    let mine = store.periods_for(people[1]).await.expect("mine");
    assert_eq!(mine.len(), 1);

    store
        .publish_roster(id, planner, 30, &audit("publish_duty_roster"))
        .await
        .expect("out");
    assert!(matches!(
        store
            .put_availability(id, &answer(people[1], "yyyyyy"))
            .await,
        Err(StorageError::ChangedMeanwhile)
    ));
}

async fn the_roster_is_replaced_around_locked_places_and_published_as_shifts(store: &dyn Storage) {
    let (id, areas, site, planner) = period(store, "峰会").await;
    let people: Vec<VolunteerId> = {
        let mut v = Vec::new();
        for n in 1..=3 {
            v.push(common::volunteer(store, areas[2], n).await);
        }
        v
    };
    let at = |day, slot| CellAt { site, day, slot };
    store
        .set_cells(id, &[(at(0, 0), need(2, 3)), (at(0, 1), need(1, 1))])
        .await
        .expect("cells");
    store
        .set_period_status(
            id,
            PeriodStatus::Draft,
            PeriodStatus::Published,
            10,
            &audit("p"),
        )
        .await
        .expect("publish");
    let entry = |at, who, locked| RosterEntry {
        at,
        volunteer: who,
        as_leader: false,
        locked,
    };
    store
        .replace_roster(
            id,
            &[
                entry(at(0, 0), people[0], false),
                entry(at(0, 1), people[1], false),
            ],
        )
        .await
        .expect("draft");
    // By hand: people[2] into the first cell, locked; then generate again around it.
    store
        .place_on_roster(id, &entry(at(0, 0), people[2], true), None)
        .await
        .expect("placed");
    store
        .replace_roster(id, &[entry(at(0, 1), people[0], false)])
        .await
        .expect("again");
    let lines = store.roster(id).await.expect("roster");
    let placed: Vec<(CellAt, VolunteerId, bool)> = lines
        .iter()
        .map(|l| (l.entry.at, l.entry.volunteer, l.entry.locked))
        .collect();
    assert_eq!(
        placed,
        [(at(0, 0), people[2], true), (at(0, 1), people[0], false)]
    );
    // One cell per person and time: the key refuses a second one at that time.
    let twice = store
        .place_on_roster(id, &entry(at(0, 0), people[0], true), None)
        .await;
    assert!(twice.is_ok(), "different time: {twice:?}");
    let clash = store
        .place_on_roster(id, &entry(at(0, 0), people[2], true), None)
        .await;
    assert!(clash.is_err(), "the same person twice in a slot: {clash:?}");
    // Replacing takes the old person out.
    store
        .place_on_roster(id, &entry(at(0, 0), people[1], true), Some(people[0]))
        .await
        .expect("replace");
    store
        .remove_from_roster(id, at(0, 1), people[0])
        .await
        .expect("remove");
    assert!(matches!(
        store.remove_from_roster(id, at(0, 1), people[0]).await,
        Err(StorageError::MissingReference)
    ));

    let out = store
        .publish_roster(id, planner, 30, &audit("publish_duty_roster"))
        .await
        .expect("out");
    assert_eq!(out.shifts, 2);
    assert_eq!(out.assignments, 2);
    // First cell: target 3, two placed; second: target 1, nobody.
    assert_eq!(out.open_places, 2);
    assert_eq!(out.people_told, 2);
    let shifts = store
        .shifts_in(areas[0], 0, i64::MAX / 2)
        .await
        .expect("shifts");
    assert_eq!(shifts.len(), 2);
    assert_eq!(shifts[0].headcount, 3);
    assert!(shifts[0].notes.contains("峰会"));
    // 2026-10-01 07:00 China time.
    assert_eq!(shifts[0].window.starts_at, 1_790_809_200_000);
    assert_eq!(shifts[0].signed_up, 2);
    let running = store.period(id).await.expect("read").expect("there");
    assert_eq!(running.status, PeriodStatus::Running);
    let kinds: Vec<NoticeKind> = store
        .notifications(people[2], 40, None, 10)
        .await
        .expect("list")
        .into_iter()
        .map(|l| l.notice.kind)
        .collect();
    assert!(kinds.contains(&NoticeKind::RosterPlaced), "{kinds:?}");
    // Live, 20 minutes into the first slot: two placed at the first site, nobody in yet; one
    // checks in and is on site, the other is still missing, by name.
    let first = shifts[0].window.starts_at;
    let live = store
        .live_shifts(id, first + 20 * 60_000, 15 * 60_000)
        .await
        .expect("live");
    assert_eq!(live.len(), 1, "only the slot under way: {live:?}");
    assert_eq!((live[0].needed, live[0].placed, live[0].on_site), (2, 2, 0));
    assert_eq!(live[0].not_in.len(), 2);
    let theirs = store.my_shifts(people[1], 0).await.expect("mine");
    store
        .record_check(&domain::NewCheck {
            client_key: "live-check-in-0000000000".into(),
            assignment_id: theirs[0].assignment.id,
            kind: domain::CheckKind::In,
            made_at: first + 19 * 60_000,
            received_at: first + 19 * 60_000,
            position: None,
            proof: domain::Proof::Position(domain::Verdict::Inside),
            outside_reason: None,
            supersedes: None,
            service: None,
        })
        .await
        .expect("check in");
    let live = store
        .live_shifts(id, first + 20 * 60_000, 15 * 60_000)
        .await
        .expect("live");
    assert_eq!(live[0].on_site, 1);
    assert_eq!(
        live[0].not_in.iter().map(|p| p.0).collect::<Vec<_>>(),
        [people[2]]
    );
    // Before the period's first slot, the live view shows that slot, the next to begin.
    let ahead = store
        .live_shifts(id, first - 3_600_000, 0)
        .await
        .expect("live");
    assert_eq!(ahead.len(), 1);

    // Served: the hours go to the ledger and the duty credit beside them, at the multiplier the
    // period was made with (二级, ×1.5) — the hours themselves stay the time given.
    let mine = store.my_shifts(people[2], 0).await.expect("mine");
    let a = mine[0].assignment.id;
    store.open_service(a, 240, None, 40).await.expect("claim");
    store
        .decide_service(
            a,
            &domain::Decision::Confirm {
                minutes: 240,
                reason: None,
            },
            Some(planner),
            41,
            &audit("decide_hours"),
        )
        .await
        .expect("confirm");
    let year = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).expect("date");
    let summary = store.hours_summary(people[2], year).await.expect("summary");
    assert_eq!(summary.credited_minutes, 240);
    assert_eq!(summary.duty_credit_minutes, 360);
    // Someone's hours outside any period earn no credit.
    assert_eq!(
        store
            .hours_summary(planner, year)
            .await
            .expect("summary")
            .duty_credit_minutes,
        0
    );

    // Turnout: one came (at minute 19, past the 15-minute grace: late) to the first cell, whose
    // shift now has 240 credited minutes; the second cell's shift had no one.
    let cells = store.turnout(id, 15 * 60_000).await.expect("turnout");
    assert_eq!(cells.len(), 2);
    assert_eq!(
        (
            cells[0].placed,
            cells[0].came,
            cells[0].late,
            cells[0].minutes
        ),
        (2, 1, 1, 240)
    );
    let report = domain::duty_period::turnout::report(&cells);
    assert_eq!((report.total.min_places, report.total.min_met), (3, 1));

    // Published once: a second press changes nothing.
    assert!(matches!(
        store
            .publish_roster(id, planner, 31, &audit("publish_duty_roster"))
            .await,
        Err(StorageError::ChangedMeanwhile)
    ));
}
