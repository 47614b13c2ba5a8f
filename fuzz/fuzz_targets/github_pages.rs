//! A GitHub list page as raw bytes through the sync's own readers
//! (`switchyard_sync::github::pages`): pulls, workflow runs, and deployments, releases, tags
//! and issues (`others`); and the `Link` header as text (`next_link`). A page is read or
//! refused with `BadResponse`, never a panic (the property test
//! `any_github_list_page_is_read_or_refused`, crates/sync/src/props.rs).
#![no_main]

use libfuzzer_sys::fuzz_target;
use switchyard_sync::github::{next_link, pages};
use switchyard_sync::SyncError;

fn refused(e: &SyncError) {
    assert!(matches!(e, SyncError::BadResponse { .. }), "{e:?}");
}

fuzz_target!(|bytes: &[u8]| {
    if let Err(e) = pages::pulls(bytes, "acme/web") {
        refused(&e);
    }
    if let Err(e) = pages::runs(bytes, "acme/web") {
        refused(&e);
    }
    if let Err(e) = pages::others(bytes) {
        refused(&e);
    }
    let _ = next_link(&String::from_utf8_lossy(bytes));
});
