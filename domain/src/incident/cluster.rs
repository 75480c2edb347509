//! Pins and heat on the incident map. A district has thousands of incidents a year; drawn one
//! pin each they hide the map and each other, so nearby pins are drawn as one numbered
//! cluster, and the heat layer counts incidents per square of a grid.
//!
//! This is plain geometry on a plane: the app first projects longitude and latitude to the
//! map's SVG coordinates, where a radius in pixels means the same on screen everywhere. That
//! keeps this module free of map projections and testable with small numbers.

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// Something to draw at `x`, `y` on the map's plane.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pin<T> {
    pub x: f64,
    pub y: f64,
    pub item: T,
}

/// Pins drawn as one: `x`, `y` is the centroid of its members, where the cluster is drawn.
/// `items[0]` is the seed the cluster grew from; the rest follow in (y, x) order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cluster<T> {
    pub x: f64,
    pub y: f64,
    pub items: Vec<T>,
}

/// Groups pins lying within `radius` of each other, greedily and deterministically: the pins
/// are taken in (y, x) order (top to bottom on screen, then left to right), and each one not
/// yet in a cluster starts one and takes every other free pin within `radius` of it. So no
/// pin is farther than `radius` from its cluster's seed, and the same pins always give the
/// same clusters, in the order of their seeds — the map does not flicker between redraws.
///
/// Pins are bucketed in a grid of `radius`-sized cells, so a seed only looks at the 3×3 cells
/// around it: linear time on average rather than comparing every pin with every other.
///
/// A `radius` that is not a positive number groups nothing: every pin is a cluster of its own.
/// A pin whose coordinates are not numbers is near nothing and also stays alone.
pub fn cluster<T: Clone>(pins: &[Pin<T>], radius: f64) -> Vec<Cluster<T>> {
    let mut order: Vec<usize> = (0..pins.len()).collect();
    // Stable, so pins at the same spot keep their input order.
    order.sort_by(|&a, &b| {
        pins[a]
            .y
            .total_cmp(&pins[b].y)
            .then(pins[a].x.total_cmp(&pins[b].x))
    });
    if radius.is_nan() || radius <= 0.0 {
        return order.iter().map(|&i| cluster_of(pins, &[i])).collect();
    }

    // Each cell lists its free pins by rank in `order`, ascending, since pins are filed in
    // that order; a seed is always the lowest-ranked free pin left.
    let cell_of = |pin: &Pin<T>| {
        (
            (pin.x / radius).floor() as i64,
            (pin.y / radius).floor() as i64,
        )
    };
    let mut cells: HashMap<(i64, i64), Vec<usize>> = HashMap::new();
    for (rank, &i) in order.iter().enumerate() {
        cells.entry(cell_of(&pins[i])).or_default().push(rank);
    }
    let mut taken = vec![false; pins.len()];
    let mut clusters = Vec::new();
    for (rank, &seed) in order.iter().enumerate() {
        if taken[rank] {
            continue;
        }
        let (col, row) = cell_of(&pins[seed]);
        let mut members = Vec::new();
        for c in col.saturating_sub(1)..=col.saturating_add(1) {
            for r in row.saturating_sub(1)..=row.saturating_add(1) {
                let Some(free) = cells.get_mut(&(c, r)) else {
                    continue;
                };
                // Taking pins out of their cell as they join a cluster keeps later seeds
                // from looking at them again.
                free.retain(|&other| {
                    let near = other == rank || within(&pins[seed], &pins[order[other]], radius);
                    if near {
                        taken[other] = true;
                        members.push(other);
                    }
                    !near
                });
            }
        }
        members.sort_unstable();
        let members: Vec<usize> = members.into_iter().map(|m| order[m]).collect();
        clusters.push(cluster_of(pins, &members));
    }
    clusters
}

fn within<T>(a: &Pin<T>, b: &Pin<T>, radius: f64) -> bool {
    (a.x - b.x).hypot(a.y - b.y) <= radius
}

/// The cluster of the pins at `members` (indices into `pins`, not empty), drawn at their
/// centroid.
fn cluster_of<T: Clone>(pins: &[Pin<T>], members: &[usize]) -> Cluster<T> {
    let n = members.len() as f64;
    Cluster {
        x: members.iter().map(|&i| pins[i].x).sum::<f64>() / n,
        y: members.iter().map(|&i| pins[i].y).sum::<f64>() / n,
        items: members.iter().map(|&i| pins[i].item.clone()).collect(),
    }
}

