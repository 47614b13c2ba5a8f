//! A Jira description as raw bytes: as ADF (JSON) through `adf_to_text` when it parses as
//! JSON, and as wiki markup through `wiki_to_text`; the same text as a Jira time through
//! `parse_time`. Both conversions give trimmed text and never panic (the property test
//! `any_adf_or_wiki_description_becomes_trimmed_text`, crates/sync/src/props.rs).
#![no_main]

use libfuzzer_sys::fuzz_target;
use switchyard_sync::jira::{adf_to_text, parse_time, wiki_to_text};

fuzz_target!(|bytes: &[u8]| {
    if let Ok(v) = serde_json::from_slice::<serde_json::Value>(bytes) {
        let t = adf_to_text(&v);
        assert_eq!(t.trim(), t.as_str());
    }
    let s = String::from_utf8_lossy(bytes);
    let w = wiki_to_text(&s);
    assert_eq!(w.trim(), w.as_str());
    let _ = parse_time(&s);
});
