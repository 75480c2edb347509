//! A 国庆 duty period under way: 千佛山街道's sites in four slots a day from yesterday to five
//! days ahead, its volunteers' answers, and the roster generated and published the way a
//! coordinator would — with one evening cell at 千佛山医院东门 asking for more than answered,
//! so the plan shows a gap and why — and the check-ins made so far, one person missing at the
//! key site, so the live page is alive at first start.

use domain::duty_period::grid::{CellAt, CellNeed, SlotSet};
use domain::duty_period::period::{PeriodDraft, PeriodStatus};
use domain::duty_period::port::{Availability, NewPeriod};
use domain::duty_period::roster::Answer;
use domain::{AuditEntry, Storage, StorageError};

const STREET: &str = "千佛山街道";
/// Its key site: more people, and a leader in every slot.
const KEY_SITE: &str = "千佛山医院东门";

fn note(action: &str, now: i64) -> AuditEntry {
    AuditEntry {
        at_ms: now,
        actor_id: None,
        action: action.into(),
        entity: "duty_period".into(),
        entity_id: None,
        area_id: None,
        before: None,
        after: None,
    }
}

pub(super) async fn demo_duty_period(store: &dyn Storage) -> Result<(), StorageError> {
    use domain::duty::local_date;
    let now = chrono::Utc::now().timestamp_millis();
    let today = local_date(now);
    let district = store.child_areas(None).await?;
    let Some(district) = district.first() else {
        return Ok(());
    };
    let Some(street) = store
        .child_areas(Some(district.id))
        .await?
        .into_iter()
        .find(|a| a.name.as_str() == STREET)
    else {
        return Ok(());
    };
    let sites = store.sites_in(street.id).await?;
    // The seeded people without a login: the demo logins' own duty stays theirs to plan.
    let people: Vec<_> = store
        .volunteers_in(&domain::VolunteerFilter {
            within: street.id,
            status: Some(domain::VolunteerStatus::Registered),
            search: None,
            offset: 0,
            limit: 1000,
        })
        .await?
        .items
        .into_iter()
        .filter(|v| !v.phone.as_str().starts_with("1380000"))
        .collect();
    let Some(planner) = people.first().map(|v| v.id) else {
        return Ok(());
    };
    let starts_on = today - chrono::Days::new(1);
    let ends_on = today + chrono::Days::new(5);
    let draft = PeriodDraft::parse(
        &format!("国庆专项勤务 {}", today.format("%Y")),
        "2",
        &starts_on.to_string(),
        &ends_on.to_string(),
        [
            "千佛山街道办事处门口，提前 15 分钟",
            "红马甲、袖标、工作证",
            "遇可疑情况先报告，不单独处置",
        ],
    )
    .map_err(|_| StorageError::Backend("demo period form".into()))?;
    let slots = SlotSet::parse("07:00-11:00, 11:00-15:00, 15:00-19:00, 19:00-23:00")
        .map_err(|_| StorageError::Backend("demo slots".into()))?;
    let days = draft.days();
    let id = store
        .create_period(
            &NewPeriod {
                area_id: street.id,
                draft,
                slots: slots.clone(),
                sites: sites.iter().map(|s| s.id).collect(),
                copied_from: None,
                credit_bp: domain::duty_period::credit::CreditRules::default()
                    .multiplier_bp(domain::duty_period::period::DutyLevel::Second),
                created_by: planner,
                created_at: now,
            },
            &note("seed_duty_period", now),
        )
        .await?;
    let mut cells = Vec::new();
    for site in &sites {
        let key = site.name == KEY_SITE;
        for day in 0..days {
            for slot in 0..slots.len() as u16 {
                let need = if key && slot == 3 && day == 1 {
                    // Today's evening at the key site: more than anyone can give.
                    CellNeed {
                        min: 60,
                        target: 60,
                        leaders: 1,
                        skill: None,
                    }
                } else if key {
                    CellNeed {
                        min: 3,
                        target: 4,
                        leaders: 1,
                        skill: None,
                    }
                } else {
                    CellNeed {
                        min: 2,
                        target: 3,
                        leaders: 0,
                        skill: None,
                    }
                };
                cells.push((
                    CellAt {
                        site: site.id,
                        day,
                        slot,
                    },
                    need,
                ));
            }
        }
    }
    store.set_cells(id, &cells).await?;
    store
        .set_period_status(
            id,
            PeriodStatus::Draft,
            PeriodStatus::Published,
            now,
            &note("seed_publish", now),
        )
        .await?;
    // Answers: most can come on most slots, some say maybe, a few cap their slots.
    let per_person = usize::from(days) * slots.len();
    for (n, v) in people.iter().enumerate() {
        let answers = (0..per_person)
            .map(|i| match (n + i * 7) % 10 {
                0..=5 => Answer::Yes,
                6 | 7 => Answer::Maybe,
                _ => Answer::No,
            })
            .collect();
        store
            .put_availability(
                id,
                &Availability {
                    volunteer: v.id,
                    answers,
                    most_slots: (n % 4 == 0).then_some(4),
                    answered_at: now,
                },
            )
            .await?;
    }
    let period = store
        .period(id)
        .await?
        .ok_or(StorageError::MissingReference)?;
    app::duty_periods::service::generate_roster(store, &period, &domain::FatigueRules::default())
        .await?;
    store
        .publish_roster(id, planner, now, &note("seed_publish_roster", now))
        .await?;
    check_ins(store, street.id, now).await
}

/// What phones would have sent by now: on the period's shifts already over, everyone came and
/// left (their hours pending for the leader); on those under way, everyone is in but at the
/// key site, where one of them is missing — so the live page shows a gap at first start.
async fn check_ins(
    store: &dyn Storage,
    street: domain::AreaId,
    now: i64,
) -> Result<(), StorageError> {
    use domain::{CheckKind, NewCheck, Proof, ServiceClaim, Verdict};
    let start = now - 2 * domain::duty::DAY_MS;
    for shift in store.shifts_in(street, start, now).await? {
        if shift.notes.is_empty() || !shift.notes.starts_with("国庆专项勤务") {
            continue;
        }
        let over = shift.window.ends_at <= now;
        let key_site = shift.site_name == KEY_SITE;
        let people = store.shift_people(shift.id).await?;
        for (n, person) in people.iter().enumerate() {
            if !over && key_site && n == 0 {
                continue;
            }
            let a = person.assignment.id;
            let mut events = vec![(
                CheckKind::In,
                shift.window.starts_at + 3 * domain::duty::MINUTE_MS,
                None,
            )];
            if over {
                let minutes = shift.window.minutes().saturating_sub(5);
                events.push((
                    CheckKind::Out,
                    shift.window.ends_at - 2 * domain::duty::MINUTE_MS,
                    Some(ServiceClaim {
                        minutes,
                        flagged: None,
                    }),
                ));
            }
            for (kind, at, service) in events {
                store
                    .record_check(&NewCheck {
                        client_key: format!("seed-{}-{}", a.0, kind.as_str()),
                        assignment_id: a,
                        kind,
                        made_at: at,
                        received_at: at,
                        position: None,
                        proof: Proof::Position(Verdict::Inside),
                        outside_reason: None,
                        supersedes: None,
                        service,
                    })
                    .await?;
            }
        }
    }
    Ok(())
}