/// One square of the heat layer: the grid square at column `col`, row `row`, holding `count`
/// incidents; `intensity` is that count relative to the busiest square, in (0, 1].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HeatCell {
    pub col: i64,
    pub row: i64,
    pub count: u32,
    pub intensity: f64,
}

/// Counts points per square of a grid of `cell`-sized squares (column `floor(x / cell)`, row
/// `floor(y / cell)`); only squares holding a point are listed, ordered by row then column.
/// Intensity is relative to the busiest square, so the colour scale always uses its full
/// range whether the map shows a week or a year.
///
/// A `cell` size that is not a positive number gives no squares, and points whose
/// coordinates are not finite are not counted: they lie in no square.
pub fn heat(points: &[(f64, f64)], cell: f64) -> Vec<HeatCell> {
    if cell.is_nan() || cell <= 0.0 || cell.is_infinite() {
        return Vec::new();
    }
    let mut counts: BTreeMap<(i64, i64), u32> = BTreeMap::new();
    for &(x, y) in points {
        if x.is_finite() && y.is_finite() {
            let square = ((y / cell).floor() as i64, (x / cell).floor() as i64);
            let count = counts.entry(square).or_default();
            *count = count.saturating_add(1);
        }
    }
    let busiest = f64::from(counts.values().copied().max().unwrap_or(1));
    counts
        .into_iter()
        .map(|((row, col), count)| HeatCell {
            col,
            row,
            count,
            intensity: f64::from(count) / busiest,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn pin(x: f64, y: f64, item: usize) -> Pin<usize> {
        Pin { x, y, item }
    }

    fn cl(x: f64, y: f64, items: &[usize]) -> Cluster<usize> {
        Cluster {
            x,
            y,
            items: items.to_vec(),
        }
    }

    #[test]
    fn far_pins_stay_apart_and_close_pins_merge() {
        // The third pin is exactly `radius` from the first: within, so it joins.
        let pins = [pin(0.0, 0.0, 0), pin(100.0, 0.0, 1), pin(3.0, 4.0, 2)];
        assert_eq!(
            cluster(&pins, 5.0),
            [cl(1.5, 2.0, &[0, 2]), cl(100.0, 0.0, &[1])]
        );
        assert_eq!(
            cluster(&pins, 4.9),
            [cl(0.0, 0.0, &[0]), cl(100.0, 0.0, &[1]), cl(3.0, 4.0, &[2])]
        );
    }

    #[test]
    fn seeds_are_taken_top_to_bottom_then_left_to_right() {
        // A row of pins 4 apart with radius 5: the leftmost seeds and takes only its
        // neighbour, not the whole chain.
        let pins: Vec<Pin<usize>> = (0..5).rev().map(|i| pin(4.0 * i as f64, 10.0, i)).collect();
        assert_eq!(
            cluster(&pins, 5.0),
            [
                cl(2.0, 10.0, &[0, 1]),
                cl(10.0, 10.0, &[2, 3]),
                cl(16.0, 10.0, &[4])
            ]
        );
        // A higher pin (smaller y) seeds first even when it comes later in the input.
        let pins = [pin(0.0, 5.0, 0), pin(0.0, 1.0, 1), pin(0.0, 7.0, 2)];
        assert_eq!(
            cluster(&pins, 4.0),
            [cl(0.0, 3.0, &[1, 0]), cl(0.0, 7.0, &[2])]
        );
    }

    #[test]
    fn pins_across_cell_borders_and_at_negative_coordinates_merge() {
        let pins = [
            pin(-0.5, -0.5, 0),
            pin(0.5, 0.5, 1),
            pin(9.9, 0.0, 2),
            pin(10.1, 0.0, 3),
        ];
        assert_eq!(
            cluster(&pins, 2.0),
            [cl(0.0, 0.0, &[0, 1]), cl(10.0, 0.0, &[2, 3])]
        );
    }

    #[test]
    fn nothing_groups_with_no_radius_and_nothing_comes_from_nothing() {
        let pins = [pin(1.0, 1.0, 0), pin(1.0, 1.0, 1)];
        for radius in [0.0, -1.0, f64::NAN] {
            assert_eq!(
                cluster(&pins, radius),
                [cl(1.0, 1.0, &[0]), cl(1.0, 1.0, &[1])]
            );
        }
        assert_eq!(cluster(&pins, f64::INFINITY), [cl(1.0, 1.0, &[0, 1])]);
        assert!(cluster::<usize>(&[], 10.0).is_empty());
        let lost = [pin(f64::NAN, 1.0, 0), pin(1.0, 1.0, 1)];
        assert_eq!(cluster(&lost, 10.0).len(), 2);
    }

    #[test]
    fn heat_counts_points_per_square_relative_to_the_busiest() {
        let points = [
            (1.0, 1.0),
            (2.0, 3.0),
            (11.0, 1.0),
            (-1.0, 25.0),
            (f64::NAN, 0.0),
        ];
        assert_eq!(
            heat(&points, 10.0),
            [
                HeatCell {
                    col: 0,
                    row: 0,
                    count: 2,
                    intensity: 1.0
                },
                HeatCell {
                    col: 1,
                    row: 0,
                    count: 1,
                    intensity: 0.5
                },
                HeatCell {
                    col: -1,
                    row: 2,
                    count: 1,
                    intensity: 0.5
                },
            ]
        );
        assert!(heat(&[], 10.0).is_empty());
        for cell in [0.0, -5.0, f64::NAN, f64::INFINITY] {
            assert!(heat(&points, cell).is_empty());
        }
    }

    /// The greedy clustering done the slow, obvious way, to check the grid against.
    fn brute_force(pins: &[Pin<usize>], radius: f64) -> Vec<Vec<usize>> {
        let mut order: Vec<usize> = (0..pins.len()).collect();
        order.sort_by(|&a, &b| {
            pins[a]
                .y
                .total_cmp(&pins[b].y)
                .then(pins[a].x.total_cmp(&pins[b].x))
        });
        let mut taken = vec![false; pins.len()];
        let mut groups = Vec::new();
        for &seed in &order {
            if taken[seed] {
                continue;
            }
            let members: Vec<usize> = order
                .iter()
                .copied()
                .filter(|&i| !taken[i] && within(&pins[seed], &pins[i], radius))
                .collect();
            for &m in &members {
                taken[m] = true;
            }
            groups.push(members.iter().map(|&m| pins[m].item).collect());
        }
        groups
    }

    fn any_pins() -> impl Strategy<Value = Vec<Pin<usize>>> {
        proptest::collection::vec((-200.0..200.0f64, -200.0..200.0f64), 0..120).prop_map(|xy| {
            xy.into_iter()
                .enumerate()
                .map(|(i, (x, y))| pin(x, y, i))
                .collect()
        })
    }

    proptest! {
        #[test]
        fn clustering_keeps_every_pin_once_near_its_seed(
            pins in any_pins(),
            radius in 0.5..80.0f64,
        ) {
            let clusters = cluster(&pins, radius);
            let mut seen: Vec<usize> = clusters.iter().flat_map(|c| c.items.clone()).collect();
            prop_assert_eq!(seen.len(), pins.len());
            seen.sort_unstable();
            prop_assert_eq!(seen, (0..pins.len()).collect::<Vec<_>>());
            for c in &clusters {
                let seed = &pins[c.items[0]];
                for &i in &c.items {
                    prop_assert!(within(seed, &pins[i], radius));
                }
                let n = c.items.len() as f64;
                let cx = c.items.iter().map(|&i| pins[i].x).sum::<f64>() / n;
                prop_assert!((c.x - cx).abs() < 1e-9);
            }
            let groups: Vec<Vec<usize>> = clusters.into_iter().map(|c| c.items).collect();
            prop_assert_eq!(groups, brute_force(&pins, radius));
        }

        #[test]
        fn heat_counts_every_point_and_peaks_at_one(
            points in proptest::collection::vec((-500.0..500.0f64, -500.0..500.0f64), 1..200),
            cell in 1.0..100.0f64,
        ) {
            let cells = heat(&points, cell);
            prop_assert_eq!(cells.iter().map(|c| c.count as usize).sum::<usize>(), points.len());
            let peak = cells.iter().map(|c| c.intensity).fold(0.0, f64::max);
            prop_assert_eq!(peak, 1.0);
            prop_assert!(cells.iter().all(|c| c.intensity > 0.0 && c.intensity <= 1.0));
            prop_assert!(cells.windows(2).all(|w| (w[0].row, w[0].col) < (w[1].row, w[1].col)));
        }
    }

    #[test]
    fn thousands_of_pins_cluster_quickly() {
        // 20,000 pins on a 200 × 100 lattice, 1 apart: quadratic would be 4 × 10^8 distance
        // checks, too slow for a test in debug builds; the grid makes it a few hundred thousand.
        let pins: Vec<Pin<usize>> = (0..20_000)
            .map(|i| pin((i % 200) as f64, (i / 200) as f64, i))
            .collect();
        let clusters = cluster(&pins, 3.0);
        assert_eq!(
            clusters.iter().map(|c| c.items.len()).sum::<usize>(),
            20_000
        );
        assert!(clusters.len() < 20_000 / 4);
    }
}
