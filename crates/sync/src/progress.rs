//! What a running sync reports, and how it is asked to stop.

use serde::Serialize;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// One step of a sync, for the CLI's progress bar and the app's events.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ProgressEvent {
    /// A list (`issues`, `versions`, `pulls`...) of a scope (a project, a repository) began.
    Started { scope: String, list: String },
    /// A page was committed: `items` on it, `total` so far in this list (and `expected` when
    /// the server says).
    Page {
        scope: String,
        list: String,
        items: u64,
        total: u64,
        expected: Option<u64>,
    },
    /// Waiting for a rate limit or a retry; `seconds` to go and why.
    Waiting { seconds: u64, reason: String },
    /// A list finished.
    Finished {
        scope: String,
        list: String,
        total: u64,
    },
}

impl ProgressEvent {
    /// The one line the CLI prints and the window shows for this step: `ABC: issues…`,
    /// `ABC: issues 200/450`, `waiting 4 s: Jira rate limit (429) on …`, `ABC: 450 issues`.
    pub fn line(&self) -> String {
        match self {
            ProgressEvent::Started { scope, list } => format!("{scope}: {list}…"),
            ProgressEvent::Page {
                scope,
                list,
                total,
                expected: Some(x),
                ..
            } if *x > 0 => format!("{scope}: {list} {total}/{x}"),
            ProgressEvent::Page {
                scope, list, total, ..
            } => format!("{scope}: {list} {total}"),
            ProgressEvent::Waiting { seconds, reason } => format!("waiting {seconds} s: {reason}"),
            ProgressEvent::Finished { scope, list, total } => format!("{scope}: {total} {list}"),
        }
    }

    /// The done share of the current list, when known: the server said how many there are,
    /// or the list finished.
    pub fn fraction(&self) -> Option<f64> {
        match self {
            ProgressEvent::Page {
                total,
                expected: Some(x),
                ..
            } if *x > 0 => Some((*total as f64 / *x as f64).min(1.0)),
            ProgressEvent::Finished { .. } => Some(1.0),
            _ => None,
        }
    }

    /// Records so far in the current list.
    pub fn total(&self) -> u64 {
        match self {
            ProgressEvent::Page { total, .. } | ProgressEvent::Finished { total, .. } => *total,
            _ => 0,
        }
    }
}

/// Where progress goes. `()` discards it.
pub trait Progress: Send + Sync {
    fn report(&self, event: ProgressEvent);
}

impl Progress for () {
    fn report(&self, _: ProgressEvent) {}
}

impl<F: Fn(ProgressEvent) + Send + Sync> Progress for F {
    fn report(&self, event: ProgressEvent) {
        self(event)
    }
}

/// A cancel flag shared between the sync and whoever may stop it.
#[derive(Debug, Clone, Default)]
pub struct Cancel(Arc<AtomicBool>);

impl Cancel {
    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_step_is_one_line() {
        let started = ProgressEvent::Started {
            scope: "ABC".into(),
            list: "issues".into(),
        };
        assert_eq!(started.line(), "ABC: issues…");
        let page = |expected| ProgressEvent::Page {
            scope: "ABC".into(),
            list: "issues".into(),
            items: 100,
            total: 200,
            expected,
        };
        assert_eq!(page(Some(450)).line(), "ABC: issues 200/450");
        assert_eq!(page(Some(450)).fraction(), Some(200.0 / 450.0));
        assert_eq!(page(Some(0)).line(), "ABC: issues 200");
        assert_eq!(page(None).line(), "ABC: issues 200");
        assert_eq!(page(None).fraction(), None);
        let waiting = ProgressEvent::Waiting {
            seconds: 4,
            reason: "rate limit".into(),
        };
        assert_eq!(waiting.line(), "waiting 4 s: rate limit");
        let done = ProgressEvent::Finished {
            scope: "octo/repo".into(),
            list: "pulls".into(),
            total: 7,
        };
        assert_eq!(
            (done.line(), done.fraction(), done.total()),
            ("octo/repo: 7 pulls".into(), Some(1.0), 7)
        );
    }
}
