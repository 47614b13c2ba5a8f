//! The release calendar view: trains as lanes with their releases, milestones, risk,
//! readiness and decisions, and the freeze windows of a date range.

use crate::codec::*;
use crate::{Result, Store};
use chrono::NaiveDate;
use std::collections::HashMap;
use switchyard_core::cadence::describe;
use switchyard_core::views::*;
use switchyard_core::{Cadence, Id, ItemState, ReleaseStatus};

/// Lane for releases that ride no train (hotfixes, emergency releases, synced versions).
pub const OFF_TRAIN_LANE: Id = 0;

impl Store {
    pub fn calendar(
        &self,
        today: NaiveDate,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<CalendarView> {
        let conn = &self.conn;
        let (f, t) = (date(&from), date(&to));

        let mut services_of: HashMap<(bool, Id), Vec<String>> = HashMap::new();
        let mut stmt = conn.prepare_cached(
            "SELECT 0, ts.train_id, s.name FROM train_services ts JOIN services s ON s.id = ts.service_id
             UNION ALL
             SELECT 1, rs.release_id, s.name FROM release_services rs JOIN services s ON s.id = rs.service_id
               JOIN releases r ON r.id = rs.release_id WHERE r.release_date BETWEEN ?1 AND ?2
             ORDER BY 1, 2, 3",
        )?;
        let mut rows = stmt.query([&f, &t])?;
        while let Some(r) = rows.next()? {
            services_of
                .entry((r.get::<_, i64>(0)? == 1, r.get(1)?))
                .or_default()
                .push(r.get(2)?);
        }

        let mut lanes: Vec<TrainLane> = Vec::new();
        let mut stmt =
            conn.prepare_cached("SELECT id, name, description, cadence FROM trains ORDER BY id")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let id: Id = r.get(0)?;
            let cadence: Cadence = get_json(r, 3)?;
            lanes.push(TrainLane {
                id,
                name: r.get(1)?,
                description: r.get(2)?,
                cadence_label: describe(&cadence),
                services: services_of.remove(&(false, id)).unwrap_or_default(),
                releases: Vec::new(),
            });
        }

        let mut milestones: HashMap<Id, Vec<CalendarMilestone>> = HashMap::new();
        let mut stmt = conn.prepare_cached(
            "SELECT m.release_id, m.kind, m.name, m.date, m.completed_at IS NOT NULL
               FROM milestones m JOIN releases r ON r.id = m.release_id
              WHERE r.release_date BETWEEN ?1 AND ?2 ORDER BY m.release_id, m.date, m.id",
        )?;
        let mut rows = stmt.query([&f, &t])?;
        while let Some(r) = rows.next()? {
            milestones
                .entry(r.get(0)?)
                .or_default()
                .push(CalendarMilestone {
                    kind: r.get(1)?,
                    name: r.get(2)?,
                    date: get_date(r, 3)?,
                    done: r.get(4)?,
                });
        }

        let mut stmt = conn.prepare_cached(
            "SELECT r.id, r.name, r.version, r.release_type, r.status, r.release_date, r.planned_date,
                    coalesce(r.train_id, 0),
                    (SELECT coalesce(override_class, class) FROM risk_assessments
                      WHERE release_id = r.id ORDER BY id DESC LIMIT 1),
                    (SELECT CAST(sum(i.state = ?3) AS REAL) / nullif(sum(i.state <> ?4), 0)
                       FROM checklist_items i
                      WHERE i.checklist_id = (SELECT max(id) FROM checklists WHERE release_id = r.id)),
                    (SELECT outcome FROM decisions
                      WHERE release_id = r.id ORDER BY id DESC LIMIT 1)
               FROM releases r
              WHERE r.release_date BETWEEN ?1 AND ?2
              ORDER BY r.release_date, r.id",
        )?;
        let mut rows = stmt.query(rusqlite::params![
            f,
            t,
            ItemState::Done.as_str(),
            ItemState::NotApplicable.as_str(),
        ])?;
        let mut off_train = Vec::new();
        while let Some(r) = rows.next()? {
            let id: Id = r.get(0)?;
            let release_date = get_date(r, 5)?;
            let planned_date = get_date_opt(r, 6)?;
            let status: ReleaseStatus = get_word(r, 4)?;
            let train: Id = r.get(7)?;
            let release = CalendarRelease {
                id,
                name: r.get(1)?,
                version: r.get(2)?,
                release_type: get_word(r, 3)?,
                status,
                release_date,
                planned_date,
                slipped_days: planned_date.map_or(0, |p| (release_date - p).num_days()),
                overdue_days: switchyard_core::overdue_days(status, false, release_date, today),
                services: services_of.remove(&(true, id)).unwrap_or_default(),
                risk_class: get_word_opt(r, 8)?,
                readiness: r.get(9)?,
                decision: get_word_opt(r, 10)?,
                milestones: milestones.remove(&id).unwrap_or_default(),
            };
            match lanes.iter_mut().find(|l| l.id == train) {
                Some(lane) => lane.releases.push(release),
                None => off_train.push(release),
            }
        }
        if !off_train.is_empty() {
            let mut services: Vec<String> =
                off_train.iter().flat_map(|r| r.services.clone()).collect();
            services.sort();
            services.dedup();
            lanes.push(TrainLane {
                id: OFF_TRAIN_LANE,
                name: "Off-train".into(),
                description: "Hotfixes, emergency releases and releases outside any train.".into(),
                cadence_label: "As needed".into(),
                services,
                releases: off_train,
            });
        }

        let mut window_services: HashMap<Id, Vec<String>> = HashMap::new();
        let mut stmt = conn.prepare_cached(
            "SELECT fs.freeze_window_id, s.name FROM freeze_window_services fs
               JOIN services s ON s.id = fs.service_id ORDER BY 1, 2",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            window_services
                .entry(r.get(0)?)
                .or_default()
                .push(r.get(1)?);
        }
        let mut freeze_windows = Vec::new();
        let mut stmt = conn.prepare_cached(
            "SELECT id, name, start_date, end_date, reason FROM freeze_windows
              WHERE end_date >= ?1 AND start_date <= ?2 ORDER BY start_date, id",
        )?;
        let mut rows = stmt.query([&f, &t])?;
        while let Some(r) = rows.next()? {
            let id: Id = r.get(0)?;
            freeze_windows.push(FreezeBand {
                id,
                name: r.get(1)?,
                start_date: get_date(r, 2)?,
                end_date: get_date(r, 3)?,
                services: window_services.remove(&id).unwrap_or_default(),
                reason: r.get(4)?,
            });
        }
        let mut stmt = conn.prepare_cached(
            "SELECT s.name, t.name FROM services s LEFT JOIN teams t ON t.id = s.team_id
              ORDER BY s.name",
        )?;
        let service_teams = stmt
            .query_map([], |r| {
                Ok(ServiceTeam {
                    service: r.get(0)?,
                    team: r.get(1)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let holidays = crate::rows::all(
            conn,
            "SELECT id, date, name FROM holidays WHERE date BETWEEN ?1 AND ?2 ORDER BY date, id",
            [&f, &t],
            |r| {
                Ok(HolidayMark {
                    id: r.get(0)?,
                    date: get_date(r, 1)?,
                    name: r.get(2)?,
                })
            },
        )?;
        let (first, last) = self.calendar_span()?;
        Ok(CalendarView {
            today,
            from,
            to,
            first,
            last,
            lanes,
            freeze_windows,
            service_teams,
            holidays,
        })
    }

    /// The first and last dates of anything on the calendar: releases (cancelled ones
    /// too: they stay on the calendar, marked), their milestones, and freeze windows.
    pub fn calendar_span(&self) -> Result<(Option<NaiveDate>, Option<NaiveDate>)> {
        Ok(self.conn.query_row(
            "SELECT min(d), max(d) FROM (
               SELECT min(release_date) AS d FROM releases
               UNION ALL SELECT max(release_date) FROM releases
               UNION ALL SELECT min(date) FROM milestones
               UNION ALL SELECT max(date) FROM milestones
               UNION ALL SELECT min(start_date) FROM freeze_windows
               UNION ALL SELECT max(end_date) FROM freeze_windows)",
            [],
            |r| Ok((get_date_opt(r, 0)?, get_date_opt(r, 1)?)),
        )?)
    }
}
