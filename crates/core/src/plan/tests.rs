use super::*;
use proptest::prelude::*;

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn release(id: Id, name: &str, date: &str) -> Release {
    Release {
        id,
        name: name.into(),
        version: None,
        train_id: None,
        release_type: ReleaseType::Regular,
        status: ReleaseStatus::Planned,
        start_date: None,
        planned_date: Some(d(date)),
        release_date: Some(d(date)),
        released: false,
        archived: false,
        description: String::new(),
        services: vec!["svc".into()],
        source: None,
        source_key: None,
    }
}

fn edge(id: Id, blocker: Id, blocked: Id) -> Edge {
    Edge {
        id,
        kind: DepKind::Release,
        blocker,
        blocked,
        note: String::new(),
    }
}

fn input(releases: Vec<Release>, edges: Vec<Edge>) -> PlanInput {
    PlanInput {
        releases,
        dependencies: edges,
        ..PlanInput::default()
    }
}

#[test]
fn adding_an_edge_that_closes_a_cycle_names_the_cycle() {
    let plan = input(
        vec![
            release(1, "X", "2026-03-02"),
            release(2, "Y", "2026-03-03"),
            release(3, "Z", "2026-03-04"),
        ],
        vec![edge(1, 2, 3), edge(2, 3, 1)],
    );
    let g = plan.release_graph();
    let cycle = g.closes_cycle(1, 2).unwrap();
    assert_eq!(cycle, vec![1, 2, 3, 1]);
    assert_eq!(
        describe_path(&plan, DepKind::Release, &cycle),
        "X -> Y -> Z -> X"
    );
    assert_eq!(g.closes_cycle(2, 1), None, "Y before X is consistent");
    assert_eq!(g.closes_cycle(2, 2), Some(vec![2, 2]));
}

#[test]
fn work_item_links_roll_up_to_their_releases_and_can_close_a_cycle() {
    let mut plan = input(
        vec![
            release(1, "R1", "2026-03-02"),
            release(2, "R2", "2026-03-01"),
        ],
        vec![Edge {
            id: 7,
            kind: DepKind::WorkItem,
            blocker: 100,
            blocked: 200,
            note: String::new(),
        }],
    );
    plan.work_item_releases = vec![(100, 1), (200, 2)];
    plan.work_item_keys = BTreeMap::from([(100, "ABC-1".into()), (200, "ABC-2".into())]);
    assert_eq!(
        plan.release_edges(),
        vec![ReleaseEdge {
            blocker: 1,
            blocked: 2,
            via: vec![7]
        }]
    );
    let conflicts = check(&plan);
    assert_eq!(conflicts.len(), 1, "{conflicts:?}");
    assert_eq!(conflicts[0].kind, ConflictKind::DependencyOrder);
    assert!(conflicts[0]
        .message
        .contains("R2 (2026-03-01) needs R1 first"));
    assert!(conflicts[0]
        .records
        .iter()
        .any(|r| r.kind == "dependency" && r.name == "ABC-1 -> ABC-2"));
    // A release edge R2 -> R1 now closes a cycle through the rolled-up link.
    assert_eq!(plan.release_graph().closes_cycle(2, 1), Some(vec![2, 1, 2]));
}

#[test]
fn topological_order_breaks_ties_by_date() {
    let plan = input(
        vec![
            release(1, "A", "2026-03-10"),
            release(2, "B", "2026-03-01"),
            release(3, "C", "2026-03-05"),
            release(4, "D", "2026-03-02"),
        ],
        vec![edge(1, 1, 3)],
    );
    let g = plan.release_graph();
    let date = |id| plan.release(id).and_then(|r| r.release_date);
    assert_eq!(g.topo_order(&[1, 2, 3, 4], date), Ok(vec![2, 4, 1, 3]));
    let cyclic = Graph::new([(1, 2), (2, 1), (3, 1)]);
    assert_eq!(cyclic.topo_order(&[1, 2, 3], |id| id), Err(vec![1, 2, 1]));
}

