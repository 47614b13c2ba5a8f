// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
/**
 * One chart, as SVG drawn by `switchyard-report` (every text in it escaped there).
 */
export type ChartView = { 
/**
 * `deployment-frequency`, `lead-time`, ... as `switchyard chart` names them.
 */
kind: string, title: string, svg: string, };
