//! Slip propagation: which dependents move when a release moves, and what breaks.

use super::*;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SlipMove {
    pub release_id: Id,
    pub name: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub days: i64,
    /// The blocker that pushes it.
    pub because_of: Id,
    /// A freeze window or holiday it lands in (flag-rule trains and off-train releases).
    pub lands_in: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SlipBreak {
    pub release_id: Id,
    pub name: String,
    pub reason: String,
}

/// What moving one release does to the plan: a preview that changes nothing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SlipPlan {
    pub release_id: Id,
    pub name: String,
    pub from: Option<NaiveDate>,
    pub to: NaiveDate,
    pub days: Option<i64>,
    /// A freeze window or holiday the moved release lands in.
    pub lands_in: Option<String>,
    /// Every dependent that has to move, in dependency order.
    pub moves: Vec<SlipMove>,
    /// Every dependency the move breaks that moving dependents cannot fix.
    pub breaks: Vec<SlipBreak>,
}

pub(super) fn next_weekday(mut d: NaiveDate) -> NaiveDate {
    while matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
        d = d.succ_opt().unwrap_or(d);
    }
    d
}

/// Moving `release` to `to`: every dependent (downstream in the release graph) that must
/// move so that no blocker ships after what it blocks, moved just as far as needed (then
/// to a weekday, and out of freeze windows when its train's rule is `move`); and what
/// breaks (a dependent that already shipped, or a blocker now dated after the release).
/// `Err` with a cycle when the dependents are cyclic.
pub fn propagate_slip(input: &PlanInput, release: Id, to: NaiveDate) -> Result<SlipPlan, Vec<Id>> {
    let g = input.release_graph();
    let windows = input.blackout_windows();
    let target = input.release(release);
    let from = target.and_then(|r| r.release_date);
    let mut plan = SlipPlan {
        release_id: release,
        name: input.release_name(release),
        from,
        to,
        days: from.map(|f| (to - f).num_days()),
        lands_in: target
            .and_then(|r| blackout_at(&windows, &r.services, to))
            .map(Blackout::label),
        moves: vec![],
        breaks: vec![],
    };
    let mut new_date: BTreeMap<Id, NaiveDate> = BTreeMap::new();
    new_date.insert(release, to);
    let date = |id: Id, nd: &BTreeMap<Id, NaiveDate>| {
        nd.get(&id)
            .copied()
            .or_else(|| input.release(id).and_then(|r| r.release_date))
    };
    // Blockers of the moved release that now ship after it.
    for b in g.predecessors(release) {
        if let Some(bd) = date(b, &new_date) {
            if bd > to {
                plan.breaks.push(SlipBreak {
                    release_id: b,
                    name: input.release_name(b),
                    reason: format!(
                        "{} needs {} first, which ships on {bd}, after the new date {to}",
                        plan.name,
                        input.release_name(b)
                    ),
                });
            }
        }
    }
    let down: Vec<Id> = g.descendants(release).into_iter().collect();
    if down.contains(&release) {
        return Err(g
            .path(release, release)
            .unwrap_or_else(|| vec![release, release]));
    }
    let order = g.topo_order(&down, |id| date(id, &BTreeMap::new()))?;
    for id in order {
        let Some(r) = input.release(id) else { continue };
        let Some(current) = r.release_date else {
            continue;
        };
        // The latest (new) date among its blockers.
        let pushing = g
            .predecessors(id)
            .filter_map(|b| date(b, &new_date).map(|d| (d, b)))
            .max();
        let Some((required, because_of)) = pushing else {
            continue;
        };
        if current >= required {
            continue;
        }
        if r.released {
            plan.breaks.push(SlipBreak {
                release_id: id,
                name: r.name.clone(),
                reason: format!(
                    "{} shipped on {current}, but its blocker {} would now ship on {required}",
                    r.name,
                    input.release_name(because_of)
                ),
            });
            continue;
        }
        let (landed, lands_in) = if input.train_rule(r) == Some(FreezeRule::Move) {
            let (d, _) = apply_freeze_rule(required, FreezeRule::Move, &windows, &r.services);
            (
                d,
                blackout_at(&windows, &r.services, d).map(Blackout::label),
            )
        } else {
            let d = next_weekday(required);
            (
                d,
                blackout_at(&windows, &r.services, d).map(Blackout::label),
            )
        };
        new_date.insert(id, landed);
        plan.moves.push(SlipMove {
            release_id: id,
            name: r.name.clone(),
            from: current,
            to: landed,
            days: (landed - current).num_days(),
            because_of,
            lands_in,
        });
    }
    Ok(plan)
}
