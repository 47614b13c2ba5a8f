//! Go/no-go: who may approve (segregation of duties) and which approvals a risk class
//! still lacks.

use crate::risk::ApprovalRule;
use serde::Serialize;
use std::collections::BTreeSet;

pub use crate::vocab::DecisionOutcome;

/// Why someone may not approve a release.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SodViolation {
    pub person: String,
    /// `author` or `deployer`.
    pub duty: &'static str,
}

impl std::fmt::Display for SodViolation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.duty {
            "author" => write!(
                f,
                "{} authored a change in this release and may not approve it",
                self.person
            ),
            _ => write!(
                f,
                "{} deploys this release and may not approve it",
                self.person
            ),
        }
    }
}

/// Two names or identities of one person: equal ignoring ASCII case and surrounding spaces.
pub(crate) fn same_person(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

/// Segregation of duties: the author of a change in the release, or its deployer, may not
/// approve it.
pub fn check_sod(
    approver: &str,
    authors: &[String],
    deployers: &[String],
) -> Result<(), SodViolation> {
    if authors.iter().any(|a| same_person(a, approver)) {
        return Err(SodViolation {
            person: approver.trim().to_string(),
            duty: "author",
        });
    }
    if deployers.iter().any(|d| same_person(d, approver)) {
        return Err(SodViolation {
            person: approver.trim().to_string(),
            duty: "deployer",
        });
    }
    Ok(())
}

/// What a rule still needs given `(role, approver)` pairs: each missing role, then how many
/// more distinct approvers. Empty when satisfied.
pub fn missing_approvals(rule: &ApprovalRule, approvals: &[(String, String)]) -> Vec<String> {
    let mut missing = Vec::new();
    for role in &rule.roles {
        if !approvals.iter().any(|(r, _)| r == role) {
            missing.push(format!("an approval by role {role}"));
        }
    }
    let people: BTreeSet<String> = approvals
        .iter()
        .map(|(_, p)| p.trim().to_lowercase())
        .collect();
    let need = rule.count as usize;
    if people.len() < need {
        missing.push(format!(
            "{} more approver(s) ({} of {} distinct)",
            need - people.len(),
            people.len(),
            need
        ));
    }
    missing
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::risk::{RiskClass, RiskPolicy};
    use proptest::prelude::*;

    fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
        v.iter()
            .map(|(r, p)| (r.to_string(), p.to_string()))
            .collect()
    }

    #[test]
    fn required_approvals_follow_the_class() {
        let p = RiskPolicy::default();
        let rule = |c| p.approvals.for_class(c);
        assert!(missing_approvals(rule(RiskClass::Low), &[]).is_empty());
        assert_eq!(missing_approvals(rule(RiskClass::Medium), &[]).len(), 1);
        assert!(missing_approvals(rule(RiskClass::Medium), &pairs(&[("qa", "ann")])).is_empty());
        // High: two people, one of them SRE.
        let two_no_sre = pairs(&[("qa", "ann"), ("release_manager", "bob")]);
        assert_eq!(
            missing_approvals(rule(RiskClass::High), &two_no_sre),
            vec!["an approval by role sre".to_string()]
        );
        let one_person_twice = pairs(&[("sre", "ann"), ("release_manager", "Ann")]);
        assert_eq!(
            missing_approvals(rule(RiskClass::High), &one_person_twice).len(),
            1
        );
        let ok = pairs(&[("sre", "ann"), ("release_manager", "bob")]);
        assert!(missing_approvals(rule(RiskClass::High), &ok).is_empty());
        // Critical: the change board too.
        assert!(!missing_approvals(rule(RiskClass::Critical), &ok).is_empty());
        let board = pairs(&[
            ("sre", "ann"),
            ("release_manager", "bob"),
            ("change_board", "cy"),
        ]);
        assert!(missing_approvals(rule(RiskClass::Critical), &board).is_empty());
    }

    #[test]
    fn outcomes_parse_with_dashes_or_underscores() {
        assert_eq!(
            DecisionOutcome::parse_loose("no-go"),
            Ok(DecisionOutcome::NoGo)
        );
        assert_eq!(
            DecisionOutcome::parse_loose("go_with_conditions"),
            Ok(DecisionOutcome::GoWithConditions)
        );
        assert!(DecisionOutcome::parse_loose("maybe").is_err());
    }

    proptest! {
        #[test]
        fn an_author_is_always_refused(
            authors in proptest::collection::vec("[a-z]{1,8}(\\.[a-z]{1,8})?", 1..10),
            deployers in proptest::collection::vec("[a-z-]{1,10}", 0..3),
            pick in any::<proptest::sample::Index>(),
            upper in any::<bool>(),
            pad in any::<bool>(),
        ) {
            let mut who = pick.get(&authors).clone();
            if upper { who = who.to_uppercase(); }
            if pad { who = format!(" {who} "); }
            let v = check_sod(&who, &authors, &deployers).unwrap_err();
            prop_assert_eq!(v.duty, "author");
        }

        #[test]
        fn a_deployer_is_always_refused_and_others_pass(
            deployers in proptest::collection::vec("[a-z-]{1,10}", 1..4),
            pick in any::<proptest::sample::Index>(),
        ) {
            let who = pick.get(&deployers).clone();
            prop_assert!(check_sod(&who, &[], &deployers).is_err());
            prop_assert!(check_sod("Zed Outsider", &[], &deployers).is_ok());
        }
    }
}