#[test]
fn critical_path_follows_the_latest_blocker() {
    let plan = input(
        vec![
            release(1, "A", "2026-03-02"),
            release(2, "B", "2026-03-09"),
            release(3, "C", "2026-03-04"),
            release(4, "D", "2026-03-16"),
        ],
        vec![edge(1, 1, 2), edge(2, 2, 4), edge(3, 3, 4)],
    );
    let path = critical_path(&plan, 4);
    let ids: Vec<Id> = path.iter().map(|s| s.release_id).collect();
    assert_eq!(ids, vec![1, 2, 4]);
    assert_eq!(path[0].slack_days, Some(7));
    assert_eq!(path[1].slack_days, Some(7));
    assert_eq!(path[2].slack_days, None);
}

#[test]
fn a_slip_moves_dependents_just_enough_and_reports_what_breaks() {
    let mut shipped = release(5, "Shipped", "2026-03-04");
    shipped.released = true;
    let plan = input(
        vec![
            release(1, "A", "2026-03-02"),
            release(2, "B", "2026-03-04"),
            release(3, "C", "2026-03-20"),
            release(4, "Unrelated", "2026-03-03"),
            shipped,
            release(6, "Blocker of A", "2026-03-01"),
        ],
        vec![edge(1, 1, 2), edge(2, 2, 3), edge(3, 1, 5), edge(4, 6, 1)],
    );
    // 2026-03-10 is a Tuesday.
    let slip = propagate_slip(&plan, 1, d("2026-03-10")).unwrap();
    assert_eq!(slip.days, Some(8));
    assert_eq!(slip.moves.len(), 1, "{slip:?}");
    assert_eq!(
        (slip.moves[0].release_id, slip.moves[0].to),
        (2, d("2026-03-10"))
    );
    assert_eq!(slip.breaks.len(), 1);
    assert_eq!(slip.breaks[0].release_id, 5);
    // Pulled before its blocker: that breaks too, and nothing downstream moves.
    let early = propagate_slip(&plan, 1, d("2026-02-27")).unwrap();
    assert!(early.moves.is_empty());
    assert_eq!(early.breaks[0].release_id, 6);
}

#[test]
fn a_dependent_of_a_move_rule_train_leaves_a_freeze_window() {
    let mut b = release(2, "B", "2026-12-15");
    b.train_id = Some(1);
    let mut plan = input(vec![release(1, "A", "2026-12-14"), b], vec![edge(1, 1, 2)]);
    plan.trains = vec![Train {
        id: 1,
        name: "T".into(),
        description: String::new(),
        cadence: Cadence::Explicit { dates: vec![] },
        milestone_template: vec![],
        freeze_rule: FreezeRule::Move,
        services: vec!["svc".into()],
    }];
    plan.freeze_windows = vec![FreezeWindow {
        id: 1,
        name: "Year-end".into(),
        start_date: d("2026-12-18"),
        end_date: d("2027-01-03"),
        services: vec![],
        reason: String::new(),
    }];
    plan.holidays = vec![Holiday {
        id: 1,
        date: d("2027-01-04"),
        name: "Bridge day".into(),
    }];
    let slip = propagate_slip(&plan, 1, d("2026-12-21")).unwrap();
    assert_eq!(slip.lands_in.as_deref(), Some("Year-end"));
    assert_eq!(slip.moves[0].to, d("2027-01-05"));
    assert_eq!(slip.moves[0].lands_in, None);
}

#[test]
fn generation_is_keyed_by_train_and_date_and_skips_what_exists() {
    let train = Train {
        id: 9,
        name: "Web".into(),
        description: String::new(),
        cadence: Cadence::EveryNWeeks {
            weeks: 2,
            anchor: d("2026-01-06"),
        },
        milestone_template: milestone_template("standard").unwrap(),
        freeze_rule: FreezeRule::Move,
        services: vec!["web".into()],
    };
    let holidays = vec![Holiday {
        id: 1,
        date: d("2026-02-03"),
        name: "Founders' day".into(),
    }];
    let planned = plan_train(
        &train,
        d("2026-01-01"),
        d("2026-02-28"),
        &[],
        &holidays,
        &[],
    );
    let dates: Vec<_> = planned.iter().map(|p| p.release_date).collect();
    assert_eq!(
        dates,
        vec![
            d("2026-01-06"),
            d("2026-01-20"),
            d("2026-02-04"),
            d("2026-02-17")
        ]
    );
    assert_eq!(planned[0].name, "Web 2026.01.06");
    let first = &planned[0].milestones;
    assert_eq!(
        first[0],
        ("branch_cut".into(), "Branch cut".into(), d("2026-01-01"))
    );
    assert_eq!(first[5].2, d("2026-01-13"));
    let mut existing = release(1, "Web 26.02", "2026-01-07");
    existing.train_id = Some(9);
    existing.planned_date = Some(d("2026-01-06"));
    let again = plan_train(
        &train,
        d("2026-01-01"),
        d("2026-02-28"),
        &[],
        &holidays,
        &[existing],
    );
    assert_eq!(again[0].existing, Some(1));
    assert!(again[1..].iter().all(|p| p.existing.is_none()));
}

