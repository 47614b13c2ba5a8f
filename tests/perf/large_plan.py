#!/usr/bin/env python3
"""A large generated plan as a Switchyard export document, for scale measurements.

  large_plan.py OUT.json [--releases N] [--dependencies M] [--services S] [--seed K]

Three trains over three years with N releases (default 5,000) on S services (default 50, in
10 teams), each with a branch cut, code freeze and release milestone, and M release
dependencies (default 20,000), each from an earlier release to a later one, so the graph is
acyclic. Every other kind of record is empty. Load it with `switchyard import OUT.json` into
an empty workspace. The same arguments always give the same file.
"""
import argparse
import datetime as dt
import json
import random


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--releases", type=int, default=5000)
    ap.add_argument("--dependencies", type=int, default=20000)
    ap.add_argument("--services", type=int, default=50)
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    rnd = random.Random(a.seed)

    teams = [{"id": i + 1, "name": f"Team {i + 1:02}"} for i in range(10)]
    services = [
        {"id": i + 1, "name": f"svc-{i + 1:02}", "team": teams[i % 10]["name"],
         "source": None, "source_key": None}
        for i in range(a.services)
    ]
    template = [
        {"kind": "branch_cut", "name": "Branch cut", "offset_days": -5},
        {"kind": "code_freeze", "name": "Code freeze", "offset_days": -2},
        {"kind": "release", "name": "Release", "offset_days": 0},
    ]
    trains = []
    for t in range(3):
        svc = [s["name"] for s in services[t::3]]
        trains.append({
            "id": t + 1, "name": ["Web", "Mobile", "Platform"][t],
            "description": "Generated for scale measurements.",
            "cadence": {"kind": "every_n_weeks", "weeks": 1, "anchor": "2025-01-06"},
            "milestone_template": template,
            "freeze_rule": "flag",
            "services": svc,
        })

    start = dt.date(2025, 1, 1)
    days = 3 * 365
    dates = sorted(start + dt.timedelta(days=rnd.randrange(days)) for _ in range(a.releases))
    today = dt.date(2026, 6, 1)
    releases, milestones = [], []
    for i, d in enumerate(dates):
        while d.weekday() >= 5:
            d += dt.timedelta(days=1)
        t = i % 4  # a quarter off-train
        train = trains[t] if t < 3 else None
        pool = train["services"] if train else [s["name"] for s in services]
        shipped = d < today
        rid = i + 1
        releases.append({
            "id": rid,
            "name": f"{train['name'] if train else 'Hotfix'} {d.isoformat()} #{rid}",
            "version": f"{d.year % 100}.{d.timetuple().tm_yday}.{rid}",
            "train_id": train["id"] if train else None,
            "release_type": "regular" if train else "hotfix",
            "status": "released" if shipped else "planned",
            "start_date": (d - dt.timedelta(days=5)).isoformat(),
            "planned_date": d.isoformat(),
            "release_date": d.isoformat(),
            "released": shipped,
            "archived": False,
            "description": "",
            "services": sorted(rnd.sample(pool, k=min(len(pool), rnd.randint(1, 3)))),
            "source": None,
            "source_key": None,
        })
        for m in template:
            md = d + dt.timedelta(days=m["offset_days"])
            milestones.append({
                "id": len(milestones) + 1, "release_id": rid, "kind": m["kind"],
                "name": m["name"], "date": md.isoformat(),
                "completed_at": (md.isoformat() + "T12:00:00Z") if md < today else None,
            })

    deps, seen = [], set()
    n = len(releases)
    while len(deps) < a.dependencies and n > 1:
        b = rnd.randrange(1, n)
        a_ = rnd.randrange(max(0, b - 60), b)
        if (a_, b) in seen:
            continue
        seen.add((a_, b))
        deps.append({
            "id": len(deps) + 1, "kind": "release", "blocker": str(a_ + 1),
            "blocked": str(b + 1), "note": "", "source": None, "source_key": None,
        })

    empty = ["work_items", "deployments", "incidents", "pipeline_runs", "freeze_windows",
             "risk_assessments", "checklists", "decisions", "audit_events", "sync_state",
             "holidays", "risk_policies", "checklist_item_events", "release_approvals",
             "change_records", "reviews", "jira_issues", "work_item_transitions"]
    doc = {"schema_version": 4, "teams": teams, "services": services, "trains": trains,
           "releases": releases, "milestones": milestones, "dependencies": deps}
    doc.update({k: [] for k in empty})
    with open(a.out, "w") as f:
        json.dump(doc, f)


if __name__ == "__main__":
    main()
