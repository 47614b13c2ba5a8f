// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
import type { GeneratedRow } from "./GeneratedRow";

export type GenerateView = { train: string, from: string, until: string, applied: boolean, created: Array<GeneratedRow>, existing: Array<GeneratedRow>, };