fn demo_today() -> NaiveDate {
    d("2026-11-28")
}

#[test]
fn the_demo_has_exactly_its_deliberate_dependency_order_conflict() {
    for today in [
        demo_today(),
        d("2026-03-10"),
        d("2027-06-01"),
        d("2025-08-15"),
    ] {
        let doc = crate::demo::generate(crate::demo::noon(today));
        let plan = PlanInput::from_document(&doc);
        let conflicts = check(&plan);
        let order: Vec<_> = conflicts
            .iter()
            .filter(|c| c.kind == ConflictKind::DependencyOrder)
            .collect();
        assert_eq!(order.len(), 1, "{today}: {order:?}");
        let names: Vec<&str> = order[0].records.iter().map(|r| r.name.as_str()).collect();
        assert!(names[0].starts_with("Platform "), "{names:?}");
        assert!(names[1].starts_with("Enterprise "), "{names:?}");
        // Nothing else but genuine high-risk overlaps: no cycles, no release in a freeze
        // window, milestones in order.
        for c in &conflicts {
            assert!(
                matches!(
                    c.kind,
                    ConflictKind::DependencyOrder | ConflictKind::RiskOverlap
                ),
                "{today}: {c:?}"
            );
        }
    }
}

// ---------------------------------------------------------------------------------------
// Properties

/// A random DAG over `n` nodes, labels shuffled so the order is not the id order.
fn dag() -> impl Strategy<Value = (usize, Vec<(Id, Id)>, Vec<Id>)> {
    (2usize..12).prop_flat_map(|n| {
        (
            Just(n),
            proptest::collection::vec((0..n, 0..n), 0..(n * 2)),
            Just((1..=n as Id).collect::<Vec<_>>()).prop_shuffle(),
        )
            .prop_map(|(n, pairs, labels)| {
                let edges = pairs
                    .into_iter()
                    .filter(|(a, b)| a < b)
                    .map(|(a, b)| (labels[a], labels[b]))
                    .collect();
                (n, edges, labels)
            })
    })
}

/// Reachability by brute force (Floyd–Warshall), independent of `Graph`.
fn reach(n: usize, edges: &[(Id, Id)]) -> Vec<Vec<bool>> {
    let mut r = vec![vec![false; n + 1]; n + 1];
    for &(a, b) in edges {
        r[a as usize][b as usize] = true;
    }
    for k in 1..=n {
        for i in 1..=n {
            for j in 1..=n {
                if r[i][k] && r[k][j] {
                    r[i][j] = true;
                }
            }
        }
    }
    r
}

