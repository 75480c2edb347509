//! Times the roster generator at a street's scale: `cargo run --release -p domain --example
//! roster_scale`. The figures in docs/BENCHMARKS.md come from `cargo xtask bench`, which runs it.
use domain::duty_period::roster::{fill, generate, Answer, Candidate, CellDemand, RosterInput};
use std::time::Instant;

/// A deterministic pseudo-random stream (xorshift), so every run times the same instance.
struct Stream(u64);
impl Stream {
    fn next(&mut self, below: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % below
    }
}

fn main() {
    let (days, slots, sites, people, communities) = (7u16, 4u16, 40u32, 2_000usize, 20u32);
    let mut r = Stream(0x9E37_79B9_7F4A_7C15);
    let site_home: Vec<u32> = (0..sites).map(|s| s % communities).collect();
    let mut cells = Vec::new();
    for day in 0..days {
        for slot in 0..slots {
            for site in 0..sites {
                let min = 2 + r.next(4) as u32;
                cells.push(CellDemand {
                    site,
                    day,
                    slot,
                    min,
                    target: min + r.next(2) as u32,
                    leaders: u32::from(min >= 4),
                    skill: None,
                });
            }
        }
    }
    let people: Vec<Candidate> = (0..people)
        .map(|_| {
            let home = r.next(u64::from(communities)) as u32;
            Candidate {
                leader: r.next(10) == 0,
                skills: vec![],
                most_slots: 2 + r.next(10) as u32,
                day_caps: vec![3; usize::from(days)],
                answers: (0..days * slots)
                    .map(|_| match r.next(20) {
                        0..=9 => Answer::Yes,
                        10..=12 => Answer::Maybe,
                        _ => Answer::No,
                    })
                    .collect(),
                reach: site_home
                    .iter()
                    .map(|&h| {
                        let d = h.abs_diff(home).min(communities - h.abs_diff(home));
                        (d <= 3).then_some(d as u8)
                    })
                    .collect(),
                anchor: None,
                load: 0,
            }
        })
        .collect();
    let places: u32 = cells.iter().map(|c| c.min).sum();
    let input = RosterInput {
        days,
        slots,
        cells,
        people,
    };
    let started = Instant::now();
    let roster = generate(&input);
    let took = started.elapsed();
    let (min, target) = fill(&input, &roster.placements);
    println!(
        "roster: {} cells, {places} minimum places, {} people: {min} minimum + {target} target places filled, {} cells short, in {:.2} s",
        input.cells.len(),
        input.people.len(),
        roster.shortfalls.len(),
        took.as_secs_f64()
    );
}
