// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
import type { FreezeBand } from "./FreezeBand";
import type { HolidayMark } from "./HolidayMark";
import type { ServiceTeam } from "./ServiceTeam";
import type { TrainLane } from "./TrainLane";

/**
 * The release calendar for a date range: one lane per train.
 */
export type CalendarView = { today: string, 
/**
 * The range whose releases and freeze windows this view holds.
 */
from: string, to: string, 
/**
 * The first and last dates of anything on the calendar in the whole workspace
 * (releases, milestones, freeze windows): the span the window lets you scroll,
 * loading the rest as it comes into view. `None` in an empty workspace.
 */
first: string | null, last: string | null, lanes: Array<TrainLane>, freeze_windows: Array<FreezeBand>, 
/**
 * Every service of the workspace with the team that owns it (`None`: no team), by
 * service name: the window's filters and lanes by team.
 */
service_teams: Array<ServiceTeam>, 
/**
 * The holidays of the range (no release is planned on one).
 */
holidays: Array<HolidayMark>, };
