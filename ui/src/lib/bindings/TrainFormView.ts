// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
import type { TemplateChoice } from "./TemplateChoice";
import type { TrainForm } from "./TrainForm";

/**
 * What the train form opens with: the train (or a new one's defaults), the templates and
 * the services to pick from.
 */
export type TrainFormView = { id: number | null, form: TrainForm, templates: Array<TemplateChoice>, services: Array<string>, };
