// The release's change records, hotfix and post-release review pieces, for the release panel
// and for any other view of one release (the review mode).
export { default as ChangeRecordsSection } from "./ChangeRecordsSection.svelte";
export { default as HotfixDialog } from "./HotfixDialog.svelte";
export { default as PostReviewSection } from "./PostReviewSection.svelte";
