//! The closed vocabularies of a workspace: every value a status, type, class, outcome,
//! state or kind may take. Each is an enum whose serde form, `as_str`, `Display` and
//! `FromStr` are the snake_case words the export document, the CLI's JSON and the SQLite
//! columns have always held; its TypeScript twin (ts-rs) is a union of the same words, so
//! a map in the window keyed by them must name every one.
//!
//! This module is the one place these words are spelled (besides the schema migrations,
//! which are history). Open vocabularies (Jira status names, environments, milestone
//! kinds, approval roles) stay strings.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use ts_rs::TS;

/// A word that is not in a closed vocabulary.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{value:?} is not a {what} (expected one of: {})", allowed.join(", "))]
pub struct UnknownValue {
    /// What the word should have named: `release status`, `risk class`, ...
    pub what: &'static str,
    pub value: String,
    pub allowed: &'static [&'static str],
}

macro_rules! vocabulary {
    (
        $(#[$meta:meta])*
        $name:ident, $what:literal {
            $( $(#[$vmeta:meta])* $variant:ident = $word:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS,
        )]
        pub enum $name {
            $( $(#[$vmeta])* #[serde(rename = $word)] $variant ),+
        }

        impl $name {
            /// Every value, in the vocabulary's order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// Every value's word, in the same order.
            pub const WORDS: &'static [&'static str] = &[$($word),+];
            /// What a value of this vocabulary names (for messages).
            pub const WHAT: &'static str = $what;

            /// The word stored and shown for the value.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $word),+
                }
            }

            /// The word as prose: `in progress` for `in_progress`.
            pub fn label(self) -> String {
                self.as_str().replace('_', " ")
            }

            /// The value named by `s` exactly, if any (see `FromStr` for the error).
            pub fn parse(s: &str) -> Option<Self> {
                match s {
                    $($word => Some($name::$variant),)+
                    _ => None,
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = UnknownValue;

            fn from_str(s: &str) -> Result<Self, UnknownValue> {
                Self::parse(s).ok_or_else(|| UnknownValue {
                    what: $what,
                    value: s.to_string(),
                    allowed: Self::WORDS,
                })
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }
    };
}

vocabulary! {
    /// Where a release stands.
    ReleaseStatus, "release status" {
        Planned = "planned",
        InProgress = "in_progress",
        Released = "released",
        Cancelled = "cancelled",
    }
}

impl ReleaseStatus {
    /// Planned or in progress: not shipped and not called off.
    pub fn is_open(self) -> bool {
        match self {
            ReleaseStatus::Planned | ReleaseStatus::InProgress => true,
            ReleaseStatus::Released | ReleaseStatus::Cancelled => false,
        }
    }
}

vocabulary! {
    /// What kind of release it is.
    ReleaseType, "release type" {
        Regular = "regular",
        Major = "major",
        Hotfix = "hotfix",
        Emergency = "emergency",
    }
}

vocabulary! {
    /// A release's risk class, lowest first (the order compares).
    RiskClass, "risk class" {
        Low = "low",
        Medium = "medium",
        High = "high",
        Critical = "critical",
    }
}

vocabulary! {
    /// The outcome of a go/no-go decision.
    DecisionOutcome, "decision outcome" {
        Go = "go",
        NoGo = "no_go",
        GoWithConditions = "go_with_conditions",
    }
}

impl DecisionOutcome {
    /// Go and go-with-conditions ship, so they need the class's approvals.
    pub fn ships(self) -> bool {
        match self {
            DecisionOutcome::Go | DecisionOutcome::GoWithConditions => true,
            DecisionOutcome::NoGo => false,
        }
    }

    /// As a person types it: `no-go` as well as `no_go`.
    pub fn parse_loose(s: &str) -> Result<Self, UnknownValue> {
        s.replace('-', "_")
            .parse()
            .map_err(|e: UnknownValue| UnknownValue {
                value: s.to_string(),
                ..e
            })
    }
}

vocabulary! {
    /// Where a release's go/no-go stands: pending until a decision, then its outcome.
    GoNoGoState, "go/no-go state" {
        Pending = "pending",
        Go = "go",
        NoGo = "no_go",
        GoWithConditions = "go_with_conditions",
    }
}

impl From<Option<DecisionOutcome>> for GoNoGoState {
    fn from(latest: Option<DecisionOutcome>) -> Self {
        match latest {
            None => GoNoGoState::Pending,
            Some(DecisionOutcome::Go) => GoNoGoState::Go,
            Some(DecisionOutcome::NoGo) => GoNoGoState::NoGo,
            Some(DecisionOutcome::GoWithConditions) => GoNoGoState::GoWithConditions,
        }
    }
}

vocabulary! {
    /// Where a checklist item stands.
    ItemState, "checklist item state" {
        Pending = "pending",
        Done = "done",
        Blocked = "blocked",
        NotApplicable = "not_applicable",
    }
}

vocabulary! {
    /// How a checklist item is ticked: by a person, or by a rule over synced facts.
    ItemKind, "checklist item kind" {
        Manual = "manual",
        Rule = "rule",
    }
}

vocabulary! {
    /// What kind of change a change record asks for.
    ChangeKind, "change record kind" {
        Standard = "standard",
        Normal = "normal",
        Emergency = "emergency",
    }
}

vocabulary! {
    /// Where a change record stands.
    ChangeStatus, "change record status" {
        Draft = "draft",
        Submitted = "submitted",
        Approved = "approved",
        Rejected = "rejected",
        Closed = "closed",
    }
}

vocabulary! {
    /// Where a post-release review stands.
    ReviewStatus, "review status" {
        Scheduled = "scheduled",
        Done = "done",
    }
}

vocabulary! {
    /// Where a review's action item stands.
    ActionStatus, "action item status" {
        Open = "open",
        Done = "done",
        Dropped = "dropped",
    }
}

vocabulary! {
    /// Where a synced record came from. Local records have none.
    Source, "source" {
        Jira = "jira",
        Github = "github",
        /// Ingested from a file of another tool (`switchyard ingest`); the key is
        /// `ORIGIN:KEY`, the origin being the file's `--source` (`jenkins`, `pagerduty`).
        Import = "import",
    }
}

vocabulary! {
    /// Which deployments of a repository DORA counts when it has both kinds: those derived
    /// from its deploy workflows' runs (`deployment_workflows`), or those of GitHub's
    /// Deployments API.
    DeploySource, "deployment source" {
        Runs = "runs",
        Deployments = "deployments",
    }
}

vocabulary! {
    /// How a deployment (or a CI run) ended.
    Outcome, "outcome" {
        Success = "success",
        Failure = "failure",
        Pending = "pending",
    }
}

vocabulary! {
    /// A DORA performance cluster (State of DevOps 2023/2024).
    Cluster, "performance cluster" {
        Elite = "elite",
        High = "high",
        Medium = "medium",
        Low = "low",
    }
}

vocabulary! {
    /// A work item's status category (Jira's three; pull requests map onto them).
    StatusCategory, "status category" {
        Todo = "todo",
        InProgress = "in_progress",
        Done = "done",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    macro_rules! check {
        ($t:ty, $($word:literal),+) => {{
            let words: &[&str] = &[$($word),+];
            assert_eq!(<$t>::WORDS, words, "{} words", <$t>::WHAT);
            assert_eq!(<$t>::ALL.len(), words.len());
            for (v, w) in <$t>::ALL.iter().zip(words) {
                assert_eq!(v.as_str(), *w);
                assert_eq!(v.to_string(), *w);
                assert_eq!(w.parse::<$t>().unwrap(), *v);
                let json = serde_json::to_string(v).unwrap();
                assert_eq!(json, format!("\"{w}\""));
                assert_eq!(serde_json::from_str::<$t>(&json).unwrap(), *v);
            }
            let err = "nonsense".parse::<$t>().unwrap_err();
            assert_eq!(err.value, "nonsense");
            let msg = err.to_string();
            for w in words {
                assert!(msg.contains(w), "{msg} should name {w}");
            }
            assert!(msg.contains(<$t>::WHAT), "{msg}");
            // Case matters: the stored words are lower case.
            assert!(words[0].to_uppercase().parse::<$t>().is_err());
            assert!(serde_json::from_str::<$t>("\"nonsense\"").is_err());
        }};
    }

    #[test]
    fn every_value_round_trips_and_unknown_words_are_refused() {
        check!(
            ReleaseStatus,
            "planned",
            "in_progress",
            "released",
            "cancelled"
        );
        check!(ReleaseType, "regular", "major", "hotfix", "emergency");
        check!(RiskClass, "low", "medium", "high", "critical");
        check!(DecisionOutcome, "go", "no_go", "go_with_conditions");
        check!(GoNoGoState, "pending", "go", "no_go", "go_with_conditions");
        check!(ItemState, "pending", "done", "blocked", "not_applicable");
        check!(ItemKind, "manual", "rule");
        check!(ChangeKind, "standard", "normal", "emergency");
        check!(
            ChangeStatus,
            "draft",
            "submitted",
            "approved",
            "rejected",
            "closed"
        );
        check!(ReviewStatus, "scheduled", "done");
        check!(ActionStatus, "open", "done", "dropped");
        check!(StatusCategory, "todo", "in_progress", "done");
        check!(Source, "jira", "github", "import");
        check!(Cluster, "elite", "high", "medium", "low");
        check!(Outcome, "success", "failure", "pending");
        check!(DeploySource, "runs", "deployments");
    }

    #[test]
    fn the_error_names_the_vocabulary_and_the_allowed_words() {
        let err = "shipped".parse::<ReleaseStatus>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "\"shipped\" is not a release status \
             (expected one of: planned, in_progress, released, cancelled)"
        );
    }

    #[test]
    fn risk_classes_order_from_low_to_critical() {
        assert!(RiskClass::Low < RiskClass::Medium);
        assert!(RiskClass::Medium < RiskClass::High);
        assert!(RiskClass::High < RiskClass::Critical);
    }

    #[test]
    fn only_planned_and_in_progress_are_open() {
        let open: Vec<_> = ReleaseStatus::ALL.iter().filter(|s| s.is_open()).collect();
        assert_eq!(open, [&ReleaseStatus::Planned, &ReleaseStatus::InProgress]);
    }
}
