//! The roster generator: who goes to which cell of a duty period's grid.
//!
//! Modelled as one minimum-cost flow (see [`super::flow`]), so the answer is an optimum, not a
//! greedy guess:
//!
//! ```text
//! source ─(one arc per slot the person may still take, k-th costs more)─► person
//!   ─(the day's cap)─► person·day ─(1; "看情况" costs more)─► person·day·slot
//!   ─(nearness to the site, away from their usual site)─► cell's leader places (leaders only)
//!                                                        └► cell's other places
//!   ─► sink: minimum places pay W1, places up to the target pay W2
//! ```
//!
//! The hard rules are the network's shape: only answers of 能来 or 看情况 have an arc, one
//! cell per person per time slot (the person·day·slot node carries 1), the day's cap in slots
//! (what the fatigue rules leave of the day), their own "at most N", leader places only for
//! leaders, a required skill only for those who have it, and only sites within their reach.
//! W1 is larger than anything the target places and preferences can add up to, and W2 larger
//! than all preferences together, so the optimum fills the most minimum places first, then the
//! most target places, and only then prefers near, evenly spread and same-site placements.
//! Keeping a person at one site across days and a team together is their *anchor*: the site
//! the caller chose for the person or their team, which costs nothing extra to return to.
//!
//! Everything runs in input order with integer costs, so the same input gives the same roster.

use super::flow::{ArcRef, Network};
use serde::{Deserialize, Serialize};

/// A volunteer's answer for one day and slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub enum Answer {
    /// 能来.
    Yes,
    /// 看情况: placed only when needed more than a sure answer.
    Maybe,
    /// 不能来, or no answer.
    #[default]
    No,
}

/// One cell of the grid as the generator sees it: a site at a day's slot, its places.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CellDemand {
    /// Index into the sites the candidates' `reach` refers to.
    pub site: u32,
    pub day: u16,
    pub slot: u16,
    /// Places that must be filled; `leaders` of them by leaders.
    pub min: u32,
    /// Places worth filling once every cell has its minimum (≥ `min`).
    pub target: u32,
    pub leaders: u32,
    /// A skill every person placed here must have.
    pub skill: Option<String>,
}

/// A volunteer who may be placed, with what limits them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Candidate {
    pub leader: bool,
    pub skills: Vec<String>,
    /// Most slots they take in this period ("最多 N 班"), after what is fixed already.
    pub most_slots: u32,
    /// Per day, how many more slots the fatigue rules allow them.
    pub day_caps: Vec<u32>,
    /// Per day and slot (`day * slots + slot`).
    pub answers: Vec<Answer>,
    /// Per site: `None` out of reach, else a nearness band (0 = their own community).
    pub reach: Vec<Option<u8>>,
    /// The site they (or their team) keep across days, when there is one.
    pub anchor: Option<u32>,
    /// Slots they already hold in this period (fixed cells): the load to even out.
    pub load: u32,
}

impl Candidate {
    fn answer(&self, slots: u16, day: u16, slot: u16) -> Answer {
        self.answers
            .get(usize::from(day) * usize::from(slots) + usize::from(slot))
            .copied()
            .unwrap_or_default()
    }

    fn has(&self, skill: &Option<String>) -> bool {
        skill.as_ref().is_none_or(|s| self.skills.contains(s))
    }
}

/// What the generator is asked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RosterInput {
    pub days: u16,
    /// Time slots per day; every cell's slot is below this.
    pub slots: u16,
    /// The cells to fill, with the places the fixed people already take subtracted.
    pub cells: Vec<CellDemand>,
    pub people: Vec<Candidate>,
}

/// One person in one cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Placement {
    pub cell: u32,
    pub person: u32,
    pub as_leader: bool,
}

/// Why a cell is below its minimum: how many people could have come and what took them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shortfall {
    pub cell: u32,
    pub needed: u32,
    pub placed: u32,
    /// People in reach who said 能来 or 看情况 for the slot and have the skill.
    pub available: u32,
    /// Of those, placed at another site in the same slot.
    pub elsewhere: u32,
    /// Of those, already at the day's cap.
    pub day_full: u32,
    /// Of those, already at their own "at most N".
    pub own_limit: u32,
    /// Leader places left empty: no leader among those free.
    pub leaders_short: u32,
}

/// The generator's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Roster {
    /// Sorted by cell, then person.
    pub placements: Vec<Placement>,
    /// Cells below their minimum, in cell order.
    pub shortfalls: Vec<Shortfall>,
}

