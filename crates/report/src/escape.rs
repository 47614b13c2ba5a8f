//! Escaping for every output format. Every string that came from Jira, GitHub or a person
//! (titles, names, notes, URLs) passes through one of these before it reaches a report, so
//! nothing in a title can run, link or inject.
//!
//! - HTML: [`html`] for text and attribute values (always double-quoted); [`safe_url`] for
//!   `href`s (http and https only).
//! - Markdown: [`md`] escapes the CommonMark metacharacters and HTML; [`md_link`] emits a
//!   link only for an http(s) URL, else the escaped text alone.
//! - ICS (RFC 5545): [`ics_text`] escapes backslash, semicolon, comma and newlines and drops
//!   other control characters; [`ics_fold`] folds a content line at 75 octets without
//!   splitting a UTF-8 sequence.
//! - CSV (RFC 4180): [`csv_cell`] quotes where needed and neutralises spreadsheet formulas
//!   (a cell starting with `=`, `+`, `-`, `@`, tab or CR gets a leading apostrophe).

use std::fmt::Write;

/// Text or a double-quoted attribute value in HTML (and SVG/XML).
pub fn html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters other than tab and newline are not allowed in HTML text.
            c if c.is_control() && c != '\t' && c != '\n' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// The URL if it is an absolute `http` or `https` URL without whitespace, control
/// characters or quotes; `None` for anything else (`javascript:`, `data:`, relative, ...).
pub fn safe_url(url: &str) -> Option<&str> {
    let u = url.trim();
    let lower = u.get(..8).unwrap_or(u).to_ascii_lowercase();
    let scheme_ok = lower.starts_with("https://") || lower.starts_with("http://");
    let host_ok = u
        .split_once("://")
        .map(|(_, rest)| !rest.is_empty() && !rest.starts_with('/'))
        .unwrap_or(false);
    let chars_ok = !u.chars().any(|c| {
        c.is_whitespace() || c.is_control() || matches!(c, '"' | '\'' | '<' | '>' | '`' | '\\')
    });
    (scheme_ok && host_ok && chars_ok).then_some(u)
}

/// `<a href="URL">text</a>` for an http(s) URL, else the escaped text alone.
pub fn html_link(text: &str, url: Option<&str>) -> String {
    match url.and_then(safe_url) {
        Some(u) => format!(
            "<a href=\"{}\" rel=\"noopener noreferrer\">{}</a>",
            html(u),
            html(text)
        ),
        None => html(text),
    }
}

/// U+2060 WORD JOINER: invisible, and not a character a mention, a user name or a URL
/// scheme is made of.
const JOINER: char = '\u{2060}';

/// Markdown text: the CommonMark metacharacters backslash-escaped, `<`, `>` and `&` as
/// entities (so no raw HTML, autolink or entity survives), newlines as spaces (the text
/// sits in a list item or table cell), and a leading block marker (`#`, `+`, `-`, `=`,
/// `1.`) escaped.
///
/// What GitHub-flavoured renderers add after parsing is neutralised too, since a backslash
/// does not stop them: `@name` mentions and `a@b.org` addresses (a word joiner after the
/// `@`), bare `scheme://` and `www.` links (a word joiner before the `:` or the `.`). The
/// text reads the same; pasted into an issue or a chat it pings no one and links nowhere.
pub fn md(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let mut at_start = true;
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            // Leading white space is dropped: after a list marker, four spaces (or a tab)
            // would open a code block, and one would hide a `1.` from the rule below.
            c if at_start && (c.is_whitespace() || c.is_control()) => continue,
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            // Parentheses need no escape: with `[` and `]` escaped no link can form.
            '\\' | '`' | '*' | '_' | '{' | '}' | '[' | ']' | '!' | '|' | '~' | '#' | '"' | '$' => {
                out.push('\\');
                out.push(c);
            }
            '@' => {
                out.push('@');
                out.push(JOINER);
            }
            ':' if chars.clone().take(2).eq("//".chars()) => {
                out.push(JOINER);
                out.push(':');
            }
            '.' if out.len() >= 3
                && out.is_char_boundary(out.len() - 3)
                && out[out.len() - 3..].eq_ignore_ascii_case("www")
                && out[..out.len() - 3]
                    .chars()
                    .next_back()
                    .is_none_or(|p| !p.is_alphanumeric()) =>
            {
                out.push(JOINER);
                out.push('.');
            }
            // `:` too: a definition list's description where renderers have those.
            '+' | '-' | '=' | ':' if at_start => {
                out.push('\\');
                out.push(c);
            }
            // `1. ` or `1) ` at the start would open an ordered list.
            '.' | ')'
                if !at_start
                    && out.chars().all(|d| d.is_ascii_digit())
                    && chars
                        .peek()
                        .is_none_or(|n| n.is_whitespace() || n.is_control()) =>
            {
                out.push('\\');
                out.push(c);
            }
            '\r' | '\n' => {
                if c == '\r' && chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push(' ');
            }
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
        if !c.is_whitespace() {
            at_start = false;
        }
    }
    out
}

