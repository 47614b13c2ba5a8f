// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
import type { IngestFormat } from "./IngestFormat";
import type { IngestKind } from "./IngestKind";

/**
 * One ingest, as the CLI or the window asks for it.
 */
export type IngestRequest = { kind: IngestKind, 
/**
 * The file to read.
 */
path: string, 
/**
 * None: by the file's extension.
 */
format: IngestFormat | null, 
/**
 * The tool the file comes from (`jenkins`, `argocd`, `gitlab`, `pagerduty`): the
 * origin its keys belong to.
 */
source: string, 
/**
 * Refuse rows of services the workspace does not have instead of creating them.
 */
known_services_only: boolean, 
/**
 * Count what would be written, write nothing.
 */
dry_run: boolean, };