/// The preference weights: small integers, so W1 and W2 stay far from overflow.
pub const NEARNESS_WEIGHT: i64 = 10;
pub const MAYBE_WEIGHT: i64 = 12;
pub const OFF_ANCHOR_WEIGHT: i64 = 4;
pub const LOAD_WEIGHT: i64 = 2;

/// The preference cost of person `p` taking their `nth` (1-based, counting their load) slot,
/// in `cell`: what the flow minimises once the places are decided. Public so tests can price
/// any roster the same way.
pub fn preference_cost(input: &RosterInput, person: u32, cell: u32, nth: u32) -> i64 {
    let who = &input.people[person as usize];
    let c = &input.cells[cell as usize];
    let band = who
        .reach
        .get(c.site as usize)
        .copied()
        .flatten()
        .unwrap_or(u8::MAX);
    let maybe = who.answer(input.slots, c.day, c.slot) == Answer::Maybe;
    NEARNESS_WEIGHT * i64::from(band)
        + if maybe { MAYBE_WEIGHT } else { 0 }
        + if who.anchor.is_some_and(|a| a != c.site) {
            OFF_ANCHOR_WEIGHT
        } else {
            0
        }
        + LOAD_WEIGHT * i64::from(nth)
}

/// Whether `person` may be placed in `cell` at all (as anyone; leader places need more).
pub fn eligible(input: &RosterInput, person: usize, cell: &CellDemand) -> bool {
    let who = &input.people[person];
    who.answer(input.slots, cell.day, cell.slot) != Answer::No
        && who
            .reach
            .get(cell.site as usize)
            .copied()
            .flatten()
            .is_some()
        && who.has(&cell.skill)
        && who.most_slots > 0
        && who
            .day_caps
            .get(usize::from(cell.day))
            .copied()
            .unwrap_or(0)
            > 0
}

