//! A risk policy file as raw bytes (lossy UTF-8, as a file read with replacement) through
//! `RiskPolicy::from_toml`: read into a valid policy that round-trips through its TOML, or
//! refused in one line starting "policy" (the property test
//! `any_policy_text_is_read_or_refused_in_one_line`, crates/core/src/risk.rs).
#![no_main]

use libfuzzer_sys::fuzz_target;
use switchyard_core::risk::{PolicyError, RiskPolicy};

fuzz_target!(|bytes: &[u8]| {
    let text = String::from_utf8_lossy(bytes);
    match RiskPolicy::from_toml(&text) {
        Ok(p) => {
            assert!(p.validate().is_ok());
            assert_eq!(RiskPolicy::from_toml(&p.to_toml()), Ok(p));
        }
        Err(PolicyError(m)) => {
            assert!(m.starts_with("policy"), "{m}");
            assert!(!m.contains('\n'), "{m}");
        }
    }
});