proptest! {
    #[test]
    fn a_new_edge_is_refused_iff_a_path_leads_back((n, edges, _) in dag(), a in 1..=12i64, b in 1..=12i64) {
        let (a, b) = (a.min(n as Id), b.min(n as Id));
        let g = Graph::new(edges.clone());
        prop_assert!(g.cycles().is_empty());
        let r = reach(n, &edges);
        let refused = g.closes_cycle(a, b);
        prop_assert_eq!(refused.is_some(), a == b || r[b as usize][a as usize]);
        let mut with = edges.clone();
        with.push((a, b));
        if let Some(cycle) = refused {
            // The named cycle is real: a -> b first, back to a, every step an edge.
            prop_assert_eq!(cycle[0], a);
            prop_assert_eq!(cycle[1], b);
            prop_assert_eq!(*cycle.last().unwrap(), a);
            for w in cycle.windows(2) {
                prop_assert!(with.contains(&(w[0], w[1])), "{:?} not an edge", w);
            }
            prop_assert!(!Graph::new(with).cycles().is_empty());
        } else {
            let g2 = Graph::new(with);
            prop_assert!(g2.cycles().is_empty());
            let nodes: Vec<Id> = (1..=n as Id).collect();
            prop_assert!(g2.topo_order(&nodes, |id| id).is_ok());
        }
    }

    #[test]
    fn a_slip_never_moves_an_unrelated_release_and_leaves_no_dependent_early(
        (n, edges, _) in dag(),
        offsets in proptest::collection::vec(0i64..60, 12),
        shipped in proptest::collection::vec(proptest::bool::weighted(0.15), 12),
        target in 1..=12i64,
        by in -20i64..40,
    ) {
        let target = target.min(n as Id);
        let base = d("2026-03-02");
        let releases: Vec<Release> = (1..=n as Id)
            .map(|id| {
                let mut r = release(id, &format!("R{id}"), "2026-03-02");
                r.release_date = Some(base + chrono::Duration::days(offsets[id as usize - 1]));
                r.released = shipped[id as usize - 1] && id != target;
                r
            })
            .collect();
        let plan = input(
            releases,
            edges.iter().enumerate().map(|(i, &(a, b))| edge(i as Id + 1, a, b)).collect(),
        );
        let to = plan.release(target).unwrap().release_date.unwrap() + chrono::Duration::days(by);
        let slip = propagate_slip(&plan, target, to).unwrap();
        let r = reach(n, &edges);
        let mut dates: BTreeMap<Id, NaiveDate> =
            plan.releases.iter().map(|r| (r.id, r.release_date.unwrap())).collect();
        dates.insert(target, to);
        for m in &slip.moves {
            prop_assert!(r[target as usize][m.release_id as usize], "moved unrelated {}", m.release_id);
            prop_assert!(m.to > m.from);
            dates.insert(m.release_id, m.to);
        }
        for b in &slip.breaks {
            let downstream = r[target as usize][b.release_id as usize];
            let upstream = r[b.release_id as usize][target as usize];
            prop_assert!(downstream || upstream);
        }
        // After the moves, every dependent of the target ships after its blockers, unless
        // it shipped already (and is reported as broken).
        let broken: BTreeSet<Id> = slip.breaks.iter().map(|b| b.release_id).collect();
        for &(a, b) in &edges {
            if r[target as usize][b as usize] && !plan.release(b).unwrap().released && !broken.contains(&a) {
                let a_moved_or_target = a == target || slip.moves.iter().any(|m| m.release_id == a);
                let a_downstream = r[target as usize][a as usize];
                if a_moved_or_target || a_downstream {
                    prop_assert!(dates[&a] <= dates[&b], "{a} -> {b}: {} > {}", dates[&a], dates[&b]);
                }
            }
        }
    }

    #[test]
    fn generated_calendars_never_ship_in_a_freeze_window_under_the_move_rule(
        weeks in 1u32..5,
        anchor_offset in 0i64..200,
        windows in proptest::collection::vec((0i64..400, 0i64..20, proptest::bool::ANY), 0..8),
        holidays in proptest::collection::vec(0i64..400, 0..10),
        rule_move in proptest::bool::ANY,
    ) {
        let base = d("2026-01-01");
        let windows: Vec<FreezeWindow> = windows
            .into_iter()
            .enumerate()
            .map(|(i, (start, len, scoped))| FreezeWindow {
                id: i as Id + 1,
                name: format!("W{i}"),
                start_date: base + chrono::Duration::days(start),
                end_date: base + chrono::Duration::days(start + len),
                services: if scoped { vec!["other".into()] } else { vec![] },
                reason: String::new(),
            })
            .collect();
        let holidays: Vec<Holiday> = holidays
            .into_iter()
            .enumerate()
            .map(|(i, o)| Holiday { id: i as Id + 1, date: base + chrono::Duration::days(o), name: format!("H{i}") })
            .collect();
        let train = Train {
            id: 1,
            name: "T".into(),
            description: String::new(),
            cadence: Cadence::EveryNWeeks { weeks, anchor: base + chrono::Duration::days(anchor_offset) },
            milestone_template: milestone_template("standard").unwrap(),
            freeze_rule: if rule_move { FreezeRule::Move } else { FreezeRule::Flag },
            services: vec!["web".into()],
        };
        let planned = plan_train(&train, base, base + chrono::Duration::days(365), &windows, &holidays, &[]);
        let all = blackouts(&windows, &holidays);
        for p in &planned {
            let frozen = all.iter().any(|w| w.covers(p.release_date) && w.applies_to_any(&train.services));
            if rule_move {
                prop_assert!(!frozen, "{} in a window", p.release_date);
                prop_assert!(!matches!(p.release_date.weekday(), Weekday::Sat | Weekday::Sun));
                prop_assert!(p.release_date >= p.cadence_date);
                prop_assert!(p.flagged.is_none());
            } else {
                prop_assert_eq!(p.release_date, p.cadence_date);
                prop_assert_eq!(frozen, p.flagged.is_some());
            }
        }
    }
}