/// Generates the roster: the most minimum places, then the most target places, then the best
/// preferences; see the module's text for the network.
pub fn generate(input: &RosterInput) -> Roster {
    let slots = usize::from(input.slots);
    let days = usize::from(input.days);
    // Cells by (day, slot), so a person·day·slot node links to the cells of its time only.
    let mut cells_at: Vec<Vec<u32>> = vec![Vec::new(); days * slots];
    for (i, c) in input.cells.iter().enumerate() {
        if usize::from(c.day) < days && usize::from(c.slot) < slots {
            cells_at[usize::from(c.day) * slots + usize::from(c.slot)].push(i as u32);
        }
    }

    // Layered numbering: source, people, person·days, person·day·slots, cells, sink.
    let mut net = Network::new(1 + input.people.len());
    let source = 0;
    let person_node = |p: usize| 1 + p;
    // (person, node) for each person·day, and (person, day, slot, node) for each person·day·slot.
    let mut day_nodes: Vec<(usize, usize, usize)> = Vec::new();
    let mut slot_nodes: Vec<(usize, usize, usize, usize)> = Vec::new();
    for (p, who) in input.people.iter().enumerate() {
        for day in 0..days {
            let open: Vec<usize> = (0..slots)
                .filter(|&s| {
                    cells_at[day * slots + s]
                        .iter()
                        .any(|&c| eligible(input, p, &input.cells[c as usize]))
                })
                .collect();
            if open.is_empty() || who.day_caps.get(day).copied().unwrap_or(0) == 0 {
                continue;
            }
            day_nodes.push((p, day, net.add_node()));
            for s in open {
                slot_nodes.push((p, day, s, 0));
            }
        }
    }
    for entry in &mut slot_nodes {
        entry.3 = net.add_node();
    }
    let cell_nodes: Vec<(usize, usize)> = input
        .cells
        .iter()
        .map(|_| (net.add_node(), net.add_node()))
        .collect();
    let sink = net.add_node();

    // W2 outweighs every preference together; W1 outweighs every target place and preference.
    let places: i64 = input
        .cells
        .iter()
        .map(|c| i64::from(c.target.max(c.min)))
        .sum();
    let most_load = input
        .people
        .iter()
        .map(|p| i64::from(p.load + p.most_slots))
        .max()
        .unwrap_or(0);
    let worst = NEARNESS_WEIGHT * i64::from(u8::MAX)
        + MAYBE_WEIGHT
        + OFF_ANCHOR_WEIGHT
        + LOAD_WEIGHT * most_load;
    let w2 = worst * (places + 1) + 1;
    let w1 = w2 * (places + 1) + worst * (places + 1) + 1;

    // Source → person: one unit arc per slot they may take, each dearer than the last, so the
    // flow spreads the load (a convex cost is exact this way).
    for (p, who) in input.people.iter().enumerate() {
        let open = slot_nodes.iter().filter(|n| n.0 == p).count() as u32;
        for k in 1..=who.most_slots.min(open) {
            net.add(
                source,
                person_node(p),
                1,
                LOAD_WEIGHT * i64::from(who.load + k),
            );
        }
    }
    for &(p, day, node) in &day_nodes {
        let cap = input.people[p].day_caps[day];
        net.add(person_node(p), node, i64::from(cap), 0);
    }
    let mut links: Vec<(ArcRef, u32, u32, bool)> = Vec::new();
    let mut day_iter = day_nodes.iter().peekable();
    for &(p, day, s, node) in &slot_nodes {
        let day_node = loop {
            let &&(dp, dd, dn) = day_iter.peek().expect("a day node for every slot node");
            if (dp, dd) == (p, day) {
                break dn;
            }
            day_iter.next();
        };
        let who = &input.people[p];
        let maybe = who.answer(input.slots, day as u16, s as u16) == Answer::Maybe;
        net.add(day_node, node, 1, if maybe { MAYBE_WEIGHT } else { 0 });
        for &c in &cells_at[day * slots + s] {
            let cell = &input.cells[c as usize];
            if !eligible(input, p, cell) {
                continue;
            }
            // The cost without the load (on the source arcs) and the maybe (on the slot arc).
            let cost =
                preference_cost(input, p as u32, c, 0) - if maybe { MAYBE_WEIGHT } else { 0 };
            let (lead, any) = cell_nodes[c as usize];
            if who.leader && cell.leaders > 0 {
                links.push((net.add(node, lead, 1, cost), c, p as u32, true));
            }
            links.push((net.add(node, any, 1, cost), c, p as u32, false));
        }
    }
    for (cell, &(lead, any)) in input.cells.iter().zip(&cell_nodes) {
        let leaders = cell.leaders.min(cell.min);
        if leaders > 0 {
            net.add(lead, sink, i64::from(leaders), -w1);
        }
        if cell.min > leaders {
            net.add(any, sink, i64::from(cell.min - leaders), -w1);
        }
        if cell.target > cell.min {
            net.add(any, sink, i64::from(cell.target - cell.min), -w2);
        }
    }

    net.min_cost_flow(source, sink);

    let mut placements: Vec<Placement> = links
        .iter()
        .filter(|(arc, ..)| net.flow(*arc) > 0)
        .map(|&(_, cell, person, as_leader)| Placement {
            cell,
            person,
            as_leader,
        })
        .collect();
    placements.sort();
    let shortfalls = shortfalls(input, &placements);
    Roster {
        placements,
        shortfalls,
    }
}

/// For each cell below its minimum, who could have come and what holds them elsewhere.
pub fn shortfalls(input: &RosterInput, placements: &[Placement]) -> Vec<Shortfall> {
    let slots = usize::from(input.slots);
    let mut per_cell = vec![(0u32, 0u32); input.cells.len()];
    let mut per_person_total = vec![0u32; input.people.len()];
    let mut per_person_day = vec![vec![0u32; usize::from(input.days)]; input.people.len()];
    let mut at_time = vec![vec![None::<u32>; usize::from(input.days) * slots]; input.people.len()];
    for p in placements {
        let cell = &input.cells[p.cell as usize];
        let entry = &mut per_cell[p.cell as usize];
        entry.0 += 1;
        if p.as_leader {
            entry.1 += 1;
        }
        per_person_total[p.person as usize] += 1;
        per_person_day[p.person as usize][usize::from(cell.day)] += 1;
        at_time[p.person as usize][usize::from(cell.day) * slots + usize::from(cell.slot)] =
            Some(p.cell);
    }
    let mut out = Vec::new();
    for (i, cell) in input.cells.iter().enumerate() {
        let (placed, leaders) = per_cell[i];
        if placed >= cell.min {
            continue;
        }
        let mut short = Shortfall {
            cell: i as u32,
            needed: cell.min,
            placed,
            available: 0,
            elsewhere: 0,
            day_full: 0,
            own_limit: 0,
            leaders_short: cell.leaders.min(cell.min).saturating_sub(leaders),
        };
        let time = usize::from(cell.day) * slots + usize::from(cell.slot);
        for (p, who) in input.people.iter().enumerate() {
            let answered = who.answer(input.slots, cell.day, cell.slot) != Answer::No;
            let in_reach = who
                .reach
                .get(cell.site as usize)
                .copied()
                .flatten()
                .is_some();
            if !(answered && in_reach && who.has(&cell.skill)) {
                continue;
            }
            short.available += 1;
            match at_time[p][time] {
                Some(c) if c as usize == i => {}
                Some(_) => short.elsewhere += 1,
                None if per_person_total[p] >= who.most_slots => short.own_limit += 1,
                None if per_person_day[p][usize::from(cell.day)]
                    >= who
                        .day_caps
                        .get(usize::from(cell.day))
                        .copied()
                        .unwrap_or(0) =>
                {
                    short.day_full += 1
                }
                None => {}
            }
        }
        out.push(short);
    }
    out
}

