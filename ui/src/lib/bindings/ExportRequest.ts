// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
import type { DocumentFormat } from "./DocumentFormat";
import type { ExportScope } from "./ExportScope";

/**
 * What to export. Releases are named by id only.
 */
export type ExportRequest = { "kind": "leadership", from: string, to: string, format: DocumentFormat, scope: ExportScope, } | { "kind": "release_report", release: number, format: DocumentFormat, } | { "kind": "release_notes", release: number, } | { "kind": "evidence_pack", release: number, } | { "kind": "calendar_ics" } | { "kind": "releases_csv" } | { "kind": "metrics_csv", from: string, to: string, scope: ExportScope, } | { "kind": "ahead_csv", from: string, to: string, scope: ExportScope, };
