//! JSON as Jira and GitHub send it, made fit for serde_json.
//!
//! Both servers pass user text through as JSON strings, and JavaScript-made text can hold a
//! lone UTF-16 surrogate, which they write as an escape (`"\ud800"`). serde_json refuses
//! such an escape in a string, so one bad title used to make the whole page fail to parse
//! (and the sync stop with `bad_response`). Before parsing, each lone surrogate escape
//! becomes `\ufffd` (U+FFFD, the replacement character); a well-formed pair
//! (`\ud83d\ude00`) and everything else stay as they were.

/// `body` with every lone surrogate escape replaced by `\ufffd`. Returns `body` itself,
/// untouched, when it has none (the usual case: one scan, no copy).
pub(crate) fn without_lone_surrogates(body: Vec<u8>) -> Vec<u8> {
    let Some(first) = first_lone(&body, 0) else {
        return body;
    };
    let mut out = Vec::with_capacity(body.len());
    let mut done = 0;
    let mut next = Some(first);
    while let Some(at) = next {
        out.extend_from_slice(&body[done..at]);
        out.extend_from_slice(b"\\ufffd");
        done = at + 6;
        next = first_lone(&body, done);
    }
    out.extend_from_slice(&body[done..]);
    out
}

/// The value of the `\uXXXX` escape at `at`, if there is one.
fn escape_at(b: &[u8], at: usize) -> Option<u16> {
    if b.get(at) != Some(&b'\\') || b.get(at + 1) != Some(&b'u') {
        return None;
    }
    let hex = std::str::from_utf8(b.get(at + 2..at + 6)?).ok()?;
    u16::from_str_radix(hex, 16).ok()
}

/// Where the first lone surrogate escape at or after `from` starts.
fn first_lone(b: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    while i < b.len() {
        if b[i] != b'\\' {
            i += 1;
            continue;
        }
        // A backslash starts an escape of two bytes (`\\`, `\"`, `\n`, ...) or six (`\uXXXX`):
        // skipping whole escapes keeps `\\ud800` (a backslash, then text) out of the match.
        match escape_at(b, i) {
            Some(0xD800..=0xDBFF) => match escape_at(b, i + 6) {
                Some(0xDC00..=0xDFFF) => i += 12,
                _ => return Some(i),
            },
            Some(0xDC00..=0xDFFF) => return Some(i),
            Some(_) => i += 6,
            None => i += 2,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn fixed(s: &str) -> String {
        String::from_utf8(without_lone_surrogates(s.as_bytes().to_vec())).unwrap()
    }

    #[test]
    fn serde_json_refuses_a_lone_surrogate_which_is_why_this_exists() {
        assert!(serde_json::from_str::<Value>(r#"{"t":"a\ud800b"}"#).is_err());
    }

    #[test]
    fn lone_surrogates_become_the_replacement_character() {
        for (raw, want) in [
            (r#"{"t":"a\ud800b"}"#, "a\u{FFFD}b"),
            (r#"{"t":"\udfff"}"#, "\u{FFFD}"),
            (r#"{"t":"\uD800\uD800"}"#, "\u{FFFD}\u{FFFD}"),
            // A high surrogate followed by a non-surrogate escape.
            (r#"{"t":"\ud800\u0041"}"#, "\u{FFFD}A"),
            // A high surrogate at the very end of the string, and of the body.
            (r#"{"t":"x\udbff"}"#, "x\u{FFFD}"),
            // Low then high: both lone.
            (r#"{"t":"\udc00\ud800"}"#, "\u{FFFD}\u{FFFD}"),
        ] {
            let v: Value =
                serde_json::from_str(&fixed(raw)).unwrap_or_else(|e| panic!("{raw}: {e}"));
            assert_eq!(v["t"], want, "{raw}");
        }
    }

    #[test]
    fn pairs_escaped_backslashes_and_other_escapes_stay_as_they_were() {
        for raw in [
            r#"{"t":"\ud83d\ude00 \u00e9 \n \" \\"}"#,
            // An escaped backslash followed by the text "ud800": no escape at all.
            r#"{"t":"\\ud800"}"#,
            r#"{"t":"\\\\ud800"}"#,
            "{\"t\":\"plain \u{1F600}\"}",
        ] {
            assert_eq!(fixed(raw), raw);
        }
        let v: Value = serde_json::from_str(&fixed(r#"{"t":"\\ud800"}"#)).unwrap();
        assert_eq!(v["t"], "\\ud800");
    }

    #[test]
    fn a_truncated_escape_is_left_for_the_parser_to_refuse() {
        for raw in [r#"{"t":"\ud8"#, r#"{"t":"\u"#, "\\"] {
            assert_eq!(fixed(raw), raw);
        }
    }
}