/// A URL inside Markdown link parentheses: everything that could end or confuse the
/// destination is percent-encoded.
fn md_url(u: &str) -> String {
    let mut out = String::with_capacity(u.len());
    for c in u.chars() {
        match c {
            '(' | ')' | '<' | '>' | '[' | ']' | '\\' | '`' | '"' | '\'' | '*' | '_' | ' ' => {
                let _ = write!(out, "%{:02X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

/// `[text](url)` for an http(s) URL; the escaped text alone for anything else.
pub fn md_link(text: &str, url: Option<&str>) -> String {
    match url.and_then(safe_url) {
        Some(u) => format!("[{}]({})", md(text), md_url(u)),
        None => md(text),
    }
}

/// An ICS TEXT value (RFC 5545 3.3.11): backslash, semicolon, comma escaped, newlines as
/// `\n`, other control characters dropped.
pub fn ics_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("\\n");
            }
            '\n' => out.push_str("\\n"),
            '\t' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// One content line, folded (RFC 5545 3.1): no physical line longer than 75 octets,
/// continuation lines start with a space, never inside a UTF-8 sequence; each physical line
/// ends with CRLF.
pub fn ics_fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + line.len() / 70 * 3 + 2);
    let mut used = 0;
    for c in line.chars() {
        let n = c.len_utf8();
        if used + n > 75 {
            out.push_str("\r\n ");
            used = 1;
        }
        out.push(c);
        used += n;
    }
    out.push_str("\r\n");
    out
}

/// A CSV cell (RFC 4180): quoted when it holds a comma, quote, CR or LF (quotes doubled);
/// a cell starting with `=`, `+`, `-`, `@`, tab or CR gets a leading apostrophe so no
/// spreadsheet runs it as a formula.
pub fn csv_cell(s: &str) -> String {
    let neutral = match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{s}"),
        _ => s.to_owned(),
    };
    if neutral.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", neutral.replace('"', "\"\""))
    } else {
        neutral
    }
}

