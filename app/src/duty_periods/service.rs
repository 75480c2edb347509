//! Generating a period's roster: what storage knows (cells, people, answers, other shifts,
//! places locked by hand) turned into the generator's input, its answer checked once more
//! against the exact fatigue rules, and stored as the draft.

use domain::duty::shift::ShiftWindow;
use domain::duty::{local_ms, DAY_MS, MINUTE_MS};
use domain::duty_period::grid::{CellAt, CellNeed};
use domain::duty_period::port::{DutyPeriod, RosterEntry};
use domain::duty_period::roster::{
    generate, Answer, Candidate, CellDemand, Placement, RosterInput, Shortfall,
};
use domain::{AreaId, FatigueRules, Storage, StorageError, VolunteerId};
use std::collections::{BTreeMap, HashMap};

/// What a generation did, for the leader.
#[derive(Debug, Clone, PartialEq)]
pub struct Generated {
    pub placed: u32,
    /// Cells still below their minimum, with why.
    pub short: Vec<(CellAt, Shortfall)>,
    /// Placements the exact fatigue check took back (a night slot next to the next day's).
    pub dropped: u32,
}

/// The window of `slot` on day `day` of the period.
pub fn slot_window(period: &DutyPeriod, day: u16, slot: u16) -> Option<ShiftWindow> {
    let s = period.slots.slots().get(usize::from(slot))?;
    let date = period
        .draft
        .starts_on
        .checked_add_days(chrono::Days::new(u64::from(day)))?;
    let start = local_ms(date, 0) + i64::from(s.start) * MINUTE_MS;
    ShiftWindow::new(start, start + i64::from(s.minutes()) * MINUTE_MS)
}

