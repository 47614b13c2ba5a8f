//! Release notes in Markdown from a release's changes (its work items: Jira issues, GitHub
//! issues and pull requests), grouped into features, fixes and other changes by their
//! labels and issue types, each linked to its Jira or GitHub record, with the contributors.
//!
//! Grouping rules, first match wins:
//! - Fixes: a label `bug`, `fix`, `bugfix`, `hotfix`, `regression` or `type: bug`, or the
//!   kind (issue type) `bug`.
//! - Features: a label `feature`, `enhancement`, `feat` or `type: feature`, or the kind
//!   `story`, `feature`, `epic` or `new feature`.
//! - Other: everything else.
//!
//! Incidents are not changes and are left out; so are pull requests closed without a merge
//! and work items not done (they are listed under "Not done" so nothing is hidden).

use crate::escape::{md, md_link};
use crate::release::item_link;
use std::collections::BTreeSet;
use switchyard_core::{Document, Release, StatusCategory, WorkItem};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    Features,
    Fixes,
    Other,
}

fn has_label(w: &WorkItem, names: &[&str]) -> bool {
    w.labels.iter().any(|l| {
        let l = l.trim().to_lowercase();
        names.contains(&l.as_str())
    })
}

pub fn group_of(w: &WorkItem) -> Group {
    let kind = w.kind.to_lowercase();
    if has_label(
        w,
        &[
            "bug",
            "fix",
            "bugfix",
            "hotfix",
            "regression",
            "type: bug",
            "kind/bug",
        ],
    ) || kind == "bug"
    {
        Group::Fixes
    } else if has_label(
        w,
        &[
            "feature",
            "enhancement",
            "feat",
            "type: feature",
            "kind/feature",
        ],
    ) || matches!(kind.as_str(), "story" | "feature" | "epic" | "new feature")
    {
        Group::Features
    } else {
        Group::Other
    }
}

fn is_done(w: &WorkItem) -> bool {
    if w.kind == "pull_request" {
        w.merged_at.is_some()
    } else {
        w.status_category == StatusCategory::Done
    }
}

fn entry(w: &WorkItem) -> String {
    let link = match item_link(w) {
        crate::blocks::Span::Link { text, url } => md_link(&text, url.as_deref()),
        other => md(other.plain()),
    };
    let mut s = format!("- {} ({link})", md(&w.title));
    if let Some(a) = w.author.as_deref().filter(|a| !a.is_empty()) {
        s.push_str(&format!(" — {}", md(a)));
    }
    s.push('\n');
    s
}

/// The release notes of `release` as Markdown.
pub fn release_notes(doc: &Document, release: &Release) -> String {
    let mut items: Vec<&WorkItem> = doc
        .work_items
        .iter()
        .filter(|w| w.release_ids.contains(&release.id) && w.kind != "incident")
        .filter(|w| {
            !(w.kind == "pull_request"
                && w.merged_at.is_none()
                && w.status_category == StatusCategory::Done)
        })
        .collect();
    items.sort_by_key(|w| (w.resolved_at.or(w.merged_at), w.id));

    let mut out = format!("# Release notes: {}\n\n", md(&release.name));
    let mut facts = Vec::new();
    if let Some(v) = release.version.as_deref().filter(|v| !v.is_empty()) {
        facts.push(format!("Version {}", md(v)));
    }
    if let Some(d) = release.release_date {
        facts.push(format!(
            "{} {d}",
            if release.released {
                "Released"
            } else {
                "Planned for"
            }
        ));
    }
    if !release.services.is_empty() {
        facts.push(format!(
            "Services: {}",
            release
                .services
                .iter()
                .map(|s| md(s))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if !facts.is_empty() {
        out.push_str(&format!("{}\n\n", facts.join(" · ")));
    }
    if !release.description.is_empty() {
        out.push_str(&format!("{}\n\n", md(&release.description)));
    }

    let (done, open): (Vec<&WorkItem>, Vec<&WorkItem>) =
        items.into_iter().partition(|w| is_done(w));
    if done.is_empty() && open.is_empty() {
        out.push_str("No changes are linked to this release yet.\n");
        return out;
    }
    for (group, title) in [
        (Group::Features, "Features"),
        (Group::Fixes, "Fixes"),
        (Group::Other, "Other changes"),
    ] {
        let list: Vec<&&WorkItem> = done.iter().filter(|w| group_of(w) == group).collect();
        if list.is_empty() {
            continue;
        }
        out.push_str(&format!("## {title}\n\n"));
        for w in list {
            out.push_str(&entry(w));
        }
        out.push('\n');
    }
    if !open.is_empty() {
        out.push_str("## Not done yet\n\n");
        for w in &open {
            out.push_str(&entry(w));
        }
        out.push('\n');
    }
    let contributors: BTreeSet<&str> = done
        .iter()
        .chain(open.iter())
        .flat_map(|w| [w.author.as_deref(), w.assignee.as_deref()])
        .flatten()
        .filter(|a| !a.trim().is_empty())
        .collect();
    if !contributors.is_empty() {
        out.push_str("## Contributors\n\n");
        out.push_str(
            &contributors
                .iter()
                .map(|c| md(c))
                .collect::<Vec<_>>()
                .join(", "),
        );
        out.push_str("\n\n");
    }
    out.push_str(&format!(
        "_{} changes: {} done, {} not done._\n",
        done.len() + open.len(),
        done.len(),
        open.len()
    ));
    out
}
