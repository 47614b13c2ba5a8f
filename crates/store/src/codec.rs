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
    DateTime::parse_from_rfc3339(&s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| conv_err(col, e))
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
