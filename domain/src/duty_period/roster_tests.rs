//! The generator held to brute force: on small grids every possible roster is tried, and the
//! generated one must keep every hard rule and be exactly as good as the best of them — the
//! most minimum places, then the most target places, then the lowest preference cost.

use super::roster::*;
use proptest::prelude::*;

/// Every roster that keeps the hard rules, searched exhaustively; returns the best key.
fn brute_force_best(input: &RosterInput) -> (u32, u32, i64) {
    let times = usize::from(input.days) * usize::from(input.slots);
    // Each person at each time: nothing, or one cell of that time, as leader or not.
    let mut options: Vec<Vec<Option<Placement>>> = Vec::new();
    for p in 0..input.people.len() {
        for t in 0..times {
            let mut here = vec![None];
            for (c, cell) in input.cells.iter().enumerate() {
                let at = usize::from(cell.day) * usize::from(input.slots) + usize::from(cell.slot);
                if at != t || !eligible(input, p, cell) {
                    continue;
                }
                here.push(Some(Placement {
                    cell: c as u32,
                    person: p as u32,
                    as_leader: false,
                }));
                if input.people[p].leader && cell.leaders > 0 {
                    here.push(Some(Placement {
                        cell: c as u32,
                        person: p as u32,
                        as_leader: true,
                    }));
                }
            }
            options.push(here);
        }
    }
    let mut best = (0u32, 0u32, 0i64);
    let mut chosen = Vec::new();
    search(input, &options, 0, &mut chosen, &mut best);
    best
}

fn search(
    input: &RosterInput,
    options: &[Vec<Option<Placement>>],
    i: usize,
    chosen: &mut Vec<Placement>,
    best: &mut (u32, u32, i64),
) {
    if broken_rule(input, chosen).is_some() {
        return; // Every rule is monotone: adding placements never repairs a broken one.
    }
    if i == options.len() {
        let (min, target) = fill(input, chosen);
        let cost = preference_total(input, chosen);
        if (min, target, -cost) > (best.0, best.1, -best.2) {
            *best = (min, target, cost);
        }
        return;
    }
    for option in &options[i] {
        if let Some(p) = option {
            chosen.push(*p);
        }
        search(input, options, i + 1, chosen, best);
        if option.is_some() {
            chosen.pop();
        }
    }
}