/// Generates the roster for the unlocked places and stores it as the draft.
pub async fn generate_roster(
    store: &dyn Storage,
    period: &DutyPeriod,
    fatigue: &FatigueRules,
) -> Result<Generated, StorageError> {
    let id = period.id;
    let days = period.draft.days();
    let slots = period.slots.len() as u16;
    let cells = store.cells(id).await?;
    let people = store.period_people(id).await?;
    let answers: HashMap<VolunteerId, _> = store
        .availability(id)
        .await?
        .into_iter()
        .map(|a| (a.volunteer, a))
        .collect();
    let locked: Vec<RosterEntry> = store
        .roster(id)
        .await?
        .into_iter()
        .map(|l| l.entry)
        .filter(|e| e.locked)
        .collect();
    let from = local_ms(period.draft.starts_on, 0) - DAY_MS;
    let to = local_ms(period.draft.ends_on, 0) + 2 * DAY_MS;
    let mut busy: HashMap<VolunteerId, Vec<ShiftWindow>> = HashMap::new();
    for (who, window) in store.busy_windows(id, from, to).await? {
        busy.entry(who).or_default().push(window);
    }
    // Sites' streets, for nearness: the same community, the same street, or elsewhere.
    let mut site_street: HashMap<domain::SiteId, Option<AreaId>> = HashMap::new();
    for site in &period.sites {
        let path = store.area_path(site.area_id).await?;
        let street = path.0.len().checked_sub(2).map(|i| path.0[i]);
        site_street.insert(site.id, street);
    }
    let site_index: HashMap<domain::SiteId, u32> = period
        .sites
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id, i as u32))
        .collect();

    // What the locked places already take, of the cells and of the people.
    let mut taken: BTreeMap<CellAt, (u32, u32)> = BTreeMap::new();
    let mut fixed_by: HashMap<VolunteerId, Vec<CellAt>> = HashMap::new();
    for e in &locked {
        let t = taken.entry(e.at).or_default();
        t.0 += 1;
        if e.as_leader {
            t.1 += 1;
        }
        fixed_by.entry(e.volunteer).or_default().push(e.at);
    }
    let cell_list: Vec<(CellAt, CellNeed)> = cells
        .into_iter()
        .filter(|(at, _)| site_index.contains_key(&at.site))
        .collect();
    let demands: Vec<CellDemand> = cell_list
        .iter()
        .map(|(at, need)| {
            let (n, leaders) = taken.get(at).copied().unwrap_or((0, 0));
            let leader_places = need.leaders.saturating_sub(leaders);
            CellDemand {
                site: site_index[&at.site],
                day: at.day,
                slot: at.slot,
                min: need.min.saturating_sub(n).max(leader_places),
                target: need.target.saturating_sub(n).max(leader_places),
                leaders: leader_places,
                skill: need.skill.clone(),
            }
        })
        .collect();

    // A team keeps together at the first period site in its first member's community.
    let first_site_in = |area: AreaId| {
        period
            .sites
            .iter()
            .position(|s| s.area_id == area)
            .map(|i| i as u32)
    };
    let mut team_anchor: HashMap<domain::TeamId, Option<u32>> = HashMap::new();
    for p in &people {
        if let Some(team) = p.team {
            team_anchor
                .entry(team)
                .or_insert_with(|| first_site_in(p.home_area));
        }
    }

    let slot_minutes = period.slots.minutes();
    let mut candidates = Vec::new();
    let mut ids = Vec::new();
    for p in &people {
        let Some(answer) = answers.get(&p.id) else {
            continue;
        };
        let theirs = busy.get(&p.id).map(Vec::as_slice).unwrap_or(&[]);
        let fixed = fixed_by.get(&p.id).map(Vec::as_slice).unwrap_or(&[]);
        let mut answers_now = vec![Answer::No; usize::from(days) * usize::from(slots)];
        let mut day_caps = Vec::with_capacity(usize::from(days));
        for day in 0..days {
            let day_start = local_ms(period.draft.starts_on, 0) + i64::from(day) * DAY_MS;
            let busy_minutes: i64 = theirs
                .iter()
                .map(|w| {
                    (w.ends_at.min(day_start + DAY_MS) - w.starts_at.max(day_start)).max(0)
                        / MINUTE_MS
                })
                .sum();
            let left = (i64::from(fatigue.max_minutes_per_day) - busy_minutes).max(0) as u32;
            let fixed_today = fixed.iter().filter(|at| at.day == day).count() as u32;
            let cap = (left / slot_minutes)
                .min(fatigue.max_consecutive)
                .saturating_sub(fixed_today);
            day_caps.push(cap);
            for slot in 0..slots {
                let i = usize::from(day) * usize::from(slots) + usize::from(slot);
                let given = answer.answers.get(i).copied().unwrap_or_default();
                let Some(window) = slot_window(period, day, slot) else {
                    continue;
                };
                let clash = theirs
                    .iter()
                    .any(|w| w.starts_at < window.ends_at && window.starts_at < w.ends_at);
                let already = fixed.iter().any(|at| at.day == day && at.slot == slot);
                if !clash && !already {
                    answers_now[i] = given;
                }
            }
        }
        let reach = period
            .sites
            .iter()
            .map(|s| {
                Some(if s.area_id == p.home_area {
                    0
                } else if p.home_street.is_some() && site_street[&s.id] == p.home_street {
                    1
                } else {
                    2
                })
            })
            .collect();
        let anchor = match p.team {
            Some(team) => team_anchor.get(&team).copied().flatten(),
            None => first_site_in(p.home_area),
        };
        let most = answer.most_slots.unwrap_or(u32::MAX);
        candidates.push(Candidate {
            leader: p.leader,
            skills: p.skills.clone(),
            most_slots: most.saturating_sub(fixed.len() as u32),
            day_caps,
            answers: answers_now,
            reach,
            anchor,
            load: fixed.len() as u32,
        });
        ids.push(p.id);
    }
    let input = RosterInput {
        days,
        slots,
        cells: demands,
        people: candidates,
    };
    let roster = generate(&input);

    // The flow keeps the day's cap in slots; the exact rules (a night slot running into the
    // next morning's, hours split at midnight) are checked once more, person by person.
    let mut by_person: BTreeMap<u32, Vec<&Placement>> = BTreeMap::new();
    for p in &roster.placements {
        by_person.entry(p.person).or_default().push(p);
    }
    let mut entries = Vec::new();
    let mut dropped = 0;
    for (person, mut placed) in by_person {
        let who = ids[person as usize];
        let mut held: Vec<ShiftWindow> = busy.get(&who).cloned().unwrap_or_default();
        held.extend(
            fixed_by
                .get(&who)
                .into_iter()
                .flatten()
                .filter_map(|at| slot_window(period, at.day, at.slot)),
        );
        placed.sort_by_key(|p| {
            let c = &input.cells[p.cell as usize];
            (c.day, c.slot)
        });
        for p in placed {
            let (at, _) = &cell_list[p.cell as usize];
            let Some(window) = slot_window(period, at.day, at.slot) else {
                continue;
            };
            if fatigue.check(&held, window).is_err() {
                dropped += 1;
                continue;
            }
            held.push(window);
            entries.push(RosterEntry {
                at: *at,
                volunteer: who,
                as_leader: p.as_leader,
                locked: false,
            });
        }
    }
    store.replace_roster(id, &entries).await?;
    Ok(Generated {
        placed: entries.len() as u32,
        short: roster
            .shortfalls
            .into_iter()
            .map(|s| (cell_list[s.cell as usize].0, s))
            .collect(),
        dropped,
    })
}
