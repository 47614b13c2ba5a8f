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
