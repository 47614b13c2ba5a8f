//! An export document as raw bytes through the import path: read as the app reads it
//! (`serde_json` into `switchyard_core::Document`; what is no document is refused there),
//! then `Store::import` into a fresh workspace in a temporary folder. It imports whole and
//! exports again the same, or it is refused with a documented error (`Invalid`,
//! `UnknownValue`) in one line and the workspace holds no records (the property test
//! crates/store/tests/import_props/mod.rs).
#![no_main]

use libfuzzer_sys::fuzz_target;
use switchyard_core::Document;
use switchyard_store::{Store, StoreError};

/// Imports `doc` into a fresh workspace: its export, or the error once nothing was left.
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

fuzz_target!(|bytes: &[u8]| {
    let Ok(doc) = serde_json::from_slice::<Document>(bytes) else {
        return;
    };
    match import_fresh(&doc) {
        Ok(exported) => {
            let again = import_fresh(&exported).map_err(|e| e.to_string());
            assert_eq!(again, Ok(exported));
        }
        Err(e) => {
            assert!(
                matches!(e, StoreError::Invalid(_) | StoreError::UnknownValue(_)),
                "an undocumented error: {e:?}"
            );
            assert!(!e.to_string().contains('\n'), "{e}");
        }
    }
});