fn freeze(id: Id, from: &str, to: &str, services: &[&str]) -> FreezeWindow {
    FreezeWindow {
        id,
        name: format!("Freeze {id}"),
        start_date: d(from),
        end_date: d(to),
        services: services.iter().map(|s| s.to_string()).collect(),
        reason: String::new(),
    }
}

#[test]
fn the_next_free_slot_is_the_next_weekday_after_the_date() {
    // 2026-03-06 is a Friday: the next slot is Monday the 9th.
    let plan = input(vec![release(1, "A", "2026-03-06")], vec![]);
    assert_eq!(next_free_slot(&plan, 1), Some(d("2026-03-09")));
}

#[test]
fn the_next_free_slot_waits_for_the_latest_blocker() {
    // B (Mar 3) needs A (Mar 10) and C (Mar 5): the slot is A's day, not C's.
    let plan = input(
        vec![
            release(1, "A", "2026-03-10"),
            release(2, "B", "2026-03-03"),
            release(3, "C", "2026-03-05"),
        ],
        vec![edge(1, 1, 2), edge(2, 3, 2)],
    );
    assert_eq!(next_free_slot(&plan, 2), Some(d("2026-03-10")));
    let fixed = PlanInput {
        releases: plan
            .releases
            .iter()
            .map(|r| Release {
                release_date: if r.id == 2 {
                    Some(d("2026-03-10"))
                } else {
                    r.release_date
                },
                ..r.clone()
            })
            .collect(),
        ..plan.clone()
    };
    assert!(check(&fixed)
        .iter()
        .all(|c| c.kind != ConflictKind::DependencyOrder));
}

#[test]
fn the_next_free_slot_skips_freeze_windows_and_holidays_of_its_services() {
    let mut plan = input(vec![release(1, "A", "2026-03-02")], vec![]);
    plan.freeze_windows = vec![
        freeze(1, "2026-03-03", "2026-03-06", &["svc"]),
        // Another service's freeze does not apply.
        freeze(2, "2026-03-09", "2026-03-13", &["other"]),
    ];
    plan.holidays = vec![Holiday {
        id: 1,
        date: d("2026-03-09"),
        name: "Holiday".into(),
    }];
    // Tue-Fri frozen, Sat/Sun weekend, Mon a holiday: Tuesday the 10th.
    assert_eq!(next_free_slot(&plan, 1), Some(d("2026-03-10")));
}

#[test]
fn no_free_slot_after_a_dependent_or_for_a_shipped_release() {
    // A (Mar 2) blocks B (Mar 3); A frozen on Mar 3: nothing before B is free.
    let mut plan = input(
        vec![release(1, "A", "2026-03-02"), release(2, "B", "2026-03-03")],
        vec![edge(1, 1, 2)],
    );
    plan.freeze_windows = vec![freeze(1, "2026-03-03", "2026-03-03", &[])];
    assert_eq!(next_free_slot(&plan, 1), None);
    plan.freeze_windows.clear();
    // The dependent's own day is allowed (a blocker may ship the same day).
    assert_eq!(next_free_slot(&plan, 1), Some(d("2026-03-03")));
    plan.releases[0].released = true;
    assert_eq!(next_free_slot(&plan, 1), None);
}