/// A CSV row from cells already escaped with [`csv_cell`] (or numbers), CRLF-terminated.
pub fn csv_row<I, S>(cells: I) -> String
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let mut out = String::new();
    for (i, c) in cells.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(c.as_ref());
    }
    out.push_str("\r\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOSTILE: &str = "<img src=x onerror=alert(1)>](javascript:alert(1)) *x* `y` & \"q\" 'a'";

    #[test]
    fn html_escapes_markup_and_quotes() {
        let e = html(HOSTILE);
        assert!(!e.contains('<') && !e.contains('>') && !e.contains('"') && !e.contains('\''));
        assert!(e.starts_with("&lt;img src=x onerror=alert(1)&gt;"));
        assert_eq!(html("a\u{0}b"), "a\u{FFFD}b");
    }

    #[test]
    fn only_http_and_https_urls_are_safe() {
        assert_eq!(
            safe_url("https://acme.atlassian.net/browse/ABC-1"),
            Some("https://acme.atlassian.net/browse/ABC-1")
        );
        assert_eq!(safe_url(" HTTP://x.org/a "), Some("HTTP://x.org/a"));
        for bad in [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            "data:text/html,<script>",
            "//evil.org/x",
            "/relative",
            "https://",
            "https:///path",
            "https://x.org/\"onmouseover=alert(1)",
            "https://x.org/a b",
            "vbscript:msgbox",
            "",
        ] {
            assert_eq!(safe_url(bad), None, "{bad}");
        }
        assert_eq!(html_link("t<", Some("javascript:alert(1)")), "t&lt;");
        assert!(html_link("t", Some("https://x.org/?a=1&b=2"))
            .contains("href=\"https://x.org/?a=1&amp;b=2\""));
    }

    #[test]
    fn markdown_text_is_inert() {
        let e = md(HOSTILE);
        assert!(!e.contains('<'), "{e}");
        assert!(e.contains("\\](javascript:alert(1))"), "{e}");
        assert!(e.contains("\\*x\\*") && e.contains("\\`y\\`") && e.contains("&amp;"));
        assert_eq!(md("# title"), "\\# title");
        assert_eq!(md("- item"), "\\- item");
        assert_eq!(md("1. one"), "1\\. one");
        assert_eq!(md("v1.2"), "v1.2");
        assert_eq!(md("26.46.0"), "26.46.0");
        assert_eq!(md("a\r\nb\nc"), "a b c");
        assert_eq!(md("&#106;avascript"), "&amp;\\#106;avascript");
    }

    #[test]
    fn markdown_text_pings_no_one_and_links_nowhere() {
        let j = JOINER;
        assert_eq!(md("thanks @octocat"), format!("thanks @{j}octocat"));
        assert_eq!(md("ops@acme.org"), format!("ops@{j}acme.org"));
        assert_eq!(
            md("see https://evil.example/x"),
            format!("see https{j}://evil.example/x")
        );
        assert_eq!(md("WWW.evil.example"), format!("WWW{j}.evil.example"));
        assert_eq!(md("(www.evil.example)"), format!("(www{j}.evil.example)"));
        // Only at a word's start, and only the scheme's colon: the rest reads as written.
        assert_eq!(md("awww.x"), "awww.x");
        assert_eq!(md("ratio 3:2, at 10:30"), "ratio 3:2, at 10:30");
        assert_eq!(md("éww.x"), "éww.x");
        for hostile in ["@here", "ftp://x.org", "mailto:a@b.org", "x www.a.b"] {
            let e = md(hostile);
            let plain: String = e.chars().filter(|c| *c != j).collect();
            assert_eq!(plain, hostile, "the text reads as written");
            for formed in ["p://", "www.", "@b", "@h"] {
                assert!(!e.contains(formed), "{e} forms {formed}");
            }
        }
    }

    #[test]
    fn markdown_links_only_for_http() {
        assert_eq!(md_link("x", Some("javascript:alert(1)")), "x");
        assert_eq!(
            md_link("](javascript:alert(1))", None),
            "\\](javascript:alert(1))"
        );
        assert_eq!(
            md_link("ABC-1", Some("https://j.example/browse/ABC-1?a=(1)")),
            "[ABC-1](https://j.example/browse/ABC-1?a=%281%29)"
        );
    }

    #[test]
    fn ics_text_escapes_and_folds_on_char_boundaries() {
        assert_eq!(ics_text("a\\b;c,d\r\ne\nf\u{7}"), "a\\\\b\\;c\\,d\\ne\\nf");
        let long = format!("SUMMARY:{}", "é€😀x".repeat(40));
        let folded = ics_fold(&long);
        assert!(folded.ends_with("\r\n"));
        for (i, line) in folded.trim_end_matches("\r\n").split("\r\n").enumerate() {
            assert!(line.len() <= 75, "{} octets", line.len());
            assert_eq!(i > 0, line.starts_with(' '));
        }
        let unfolded: String = folded.trim_end_matches("\r\n").replace("\r\n ", "");
        assert_eq!(unfolded, long);
    }

    #[test]
    fn csv_quotes_and_neutralises_formulas() {
        assert_eq!(csv_cell("plain"), "plain");
        assert_eq!(csv_cell("a,b"), "\"a,b\"");
        assert_eq!(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(
            csv_cell("=HYPERLINK(\"http://x\")"),
            "\"'=HYPERLINK(\"\"http://x\"\")\""
        );
        assert_eq!(csv_cell("+1"), "'+1");
        assert_eq!(csv_cell("-2"), "'-2");
        assert_eq!(csv_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_cell("\tx"), "'\tx");
        assert_eq!(csv_cell("\rx"), "\"'\rx\"");
        assert_eq!(csv_row(["a", "b"]), "a,b\r\n");
    }

    // The gaps the Markdown property found (issue 16), each kept by name.

    #[test]
    fn markdown_text_cannot_open_an_ordered_list_with_a_parenthesis() {
        // `1) one` opened an ordered list (only `1.` was escaped).
        assert_eq!(md("1) one"), "1\\) one");
        assert_eq!(md("f(x)"), "f(x)");
    }

    #[test]
    fn markdown_text_drops_leading_white_space_that_would_open_code_or_lists() {
        // After `- `, four spaces opened an indented code block, and ` 0)` a nested list.
        assert_eq!(md("    let x = 1;"), "let x = 1;");
        assert_eq!(md("\t code"), "code");
        assert_eq!(md(" 0) x"), "0\\) x");
    }

    #[test]
    fn markdown_text_cannot_open_a_list_with_a_control_character_after_the_number() {
        // `0.` followed by NUL (shown as a space) opened an ordered list.
        assert_eq!(md("0.\u{0}"), "0\\. ");
    }

    #[test]
    fn markdown_text_cannot_open_a_definition() {
        // A leading `:` opened a definition list's description (renderers with that extension).
        assert_eq!(md(": defined"), "\\: defined");
        assert_eq!(md("at 10:30"), "at 10:30");
    }

    /// Issue 16: synced text through [`md`] as the reports place it (a list item, a table
    /// cell, a paragraph), parsed by a CommonMark + GFM parser, is one run of text that
    /// reads as written; and none of what GitHub adds after parsing (mentions, bare links)
    /// can form. The cargo-fuzz target `markdown` feeds the same function raw bytes.
    mod properties {
        use super::*;
        use proptest::prelude::*;
        use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

        /// Text made of what Markdown and GitHub give meaning to, and anything else.
        fn synced() -> impl Strategy<Value = String> {
            let piece = prop_oneof![
                3 => "[ \t\n]{1,5}",
                3 => "[0-9]{1,3}[.)]",
                3 => prop::sample::select(vec![
                    "#", "*", "_", "`", "~", "[", "]", "(", ")", "<", ">", "&", "!", "|", "\\",
                    "-", "+", "=", ":", "@", "www.", "WWW.", "http://", "https://", "mailto:",
                    "ftp://", "xmpp:", "&amp;", "&#106;", "<b>", "[^1]", "[[w]]", "$x$", "---",
                    "***", "```", "~~~", "    ", "\r\n", "\u{0}", "\u{2060}", "é", "@here",
                    ".", "'", "\"",
                ]).prop_map(str::to_owned),
                4 => "[A-Za-z0-9]{1,6}",
                1 => "\\PC{1,4}",
            ];
            proptest::collection::vec(piece, 0..12).prop_map(|v| v.concat())
        }

        /// The text a reader sees of `doc`, or what in it is more than text.
        fn text_of(doc: &str) -> Result<String, String> {
            let opts = Options::all() - Options::ENABLE_SMART_PUNCTUATION;
            let mut text = String::new();
            for ev in Parser::new_ext(doc, opts) {
                match ev {
                    Event::Text(t) => text.push_str(&t),
                    Event::SoftBreak => text.push(' '),
                    Event::Start(
                        Tag::Paragraph
                        | Tag::List(None)
                        | Tag::Item
                        | Tag::Table(_)
                        | Tag::TableHead
                        | Tag::TableRow
                        | Tag::TableCell,
                    )
                    | Event::End(
                        TagEnd::Paragraph
                        | TagEnd::List(false)
                        | TagEnd::Item
                        | TagEnd::Table
                        | TagEnd::TableHead
                        | TagEnd::TableRow
                        | TagEnd::TableCell,
                    ) => {}
                    other => return Err(format!("{other:?}")),
                }
            }
            Ok(text)
        }

        /// What `md` promises a reader sees: line breaks and control characters as spaces,
        /// leading white space of any kind dropped (`md` drops it), trailing spaces and tabs
        /// (which Markdown drops) aside.
        fn as_read(s: &str) -> String {
            let one_line: String = s
                .replace("\r\n", "\n")
                .chars()
                .map(|c| if c.is_control() { ' ' } else { c })
                .collect();
            one_line
                .trim_start_matches(char::is_whitespace)
                .trim_end_matches([' ', '\t'])
                .to_owned()
        }

        fn forms_a_github_link(e: &str) -> Option<&'static str> {
            let lower = e.to_lowercase();
            let b: Vec<char> = lower.chars().collect();
            for (i, c) in b.iter().enumerate() {
                if *c == '@' && b.get(i + 1).is_some_and(|n| n.is_alphanumeric()) {
                    return Some("an @mention or e-mail address");
                }
                if lower[lower.char_indices().nth(i).map_or(0, |(o, _)| o)..].starts_with("www.")
                    && (i == 0 || !b[i - 1].is_alphanumeric())
                {
                    return Some("a www. link");
                }
            }
            b.windows(4)
                .any(|w| w[0].is_alphanumeric() && w[1..] == [':', '/', '/'])
                .then_some("a scheme:// link")
        }

        proptest! {
            #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

            #[test]
            fn synced_text_in_markdown_is_text_and_links_nowhere(s in synced()) {
                let e = md(&s);
                prop_assert!(!e.contains('\n') && !e.contains('\r'), "{e:?}");
                if let Some(what) = forms_a_github_link(&e) {
                    prop_assert!(false, "{s:?} -> {e:?} forms {what}");
                }
                let want = as_read(&s.replace(JOINER, ""));
                let seen = |doc: String| -> Result<String, TestCaseError> {
                    let got = text_of(&doc).map_err(|m| TestCaseError::fail(format!("{s:?} -> {doc:?} opens {m}")))?;
                    Ok(got.replace(JOINER, "").trim_matches([' ', '\t']).to_owned())
                };
                for doc in [
                    format!("- {e}\n"),
                    format!("| a |\n|---|\n| {e} |\n"),
                    format!("Title\n\n{e}\n"),
                ] {
                    let got = seen(doc.clone())?;
                    // A table cell also drops the inner white space next to its pipes.
                    if !doc.starts_with('|') {
                        let got = got.strip_prefix("Title").unwrap_or(&got).trim_matches([' ', '\t']).to_owned();
                        prop_assert_eq!(&got, &want, "{:?} -> {:?}", s, doc);
                    }
                }
            }
        }
    }
}
