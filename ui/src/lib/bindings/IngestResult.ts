// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
import type { IngestFormat } from "./IngestFormat";
import type { IngestKind } from "./IngestKind";
import type { Source } from "./Source";

/**
 * What an ingest wrote (or, dry, would write).
 */
export type IngestResult = { kind: IngestKind, 
/**
 * The file's name (without its folder).
 */
file: string, format: IngestFormat, 
/**
 * Always `import`: where the records say they came from.
 */
source: Source, 
/**
 * The tool named by the request.
 */
origin: string, dry_run: boolean, rows: number, new: number, updated: number, unchanged: number, 
/**
 * Services the file named that the workspace did not have (created, or to be).
 */
services_created: Array<string>, };