/// The hard rules a roster must keep, checked on its own (the tests hold every generated
/// roster to it). `None` when all hold, else the first broken rule.
pub fn broken_rule(input: &RosterInput, placements: &[Placement]) -> Option<&'static str> {
    let slots = usize::from(input.slots);
    let mut per_cell = vec![(0u32, 0u32); input.cells.len()];
    let mut total = vec![0u32; input.people.len()];
    let mut per_day = vec![vec![0u32; usize::from(input.days)]; input.people.len()];
    let mut seen = std::collections::HashSet::new();
    for p in placements {
        let (Some(cell), Some(who)) = (
            input.cells.get(p.cell as usize),
            input.people.get(p.person as usize),
        ) else {
            return Some("no such cell or person");
        };
        if !eligible(input, p.person as usize, cell) {
            return Some("not available, out of reach or lacking the skill");
        }
        if p.as_leader && !who.leader {
            return Some("a leader place for someone who is not a leader");
        }
        let time = usize::from(cell.day) * slots + usize::from(cell.slot);
        if !seen.insert((p.person, time)) {
            return Some("two cells at the same time");
        }
        let entry = &mut per_cell[p.cell as usize];
        entry.0 += 1;
        if p.as_leader {
            entry.1 += 1;
        }
        total[p.person as usize] += 1;
        per_day[p.person as usize][usize::from(cell.day)] += 1;
    }
    for (i, cell) in input.cells.iter().enumerate() {
        let (placed, leaders) = per_cell[i];
        if placed > cell.target.max(cell.min) {
            return Some("more people than the cell's target");
        }
        if leaders > cell.leaders {
            return Some("more leader places than the cell has");
        }
        // Leader places come out of the minimum: the other places are min − leaders + extra.
        if placed - leaders > cell.target.max(cell.min) - cell.leaders.min(cell.min) {
            return Some("ordinary places beyond what the cell has");
        }
    }
    for (p, who) in input.people.iter().enumerate() {
        if total[p] > who.most_slots {
            return Some("more slots than the person's limit");
        }
        for (day, &n) in per_day[p].iter().enumerate() {
            if n > who.day_caps.get(day).copied().unwrap_or(0) {
                return Some("more slots in a day than the fatigue rules allow");
            }
        }
    }
    None
}

/// Minimum places and target places filled by `placements`: a cell's leader places and the
/// rest of its minimum are minimum places, what is beyond them up to its target target places.
pub fn fill(input: &RosterInput, placements: &[Placement]) -> (u32, u32) {
    let mut per_cell = vec![(0u32, 0u32); input.cells.len()];
    for p in placements {
        let entry = &mut per_cell[p.cell as usize];
        if p.as_leader {
            entry.0 += 1;
        } else {
            entry.1 += 1;
        }
    }
    input
        .cells
        .iter()
        .zip(per_cell)
        .fold((0, 0), |(min, extra), (cell, (leaders, others))| {
            let leader_places = cell.leaders.min(cell.min);
            let ordinary = others.min(cell.min - leader_places);
            let beyond = (others - ordinary).min(cell.target.saturating_sub(cell.min));
            (min + leaders.min(leader_places) + ordinary, extra + beyond)
        })
}

/// The preferences a roster pays, priced as the generator prices them: nearness, 看情况 and
/// leaving the anchor site per placement, and each person's k-th slot dearer than the last.
pub fn preference_total(input: &RosterInput, placements: &[Placement]) -> i64 {
    let mut count = vec![0u32; input.people.len()];
    let mut total = 0;
    for p in placements {
        count[p.person as usize] += 1;
        total += preference_cost(input, p.person, p.cell, 0);
    }
    for (who, n) in input.people.iter().zip(count) {
        total += (1..=n)
            .map(|k| LOAD_WEIGHT * i64::from(who.load + k))
            .sum::<i64>();
    }
    total
}
