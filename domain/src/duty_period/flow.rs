//! Minimum-cost flow, the engine under the roster generator.
//!
//! Primal-dual: Dijkstra on reduced costs finds the cheapest augmenting cost, then a blocking
//! flow (Dinic) pushes everything along paths of exactly that cost, and the loop stops when the
//! cheapest path no longer lowers the total (cost ≥ 0). Arcs out of the source may cost less
//! than zero; the network is layered (a DAG at the start), so the first potentials come from one
//! pass in node order instead of Bellman–Ford. A roster's costs take a few hundred distinct
//! values, so there are that many phases, each linear-ish in the arcs.
//!
//! Everything is integer and visits arcs in insertion order, so the same network always gives
//! the same flow.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

#[derive(Debug, Clone)]
struct Arc {
    to: u32,
    /// Index of the reverse arc in `arcs`.
    rev: u32,
    capacity: i64,
    cost: i64,
}

/// A flow network built arc by arc; nodes are `0..nodes`, and every arc must go from a lower
/// node number to a higher one (the layering the first potentials rely on).
#[derive(Debug, Clone)]
pub struct Network {
    first: Vec<Vec<u32>>,
    arcs: Vec<Arc>,
}

/// Where an arc added by [`Network::add`] is, to read its flow afterwards.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ArcRef(u32);

impl Network {
    pub fn new(nodes: usize) -> Self {
        Self {
            first: vec![Vec::new(); nodes],
            arcs: Vec::new(),
        }
    }

    pub fn add_node(&mut self) -> usize {
        self.first.push(Vec::new());
        self.first.len() - 1
    }

    pub fn nodes(&self) -> usize {
        self.first.len()
    }

    /// An arc `from → to` with room for `capacity` units at `cost` each.
    pub fn add(&mut self, from: usize, to: usize, capacity: i64, cost: i64) -> ArcRef {
        debug_assert!(from < to, "arcs go forward: {from} → {to}");
        let forward = self.arcs.len() as u32;
        self.arcs.push(Arc {
            to: to as u32,
            rev: forward + 1,
            capacity,
            cost,
        });
        self.arcs.push(Arc {
            to: from as u32,
            rev: forward,
            capacity: 0,
            cost: -cost,
        });
        self.first[from].push(forward);
        self.first[to].push(forward + 1);
        ArcRef(forward)
    }

    /// The units flowing through `arc`.
    pub fn flow(&self, arc: ArcRef) -> i64 {
        self.arcs[self.arcs[arc.0 as usize].rev as usize].capacity
    }

    /// Sends flow from `source` to `sink` while that lowers the total cost, the cheapest way.
    /// Returns the total cost of the flow sent.
    pub fn min_cost_flow(&mut self, source: usize, sink: usize) -> i64 {
        let n = self.nodes();
        let mut potential = self.first_potentials(source);
        let mut total = 0i64;
        let mut dist = vec![i64::MAX; n];
        let mut level = vec![u32::MAX; n];
        let mut next = vec![0usize; n];
        loop {
            if !self.reduced_distances(source, sink, &potential, &mut dist) {
                return total;
            }
            let reach = dist[sink];
            for (p, d) in potential.iter_mut().zip(&dist) {
                *p += (*d).min(reach);
            }
            let path_cost = potential[sink] - potential[source];
            if path_cost >= 0 {
                return total;
            }
            loop {
                if !self.admissible_levels(source, sink, &potential, &mut level) {
                    break;
                }
                next.iter_mut().for_each(|i| *i = 0);
                loop {
                    let sent = self.push(source, sink, i64::MAX, &potential, &level, &mut next);
                    if sent == 0 {
                        break;
                    }
                    total += sent * path_cost;
                }
            }
        }
    }

    /// Shortest distances from `source` over the arcs with room, in node order: valid because
    /// every arc goes forward while nothing has flowed yet. Unreachable nodes get 0.
    fn first_potentials(&self, source: usize) -> Vec<i64> {
        let mut dist = vec![i64::MAX; self.nodes()];
        dist[source] = 0;
        for u in 0..self.nodes() {
            if dist[u] == i64::MAX {
                continue;
            }
            for &a in &self.first[u] {
                let arc = &self.arcs[a as usize];
                if arc.capacity > 0 {
                    let v = arc.to as usize;
                    dist[v] = dist[v].min(dist[u] + arc.cost);
                }
            }
        }
        dist.iter()
            .map(|&d| if d == i64::MAX { 0 } else { d })
            .collect()
    }

