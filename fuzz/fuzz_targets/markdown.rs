//! Synced text as raw bytes (lossy UTF-8) through the reports' Markdown escaper
//! `switchyard_report::escape::md`: one line, and nothing GitHub turns into a mention or a
//! bare link after parsing (`@name`, `www.`, `scheme://`), as the property test
//! `synced_text_in_markdown_is_text_and_links_nowhere` (crates/report/src/escape.rs) checks.
#![no_main]

use libfuzzer_sys::fuzz_target;
use switchyard_report::escape::md;

/// What of a mention or bare link `e` holds, if any (the property test's check, in one pass).
fn forms_a_github_link(e: &str) -> Option<&'static str> {
    let b: Vec<char> = e.to_lowercase().chars().collect();
    for (i, c) in b.iter().enumerate() {
        if *c == '@' && b.get(i + 1).is_some_and(|n| n.is_alphanumeric()) {
            return Some("an @mention or e-mail address");
        }
        if b[i..].starts_with(&['w', 'w', 'w', '.']) && (i == 0 || !b[i - 1].is_alphanumeric()) {
            return Some("a www. link");
        }
    }
    b.windows(4)
        .any(|w| w[0].is_alphanumeric() && w[1..] == [':', '/', '/'])
        .then_some("a scheme:// link")
}

fuzz_target!(|bytes: &[u8]| {
    let s = String::from_utf8_lossy(bytes);
    let e = md(&s);
    assert!(!e.contains('\n') && !e.contains('\r'), "{e:?}");
    if let Some(what) = forms_a_github_link(&e) {
        panic!("{s:?} -> {e:?} forms {what}");
    }
});
