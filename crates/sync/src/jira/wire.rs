//! Jira's answers as they come over the wire, decoded leniently: ids as strings or numbers,
//! timestamps as `2024-01-01T10:00:00.000+0000`, RFC 3339 or epoch numbers, nullable
//! lists, ADF (v3) or wiki markup (v2) text.

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use serde::{Deserialize, Deserializer};
use serde_json::Value;
use switchyard_core::Timestamp;

/// A string id that some answers send as a number.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct IdStr(pub String);

impl<'de> Deserialize<'de> for IdStr {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            S(String),
            I(i64),
            U(u64),
        }
        Ok(IdStr(match Raw::deserialize(d)? {
            Raw::S(s) => s,
            Raw::I(i) => i.to_string(),
            Raw::U(u) => u.to_string(),
        }))
    }
}

/// A point in time in any of the forms Jira uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ts(pub Timestamp);

impl<'de> Deserialize<'de> for Ts {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = Value::deserialize(d)?;
        parse_time_value(&v)
            .map(Ts)
            .ok_or_else(|| serde::de::Error::custom(format!("not a Jira timestamp: {v}")))
    }
}

/// A calendar day: `yyyy-mm-dd`, a timestamp, or epoch milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Day(pub NaiveDate);

impl<'de> Deserialize<'de> for Day {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = Value::deserialize(d)?;
        parse_day_value(&v)
            .map(Day)
            .ok_or_else(|| serde::de::Error::custom(format!("not a Jira date: {v}")))
    }
}

/// `2021-01-17T12:34:00.000+0000`, RFC 3339, or `2021-01-17T12:34:00` (UTC).
pub fn parse_time(s: &str) -> Option<Timestamp> {
    let s = s.trim();
    DateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f%z")
        .or_else(|_| DateTime::parse_from_rfc3339(s))
        .map(|t| t.with_timezone(&Utc))
        .ok()
        .or_else(|| {
            NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f")
                .ok()
                .map(|n| n.and_utc())
        })
        .or_else(|| {
            // `yyyy-MM-ddTHH:mmZ` as in X-RateLimit-Reset.
            NaiveDateTime::parse_from_str(s.trim_end_matches('Z'), "%Y-%m-%dT%H:%M")
                .ok()
                .map(|n| n.and_utc())
        })
}

/// Epoch numbers: milliseconds when large, else seconds.
pub fn parse_epoch(n: f64) -> Option<Timestamp> {
    if !n.is_finite() {
        return None;
    }
    let ms = if n.abs() >= 1e11 { n } else { n * 1000.0 };
    Utc.timestamp_millis_opt(ms as i64).single()
}

pub fn parse_time_value(v: &Value) -> Option<Timestamp> {
    match v {
        Value::String(s) => {
            parse_time(s).or_else(|| s.trim().parse::<f64>().ok().and_then(parse_epoch))
        }
        Value::Number(n) => n.as_f64().and_then(parse_epoch),
        _ => None,
    }
}

pub fn parse_day_value(v: &Value) -> Option<NaiveDate> {
    match v {
        Value::String(s) => NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
            .ok()
            .or_else(|| parse_time(s).map(|t| t.date_naive())),
        Value::Number(n) => n.as_f64().and_then(parse_epoch).map(|t| t.date_naive()),
        _ => None,
    }
}

/// `null` where a list is expected reads as an empty list.
fn nullable<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServerInfo {
    pub deployment_type: Option<String>,
    pub version: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub version_numbers: Vec<i64>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Myself {
    pub time_zone: Option<String>,
}

/// `/project/{key}/version`: a PageBean.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VersionPage {
    #[serde(deserialize_with = "nullable")]
    pub values: Vec<Version>,
    pub is_last: Option<bool>,
    pub total: Option<u64>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Version {
    pub id: IdStr,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub archived: Option<bool>,
    #[serde(default)]
    pub released: Option<bool>,
    #[serde(default)]
    pub release_date: Option<Day>,
    #[serde(default)]
    pub start_date: Option<Day>,
}

/// A search answer: Cloud `/search/jql` (`nextPageToken`, `isLast`) or the v2
/// `/search` (`startAt`, `total`).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SearchPage {
    pub issues: Vec<Issue>,
    pub next_page_token: Option<String>,
    pub is_last: Option<bool>,
    pub start_at: Option<u64>,
    pub total: Option<u64>,
}