    /// Dijkstra on reduced costs; stops once the sink is settled (farther nodes keep
    /// `i64::MAX`, which the caller caps at the sink's distance). False when the sink is
    /// unreachable.
    fn reduced_distances(
        &self,
        source: usize,
        sink: usize,
        potential: &[i64],
        dist: &mut [i64],
    ) -> bool {
        dist.iter_mut().for_each(|d| *d = i64::MAX);
        dist[source] = 0;
        let mut heap = BinaryHeap::new();
        heap.push(Reverse((0i64, source as u32)));
        while let Some(Reverse((d, u))) = heap.pop() {
            let u = u as usize;
            if d > dist[u] {
                continue;
            }
            if u == sink {
                return true;
            }
            for &a in &self.first[u] {
                let arc = &self.arcs[a as usize];
                if arc.capacity <= 0 {
                    continue;
                }
                let v = arc.to as usize;
                let reduced = arc.cost + potential[u] - potential[v];
                debug_assert!(reduced >= 0, "reduced cost {reduced} < 0 on {u} → {v}");
                let candidate = d + reduced;
                if candidate < dist[v] {
                    dist[v] = candidate;
                    heap.push(Reverse((candidate, v as u32)));
                }
            }
        }
        false
    }

    fn admissible(&self, u: usize, arc: &Arc, potential: &[i64]) -> bool {
        arc.capacity > 0 && arc.cost + potential[u] - potential[arc.to as usize] == 0
    }

    /// Breadth-first levels over the arcs of reduced cost zero; false when the sink is not
    /// among them.
    fn admissible_levels(
        &self,
        source: usize,
        sink: usize,
        potential: &[i64],
        level: &mut [u32],
    ) -> bool {
        level.iter_mut().for_each(|l| *l = u32::MAX);
        level[source] = 0;
        let mut queue = std::collections::VecDeque::from([source]);
        while let Some(u) = queue.pop_front() {
            for &a in &self.first[u] {
                let arc = &self.arcs[a as usize];
                let v = arc.to as usize;
                if level[v] == u32::MAX && self.admissible(u, arc, potential) {
                    level[v] = level[u] + 1;
                    queue.push_back(v);
                }
            }
        }
        level[sink] != u32::MAX
    }

    /// One augmenting path of the blocking flow, found depth-first with per-node cursors so
    /// that a dead end is not walked twice. Iterative: a path is as long as the network has
    /// layers, but a recursion over user data is a stack risk not worth taking.
    fn push(
        &mut self,
        source: usize,
        sink: usize,
        limit: i64,
        potential: &[i64],
        level: &[u32],
        next: &mut [usize],
    ) -> i64 {
        let mut path: Vec<u32> = Vec::new();
        let mut u = source;
        loop {
            if u == sink {
                let sent = path
                    .iter()
                    .map(|&a| self.arcs[a as usize].capacity)
                    .fold(limit, i64::min);
                for &a in &path {
                    let rev = self.arcs[a as usize].rev as usize;
                    self.arcs[a as usize].capacity -= sent;
                    self.arcs[rev].capacity += sent;
                }
                return sent;
            }
            let mut advanced = false;
            while next[u] < self.first[u].len() {
                let a = self.first[u][next[u]];
                let arc = &self.arcs[a as usize];
                let v = arc.to as usize;
                if level[v] == level[u] + 1 && self.admissible(u, arc, potential) {
                    path.push(a);
                    u = v;
                    advanced = true;
                    break;
                }
                next[u] += 1;
            }
            if !advanced {
                // A dead end: step back and skip the arc that led here.
                let Some(a) = path.pop() else { return 0 };
                let back = self.arcs[self.arcs[a as usize].rev as usize].to as usize;
                next[back] += 1;
                u = back;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn takes_the_cheaper_of_two_paths_and_stops_when_flow_stops_paying() {
        // 0 → 1 → 3 costs -5 + 1; 0 → 2 → 3 costs -5 + 9; the sink takes at most one unit.
        let mut net = Network::new(5);
        let cheap = net.add(0, 1, 1, -5);
        let dear = net.add(0, 2, 1, -5);
        net.add(1, 3, 1, 1);
        net.add(2, 3, 1, 9);
        let out = net.add(3, 4, 1, 0);
        assert_eq!(net.min_cost_flow(0, 4), -4);
        assert_eq!(net.flow(cheap), 1);
        assert_eq!(net.flow(dear), 0);
        assert_eq!(net.flow(out), 1);
    }

    #[test]
    fn reroutes_earlier_flow_when_that_lets_more_through() {
        // Two people, two places; person A fits both but prefers place X, person B fits only
        // X. The maximum (both placed) needs A moved to Y through a reverse arc.
        let (s, a, b, x, y, t) = (0, 1, 2, 3, 4, 5);
        let mut net = Network::new(6);
        net.add(s, a, 1, 0);
        net.add(s, b, 1, 0);
        let ax = net.add(a, x, 1, 0);
        let ay = net.add(a, y, 1, 3);
        let bx = net.add(b, x, 1, 0);
        net.add(x, t, 1, -100);
        net.add(y, t, 1, -100);
        assert_eq!(net.min_cost_flow(s, t), -197);
        assert_eq!((net.flow(ax), net.flow(ay), net.flow(bx)), (0, 1, 1));
    }
}
