//! Issue 16: an export document edited anywhere (a value swapped for a hostile one, or its
//! text cut short) is read and imported whole, or refused with a documented error and the
//! workspace left empty; what imports exports again the same. The cargo-fuzz target
//! `json_import` feeds the same path raw bytes.

use super::loaded_at;
use proptest::prelude::*;
use serde_json::Value;
use switchyard_core::{demo, Document};
use switchyard_store::{Store, StoreError};

/// Every leaf of `v` as a JSON pointer.
fn leaves(v: &Value, at: String, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => m.iter().for_each(|(k, v)| {
            leaves(
                v,
                format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")),
                out,
            )
        }),
        Value::Array(a) => a
            .iter()
            .enumerate()
            .for_each(|(i, v)| leaves(v, format!("{at}/{i}"), out)),
        _ => out.push(at),
    }
}

fn hostile() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        Just(Value::Bool(true)),
        Just(Value::from(i64::MAX)),
        Just(Value::from(i64::MIN)),
        Just(Value::from(-1)),
        Just(Value::from(0)),
        Just(Value::from(99_999)),
        Just(Value::from(1e308)),
        Just(Value::from("")),
        Just(Value::from("\u{0}'; DROP TABLE releases; --")),
        Just(Value::from("9999-12-31")),
        Just(Value::from("+262142-12-31T00:00:00Z")),
        Just(Value::Array(vec![])),
        "\\PC{0,16}".prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
    ]
}

/// The demo document once, as JSON, with its leaves.
fn demo_json() -> &'static (Value, Vec<String>) {
    static DOC: std::sync::OnceLock<(Value, Vec<String>)> = std::sync::OnceLock::new();
    DOC.get_or_init(|| {
        let v = serde_json::to_value(demo::generate(loaded_at())).unwrap();
        let mut at = vec![];
        leaves(&v, String::new(), &mut at);
        (v, at)
    })
}

/// Imports `doc` into a fresh workspace: `Ok` with the workspace's export, or the error
/// after checking nothing was left behind.
fn import_fresh(doc: &Document) -> Result<Document, StoreError> {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Store::open(&dir.path().join("ws.sqlite3")).unwrap();
    match s.import(doc) {
        Ok(()) => Ok(s.export().unwrap()),
        Err(e) => {
            assert!(
                s.counts().unwrap().is_empty(),
                "{e}: a refused import left records"
            );
            Err(e)
        }
    }
}

proptest! {
    // Each case imports the whole demo into a real SQLite file (and again on success):
    // two dozen keep the suite fast; PROPTEST_CASES=500 for a longer run.
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn an_edited_export_imports_whole_or_is_refused_leaving_nothing(
        edits in proptest::collection::vec((any::<prop::sample::Index>(), hostile()), 1..4),
        cut in proptest::option::weighted(0.15, any::<prop::sample::Index>()),
    ) {
        let (json, at) = demo_json();
        let mut v = json.clone();
        for (i, value) in edits {
            let pointer: &String = i.get(at);
            *v.pointer_mut(pointer).unwrap() = value;
        }
        let mut text = serde_json::to_string(&v).unwrap();
        if let Some(cut) = cut {
            let n = cut.index(text.len());
            let n = (0..=n).rev().find(|n| text.is_char_boundary(*n)).unwrap();
            text.truncate(n);
        }
        let Ok(doc) = serde_json::from_str::<Document>(&text) else {
            return Ok(()); // refused as JSON: the app's `parse_document` says so in one line
        };
        match import_fresh(&doc) {
            Ok(exported) => {
                // What imported exports again the same, and imports again to the same.
                prop_assert_eq!(import_fresh(&exported).map_err(|e| e.to_string()), Ok(exported));
            }
            Err(e) => {
                prop_assert!(
                    matches!(e, StoreError::Invalid(_) | StoreError::UnknownValue(_)),
                    "an undocumented error: {e:?}"
                );
                prop_assert!(!e.to_string().contains('\n'), "{e}");
            }
        }
    }
}