#[derive(Debug, Deserialize)]
pub struct Issue {
    pub id: IdStr,
    pub key: String,
    #[serde(default)]
    pub fields: Fields,
    #[serde(default)]
    pub changelog: Option<Changelog>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Fields {
    pub summary: Option<String>,
    pub issuetype: Option<Named>,
    pub status: Option<Status>,
    pub priority: Option<Named>,
    #[serde(default, deserialize_with = "nullable")]
    pub labels: Vec<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub components: Vec<Named>,
    #[serde(default, deserialize_with = "nullable")]
    pub fix_versions: Vec<Version>,
    #[serde(default, deserialize_with = "nullable")]
    pub issuelinks: Vec<Link>,
    pub assignee: Option<User>,
    pub reporter: Option<User>,
    pub created: Option<Ts>,
    pub updated: Option<Ts>,
    pub resolutiondate: Option<Ts>,
    pub description: Option<Value>,
    pub project: Option<Project>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Named {
    #[serde(default)]
    pub name: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Status {
    #[serde(default)]
    pub name: String,
    pub status_category: Option<StatusCategory>,
}

#[derive(Debug, Deserialize)]
pub struct StatusCategory {
    #[serde(default)]
    pub key: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    pub display_name: Option<String>,
    pub name: Option<String>,
    pub account_id: Option<String>,
}

impl User {
    pub fn label(&self) -> Option<String> {
        self.display_name
            .clone()
            .or_else(|| self.name.clone())
            .or_else(|| self.account_id.clone())
    }
}

#[derive(Debug, Deserialize)]
pub struct Project {
    pub key: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Link {
    pub id: Option<IdStr>,
    #[serde(rename = "type")]
    pub link_type: Option<LinkType>,
    pub outward_issue: Option<LinkedIssue>,
    pub inward_issue: Option<LinkedIssue>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct LinkType {
    #[serde(default)]
    pub id: Option<IdStr>,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub outward: String,
}

#[derive(Debug, Deserialize)]
pub struct LinkedIssue {
    pub key: String,
}

/// An embedded changelog (`expand=changelog`): Cloud caps it (20 histories).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Changelog {
    pub total: Option<u64>,
    #[serde(default, deserialize_with = "nullable")]
    pub histories: Vec<History>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct History {
    pub id: Option<IdStr>,
    pub author: Option<UserLite>,
    pub created: Option<Ts>,
    #[serde(default, deserialize_with = "nullable")]
    pub items: Vec<HistoryItem>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserLite {
    pub display_name: Option<String>,
    pub name: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HistoryItem {
    #[serde(default)]
    pub field: String,
    pub field_id: Option<String>,
    pub from_string: Option<String>,
    pub to_string: Option<String>,
}

/// `POST /rest/api/3/changelog/bulkfetch`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BulkChangelogs {
    #[serde(deserialize_with = "nullable")]
    pub issue_change_logs: Vec<IssueChangelogs>,
    pub next_page_token: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IssueChangelogs {
    pub issue_id: IdStr,
    #[serde(default, deserialize_with = "nullable")]
    pub change_histories: Vec<History>,
}

/// Jira's error texts from any of its error shapes (ErrorCollection, `{message}`), best
/// effort: `None` when the body is no JSON of those shapes.
pub fn error_messages(body: &[u8]) -> Option<String> {
    let v: Value = serde_json::from_slice(body).ok()?;
    let mut out: Vec<String> = vec![];
    if let Some(list) = v.get("errorMessages").and_then(Value::as_array) {
        out.extend(list.iter().filter_map(Value::as_str).map(str::to_owned));
    }
    if let Some(map) = v.get("errors").and_then(Value::as_object) {
        out.extend(
            map.iter()
                .filter_map(|(k, v)| v.as_str().map(|v| format!("{k}: {v}"))),
        );
    }
    if let Some(m) = v.get("message").and_then(Value::as_str) {
        out.push(m.to_owned());
    }
    let text = out.join("; ");
    let text: String = text.chars().take(500).collect();
    (!text.trim().is_empty()).then_some(text)
}

/// Plain text of an Atlassian Document Format tree.
pub fn adf_to_text(v: &Value) -> String {
    fn walk(v: &Value, out: &mut String) {
        match v {
            Value::Array(items) => items.iter().for_each(|i| walk(i, out)),
            Value::Object(o) => {
                let kind = o.get("type").and_then(Value::as_str).unwrap_or("");
                match kind {
                    "text" => {
                        if let Some(t) = o.get("text").and_then(Value::as_str) {
                            out.push_str(t)
                        }
                    }
                    "hardBreak" => out.push('\n'),
                    "mention" | "emoji" | "status" | "date" => {
                        let attrs = o.get("attrs");
                        let t = attrs
                            .and_then(|a| a.get("text").or_else(|| a.get("shortName")))
                            .and_then(Value::as_str);
                        if let Some(t) = t {
                            out.push_str(t)
                        }
                    }
                    "inlineCard" | "blockCard" | "embedCard" => {
                        if let Some(u) = o
                            .get("attrs")
                            .and_then(|a| a.get("url"))
                            .and_then(Value::as_str)
                        {
                            out.push_str(u)
                        }
                    }
                    _ => {
                        if kind == "listItem" {
                            out.push_str("- ");
                        }
                        if let Some(c) = o.get("content") {
                            walk(c, out)
                        }
                        if matches!(
                            kind,
                            "paragraph" | "heading" | "codeBlock" | "rule" | "mediaSingle"
                        ) && !out.ends_with('\n')
                        {
                            out.push('\n');
                        }
                    }
                }
            }
            Value::String(s) => out.push_str(s),
            _ => {}
        }
    }
    let mut out = String::new();
    walk(v, &mut out);
    out.trim().to_string()
}

/// Plain text of Jira wiki markup (v2 and Data Center): headings, list bullets, `{code}`
/// and similar macros, `[text|url]` links, and `*bold*`/`_italic_` marks are unwrapped.
pub fn wiki_to_text(s: &str) -> String {
    let mut lines = vec![];
    for line in s.lines() {
        let mut l = line.trim_end();
        // h1. .. h6.
        // Compared as bytes: `h1.中文` must not slice inside a character.
        let b = l.as_bytes();
        if b.len() > 3 && b[0] == b'h' && b[1].is_ascii_digit() && &b[2..4] == b". " {
            l = &l[4..];
        }
        let bullet = l.trim_start();
        let stripped = bullet.trim_start_matches(['*', '#', '-']);
        let mut text = String::new();
        if stripped.len() < bullet.len() && stripped.starts_with(' ') {
            text.push_str("- ");
            l = stripped.trim_start();
        }
        let mut chars = l.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '{' => {
                    // A macro such as {code:java} or {color:red}: dropped.
                    for c in chars.by_ref() {
                        if c == '}' {
                            break;
                        }
                    }
                }
                '[' => {
                    let mut inner = String::new();
                    for c in chars.by_ref() {
                        if c == ']' {
                            break;
                        }
                        inner.push(c);
                    }
                    let shown = inner.split('|').next().unwrap_or("");
                    text.push_str(shown);
                }
                '*' | '_' | '+' => {}
                _ => text.push(c),
            }
        }
        lines.push(text);
    }
    lines.join("\n").trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wiki_lines_that_are_not_headings_are_kept_even_in_other_scripts() {
        // `h1.中文` once sliced inside 中 and panicked the sync.
        assert_eq!(wiki_to_text("h1.中文\nh2. Rollout"), "h1.中文\nRollout");
        assert_eq!(wiki_to_text("h1中文"), "h1中文");
        assert_eq!(wiki_to_text("h3. 中文"), "中文");
    }

    #[test]
    fn jira_timestamps_in_every_form() {
        let want = Utc.with_ymd_and_hms(2021, 1, 17, 12, 34, 0).unwrap();
        assert_eq!(parse_time("2021-01-17T12:34:00.000+0000"), Some(want));
        assert_eq!(parse_time("2021-01-17T13:34:00.000+0100"), Some(want));
        assert_eq!(parse_time("2021-01-17T12:34:00Z"), Some(want));
        assert_eq!(parse_time("2021-01-17T12:34Z"), Some(want));
        assert_eq!(
            parse_time_value(&serde_json::json!(1610886840000i64)),
            Some(want)
        );
        assert_eq!(parse_time_value(&serde_json::json!(1610886840)), Some(want));
        assert_eq!(
            parse_day_value(&serde_json::json!(1278385482288i64)),
            NaiveDate::from_ymd_opt(2010, 7, 6)
        );
        assert_eq!(
            parse_day_value(&serde_json::json!("2010-07-06")),
            NaiveDate::from_ymd_opt(2010, 7, 6)
        );
        assert_eq!(parse_time("soon"), None);
    }

    #[test]
    fn adf_and_wiki_become_plain_text() {
        let adf = serde_json::json!({"type":"doc","version":1,"content":[
            {"type":"heading","content":[{"type":"text","text":"Title"}]},
            {"type":"paragraph","content":[{"type":"text","text":"Main ","marks":[{"type":"strong"}]},
                {"type":"text","text":"flow"},{"type":"hardBreak"},{"type":"mention","attrs":{"text":"@mia"}}]},
            {"type":"bulletList","content":[{"type":"listItem","content":[{"type":"paragraph","content":[{"type":"text","text":"one"}]}]}]}
        ]});
        assert_eq!(adf_to_text(&adf), "Title\nMain flow\n@mia\n- one");
        assert_eq!(
            wiki_to_text("h2. Steps\n* open *the* [page|http://x]\n{code:java}x(){code}"),
            "Steps\n- open the page\nx()"
        );
    }

    #[test]
    fn error_bodies_of_every_shape() {
        assert_eq!(
            error_messages(br#"{"errorMessages":["Bad JQL"],"errors":{}}"#).as_deref(),
            Some("Bad JQL")
        );
        assert_eq!(
            error_messages(br#"{"errorMessages":[],"errors":{"f":"no"}}"#).as_deref(),
            Some("f: no")
        );
        assert_eq!(
            error_messages(br#"{"message":"Client must be authenticated","status-code":401}"#)
                .as_deref(),
            Some("Client must be authenticated")
        );
        assert_eq!(error_messages(b"<html>nope</html>"), None);
    }
}
