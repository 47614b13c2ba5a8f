//! Dependency graphs: edges blocker -> blocked, their cycles and topological order.

use super::*;

/// What the two ends of a dependency are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DepKind {
    Release,
    Service,
    WorkItem,
}

impl DepKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DepKind::Release => "release",
            DepKind::Service => "service",
            DepKind::WorkItem => "work_item",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "release" => Some(DepKind::Release),
            "service" => Some(DepKind::Service),
            "work_item" => Some(DepKind::WorkItem),
            _ => None,
        }
    }
}

/// A stored dependency: `blocker` and `blocked` are ids in the table `kind` names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Edge {
    pub id: Id,
    pub kind: DepKind,
    pub blocker: Id,
    pub blocked: Id,
    pub note: String,
}

/// A directed graph over ids, ordered so every answer is deterministic.
#[derive(Debug, Clone, Default)]
pub struct Graph {
    pub(super) succ: BTreeMap<Id, BTreeSet<Id>>,
    pub(super) pred: BTreeMap<Id, BTreeSet<Id>>,
}

impl Graph {
    pub fn new(edges: impl IntoIterator<Item = (Id, Id)>) -> Self {
        let mut g = Graph::default();
        for (a, b) in edges {
            g.add(a, b);
        }
        g
    }

    pub fn add(&mut self, from: Id, to: Id) {
        self.succ.entry(from).or_default().insert(to);
        self.pred.entry(to).or_default().insert(from);
        self.succ.entry(to).or_default();
        self.pred.entry(from).or_default();
    }

    pub fn nodes(&self) -> impl Iterator<Item = Id> + '_ {
        self.succ.keys().copied()
    }

    pub fn successors(&self, id: Id) -> impl Iterator<Item = Id> + '_ {
        self.succ.get(&id).into_iter().flatten().copied()
    }

    pub fn predecessors(&self, id: Id) -> impl Iterator<Item = Id> + '_ {
        self.pred.get(&id).into_iter().flatten().copied()
    }

    /// The shortest path `from -> ... -> to` (both ends included), if any.
    pub fn path(&self, from: Id, to: Id) -> Option<Vec<Id>> {
        self.path_within(from, to, |_| true)
    }

    pub(super) fn path_within(
        &self,
        from: Id,
        to: Id,
        allowed: impl Fn(Id) -> bool,
    ) -> Option<Vec<Id>> {
        let mut parent: BTreeMap<Id, Id> = BTreeMap::new();
        let mut queue = VecDeque::from([from]);
        let mut seen = BTreeSet::from([from]);
        while let Some(x) = queue.pop_front() {
            for y in self.successors(x) {
                if y == to {
                    let mut path = vec![to, x];
                    let mut cur = x;
                    while let Some(&p) = parent.get(&cur) {
                        path.push(p);
                        cur = p;
                    }
                    path.reverse();
                    return Some(path);
                }
                if allowed(y) && seen.insert(y) {
                    parent.insert(y, x);
                    queue.push_back(y);
                }
            }
        }
        None
    }

    /// The cycle that adding `blocker -> blocked` would close, as a closed path
    /// `[blocker, blocked, ..., blocker]`; `None` when the edge is safe.
    pub fn closes_cycle(&self, blocker: Id, blocked: Id) -> Option<Vec<Id>> {
        if blocker == blocked {
            return Some(vec![blocker, blocker]);
        }
        let back = self.path(blocked, blocker)?;
        let mut cycle = vec![blocker];
        cycle.extend(back);
        Some(cycle)
    }

    /// Everything reachable from `id` (not `id` itself unless it sits on a cycle).
    pub fn descendants(&self, id: Id) -> BTreeSet<Id> {
        let mut seen = BTreeSet::new();
        let mut stack: Vec<Id> = self.successors(id).collect();
        while let Some(x) = stack.pop() {
            if seen.insert(x) {
                stack.extend(self.successors(x));
            }
        }
        seen
    }

    /// Strongly connected components (Kosaraju, iterative), each sorted, in order of
    /// their smallest id.
    pub fn components(&self) -> Vec<Vec<Id>> {
        let mut order = Vec::new();
        let mut seen = BTreeSet::new();
        for start in self.nodes() {
            if !seen.insert(start) {
                continue;
            }
            let mut stack: Vec<(Id, Vec<Id>)> = vec![(start, self.successors(start).collect())];
            while let Some((node, rest)) = stack.last_mut() {
                if let Some(next) = rest.pop() {
                    if seen.insert(next) {
                        let succ = self.successors(next).collect();
                        stack.push((next, succ));
                    }
                } else {
                    order.push(*node);
                    stack.pop();
                }
            }
        }
        let mut assigned = BTreeSet::new();
        let mut comps = Vec::new();
        for &start in order.iter().rev() {
            if !assigned.insert(start) {
                continue;
            }
            let mut comp = vec![start];
            let mut stack = vec![start];
            while let Some(x) = stack.pop() {
                for p in self.predecessors(x) {
                    if assigned.insert(p) {
                        comp.push(p);
                        stack.push(p);
                    }
                }
            }
            comp.sort_unstable();
            comps.push(comp);
        }
        comps.sort();
        comps
    }

    /// One closed path per cyclic component, starting and ending at its smallest id.
    pub fn cycles(&self) -> Vec<Vec<Id>> {
        let mut out = Vec::new();
        for comp in self.components() {
            let start = comp[0];
            let cyclic = comp.len() > 1 || self.successors(start).any(|s| s == start);
            if !cyclic {
                continue;
            }
            let members: BTreeSet<Id> = comp.iter().copied().collect();
            if let Some(path) = self.path_within(start, start, |x| members.contains(&x)) {
                out.push(path);
            }
        }
        out
    }

    /// `nodes` in dependency order (every blocker before what it blocks), ties broken by
    /// `key` then id. `Err` with a cycle when there is no such order.
    pub fn topo_order<K: Ord>(
        &self,
        nodes: &[Id],
        key: impl Fn(Id) -> K,
    ) -> Result<Vec<Id>, Vec<Id>> {
        use std::cmp::Reverse;
        use std::collections::BinaryHeap;
        let set: BTreeSet<Id> = nodes.iter().copied().collect();
        let mut indeg: BTreeMap<Id, usize> = set
            .iter()
            .map(|&n| (n, self.predecessors(n).filter(|p| set.contains(p)).count()))
            .collect();
        let mut ready: BinaryHeap<Reverse<(K, Id)>> = indeg
            .iter()
            .filter(|(_, d)| **d == 0)
            .map(|(&n, _)| Reverse((key(n), n)))
            .collect();
        let mut out = Vec::with_capacity(set.len());
        while let Some(Reverse((_, n))) = ready.pop() {
            out.push(n);
            for s in self.successors(n) {
                if let Some(d) = indeg.get_mut(&s) {
                    *d -= 1;
                    if *d == 0 {
                        ready.push(Reverse((key(s), s)));
                    }
                }
            }
        }
        if out.len() == set.len() {
            return Ok(out);
        }
        let done: BTreeSet<Id> = out.into_iter().collect();
        let left: Vec<(Id, Id)> = set
            .iter()
            .filter(|n| !done.contains(n))
            .flat_map(|&n| {
                self.successors(n)
                    .filter(|s| set.contains(s) && !done.contains(s))
                    .map(move |s| (n, s))
                    .collect::<Vec<_>>()
            })
            .collect();
        Err(Graph::new(left)
            .cycles()
            .into_iter()
            .next()
            .unwrap_or_default())
    }
}