fn instance() -> impl Strategy<Value = RosterInput> {
    (1u16..=2, 1u16..=2, 1usize..=3, 1usize..=4).prop_flat_map(|(days, slots, sites, people)| {
        let times = usize::from(days) * usize::from(slots);
        let cell = (
            0..sites as u32,
            0..days,
            0..slots,
            0u32..=2,
            0u32..=1,
            0u32..=1,
            prop::bool::weighted(0.2),
        )
            .prop_map(
                |(site, day, slot, min, extra, leaders, skilled)| CellDemand {
                    site,
                    day,
                    slot,
                    min,
                    target: min + extra,
                    leaders: leaders.min(min),
                    skill: skilled.then(|| "急救".to_owned()),
                },
            );
        let answer = prop_oneof![Just(Answer::Yes), Just(Answer::Maybe), Just(Answer::No)];
        let person = (
            prop::bool::ANY,
            prop::bool::weighted(0.5),
            1u32..=3,
            prop::collection::vec(0u32..=2, usize::from(days)),
            prop::collection::vec(answer, times),
            prop::collection::vec(prop::option::weighted(0.8, 0u8..=3), sites),
            prop::option::of(0..sites as u32),
            0u32..=2,
        )
            .prop_map(
                |(leader, skilled, most_slots, day_caps, answers, reach, anchor, load)| Candidate {
                    leader,
                    skills: if skilled {
                        vec!["急救".to_owned()]
                    } else {
                        vec![]
                    },
                    most_slots,
                    day_caps,
                    answers,
                    reach,
                    anchor,
                    load,
                },
            );
        (
            prop::collection::vec(cell, 1..=4),
            prop::collection::vec(person, people),
        )
            .prop_map(move |(mut cells, people)| {
                // One cell per site and time, as in a grid.
                cells.sort_by_key(|c| (c.day, c.slot, c.site));
                cells.dedup_by_key(|c| (c.day, c.slot, c.site));
                RosterInput {
                    days,
                    slots,
                    cells,
                    people,
                }
            })
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn the_generated_roster_keeps_every_rule_and_is_the_best_possible(input in instance()) {
        let roster = generate(&input);
        prop_assert_eq!(broken_rule(&input, &roster.placements), None);
        let (min, target) = fill(&input, &roster.placements);
        let cost = preference_total(&input, &roster.placements);
        let best = brute_force_best(&input);
        prop_assert_eq!((min, target, cost), best);
        // The same input, the same roster.
        prop_assert_eq!(generate(&input), roster);
    }
}

fn person(day_caps: Vec<u32>, answers: Vec<Answer>, reach: Vec<Option<u8>>) -> Candidate {
    Candidate {
        leader: false,
        skills: vec![],
        most_slots: 9,
        day_caps,
        answers,
        reach,
        anchor: None,
        load: 0,
    }
}

fn cell(site: u32, slot: u16, min: u32) -> CellDemand {
    CellDemand {
        site,
        day: 0,
        slot,
        min,
        target: min,
        leaders: 0,
        skill: None,
    }
}

#[test]
fn a_short_cell_says_who_could_have_come_and_what_took_them() {
    // Site 0 needs 3 in slot 0, site 1 needs 2 in slot 1. Two people live by site 1 and may do
    // one slot a day; either way only three places can be filled, and they are nearer site 1.
    // So site 0 gets one person and the reason: "需 3 人，范围内可排 1 人：2 人已达当日上限".
    let input = RosterInput {
        days: 1,
        slots: 2,
        cells: vec![cell(0, 0, 3), cell(1, 1, 2)],
        people: vec![
            person(vec![2], vec![Answer::Yes, Answer::No], vec![Some(0), None]),
            person(
                vec![1],
                vec![Answer::Yes, Answer::Yes],
                vec![Some(2), Some(0)],
            ),
            person(
                vec![1],
                vec![Answer::Yes, Answer::Yes],
                vec![Some(2), Some(0)],
            ),
        ],
    };
    let roster = generate(&input);
    assert_eq!(fill(&input, &roster.placements), (3, 0));
    assert_eq!(
        roster.shortfalls,
        vec![Shortfall {
            cell: 0,
            needed: 3,
            placed: 1,
            available: 3,
            elsewhere: 0,
            day_full: 2,
            own_limit: 0,
            leaders_short: 0,
        }]
    );
}

#[test]
fn leaders_fill_leader_places_and_nobody_else_does() {
    let mut lead = person(vec![1], vec![Answer::Yes], vec![Some(0)]);
    lead.leader = true;
    let plain = person(vec![1], vec![Answer::Yes], vec![Some(0)]);
    let need = CellDemand {
        leaders: 1,
        ..cell(0, 0, 2)
    };
    let input = RosterInput {
        days: 1,
        slots: 1,
        cells: vec![need],
        people: vec![plain.clone(), plain, lead],
    };
    let roster = generate(&input);
    assert_eq!(roster.placements.len(), 2);
    assert!(roster
        .placements
        .iter()
        .any(|p| p.person == 2 && p.as_leader));
    assert!(roster.shortfalls.is_empty());
}

#[test]
fn nearer_people_and_sure_answers_go_first_and_the_load_is_spread() {
    // One place; the near "maybe" and the far "yes" lose to the near "yes".
    let input = RosterInput {
        days: 1,
        slots: 1,
        cells: vec![cell(0, 0, 1)],
        people: vec![
            person(vec![1], vec![Answer::Maybe], vec![Some(0)]),
            person(vec![1], vec![Answer::Yes], vec![Some(3)]),
            person(vec![1], vec![Answer::Yes], vec![Some(0)]),
        ],
    };
    assert_eq!(generate(&input).placements[0].person, 2);

    // Two slots, two equal people with caps to take both: one slot each, not both for one.
    let both = || person(vec![2], vec![Answer::Yes, Answer::Yes], vec![Some(0)]);
    let input = RosterInput {
        days: 1,
        slots: 2,
        cells: vec![cell(0, 0, 1), cell(0, 1, 1)],
        people: vec![both(), both()],
    };
    let people: Vec<u32> = generate(&input)
        .placements
        .iter()
        .map(|p| p.person)
        .collect();
    assert_eq!(people.len(), 2);
    assert_ne!(people[0], people[1]);
}
