//! The critical path: the chain of blockers that sets a release's date.

use super::*;

/// `A -> B -> C` with the names of the ids in `cycle`.
pub fn describe_path(input: &PlanInput, kind: DepKind, path: &[Id]) -> String {
    path.iter()
        .map(|&id| input.name_of(kind, id))
        .collect::<Vec<_>>()
        .join(" -> ")
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PathStep {
    pub release_id: Id,
    pub name: String,
    pub release_date: Option<NaiveDate>,
    /// Days between this release and the next one on the path (None for the last).
    pub slack_days: Option<i64>,
}

/// The chain of blockers that sets `release`'s date: from the release, repeatedly the
/// blocker dated latest (ties: the one with the longer chain behind it, then the lower
/// id), earliest first and `release` last.
pub fn critical_path(input: &PlanInput, release: Id) -> Vec<PathStep> {
    let g = input.release_graph();
    let date = |id: Id| input.release(id).and_then(|r| r.release_date);
    let mut chain = vec![release];
    let mut seen = BTreeSet::from([release]);
    let mut cur = release;
    loop {
        let next = g
            .predecessors(cur)
            .filter(|p| !seen.contains(p) && date(*p).is_some())
            .max_by(|a, b| date(*a).cmp(&date(*b)).then(b.cmp(a)));
        match next {
            Some(p) => {
                seen.insert(p);
                chain.push(p);
                cur = p;
            }
            None => break,
        }
    }
    chain.reverse();
    let mut steps: Vec<PathStep> = chain
        .iter()
        .map(|&id| PathStep {
            release_id: id,
            name: input.release_name(id),
            release_date: date(id),
            slack_days: None,
        })
        .collect();
    for i in 0..steps.len().saturating_sub(1) {
        if let (Some(a), Some(b)) = (steps[i].release_date, steps[i + 1].release_date) {
            steps[i].slack_days = Some((b - a).num_days());
        }
    }
    steps
}
