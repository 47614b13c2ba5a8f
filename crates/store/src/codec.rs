//! How domain values are written to and read from SQLite columns.

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use rusqlite::types::Type;
use std::str::FromStr;
use switchyard_core::{Source, Timestamp, UnknownValue};

pub fn ts(t: &Timestamp) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

pub fn ts_opt(t: &Option<Timestamp>) -> Option<String> {
    t.as_ref().map(ts)
}

pub fn date(d: &NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

pub fn date_opt(d: &Option<NaiveDate>) -> Option<String> {
    d.as_ref().map(date)
}

fn conv_err(col: usize, e: impl std::error::Error + Send + Sync + 'static) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(col, Type::Text, Box::new(e))
}

pub fn get_ts(row: &rusqlite::Row, col: usize) -> rusqlite::Result<Timestamp> {
    let s: String = row.get(col)?;
    parse_ts(&s).map_err(|e| conv_err(col, e))
}

/// A time as [`ts`] wrote it. RFC 3339 has four-digit years only; a time outside years
/// 0000-9999, which chrono holds and an imported document may carry, is written with a sign
/// (`+262142-12-31T00:00:00Z`) and read back as serde reads it from a document, so whatever
/// an import took, the workspace reads and exports again.
pub fn parse_ts(s: &str) -> Result<Timestamp, chrono::ParseError> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .or_else(|e| s.parse::<DateTime<Utc>>().map_err(|_| e))
}

pub fn get_ts_opt(row: &rusqlite::Row, col: usize) -> rusqlite::Result<Option<Timestamp>> {
    match row.get::<_, Option<String>>(col)? {
        None => Ok(None),
        Some(_) => get_ts(row, col).map(Some),
    }
}

pub fn get_date(row: &rusqlite::Row, col: usize) -> rusqlite::Result<NaiveDate> {
    let s: String = row.get(col)?;
    NaiveDate::parse_from_str(&s, "%Y-%m-%d").map_err(|e| conv_err(col, e))
}

pub fn get_date_opt(row: &rusqlite::Row, col: usize) -> rusqlite::Result<Option<NaiveDate>> {
    match row.get::<_, Option<String>>(col)? {
        None => Ok(None),
        Some(_) => get_date(row, col).map(Some),
    }
}

pub fn get_json<T: serde::de::DeserializeOwned>(
    row: &rusqlite::Row,
    col: usize,
) -> rusqlite::Result<T> {
    let s: String = row.get(col)?;
    serde_json::from_str(&s).map_err(|e| conv_err(col, e))
}

pub fn get_json_opt<T: serde::de::DeserializeOwned>(
    row: &rusqlite::Row,
    col: usize,
) -> rusqlite::Result<Option<T>> {
    match row.get::<_, Option<String>>(col)? {
        None => Ok(None),
        Some(_) => get_json(row, col).map(Some),
    }
}

pub fn json<T: serde::Serialize>(v: &T) -> String {
    // Serialising our own plain data types cannot fail.
    serde_json::to_string(v).unwrap_or_else(|_| "null".into())
}

pub fn source_opt(s: &Option<Source>) -> Option<&'static str> {
    s.map(Source::as_str)
}

/// A word of a closed vocabulary (a status, class, outcome, ...). A word the vocabulary
/// does not hold is an error naming the allowed words (see `StoreError::UnknownValue`),
/// never a panic.
pub fn get_word<T: FromStr<Err = UnknownValue>>(
    row: &rusqlite::Row,
    col: usize,
) -> rusqlite::Result<T> {
    let s: String = row.get(col)?;
    s.parse().map_err(|e| conv_err(col, e))
}

pub fn get_word_opt<T: FromStr<Err = UnknownValue>>(
    row: &rusqlite::Row,
    col: usize,
) -> rusqlite::Result<Option<T>> {
    match row.get::<_, Option<String>>(col)? {
        None => Ok(None),
        Some(s) => s.parse().map(Some).map_err(|e| conv_err(col, e)),
    }
}

pub fn get_source_opt(row: &rusqlite::Row, col: usize) -> rusqlite::Result<Option<Source>> {
    get_word_opt(row, col)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by the import property (crates/store/tests/import_props): a time at chrono's
    /// last day was imported, written as `+262142-12-31T00:00:00Z`, and then could not be
    /// read back, so the workspace could not be exported.
    #[test]
    fn every_time_chrono_holds_is_read_back_as_written() {
        let last = DateTime::<Utc>::MAX_UTC;
        let first = DateTime::<Utc>::MIN_UTC;
        let day = "2026-12-02T05:30:00Z".parse::<Timestamp>().unwrap();
        for t in [last, first, day, last - chrono::Duration::days(1)] {
            assert_eq!(parse_ts(&ts(&t)).unwrap(), t, "{}", ts(&t));
        }
        assert_eq!(ts(&day), "2026-12-02T05:30:00Z");
        assert!(parse_ts("2026-13-01T00:00:00Z").is_err());
    }
}
