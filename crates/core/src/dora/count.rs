//! Counting one period for a scope, bucket by bucket, in one pass over the linked facts.

use super::*;

/// What [`Linked::count_services`] counted.
pub(super) struct Counted {
    pub(super) acc: Vec<Acc>,
    /// Per day of the period: was there a success?
    pub(super) day_has: Vec<bool>,
    /// Changes merged in the period that no deployment had shipped by its end.
    pub(super) waiting: u64,
}

#[derive(Debug, Clone, Default)]
pub(super) struct Acc {
    pub(super) success: u64,
    pub(super) failure: u64,
    pub(super) deploy_days: u64,
    pub(super) lead: Vec<Secs>,
    pub(super) waiting: u64,
    pub(super) failed_changes: u64,
    pub(super) recovery: Vec<Secs>,
    pub(super) open: u64,
    pub(super) rework: u64,
    pub(super) unlinked: u64,
}

pub(super) fn hours(secs: Option<Secs>) -> Option<f64> {
    secs.map(|s| s as f64 / 3600.0)
}

pub(super) fn ratio(numerator: u64, denominator: u64) -> Ratio {
    Ratio {
        numerator,
        denominator,
        value: (denominator > 0).then(|| numerator as f64 / denominator as f64),
    }
}

impl Acc {
    fn merge(&mut self, o: &Acc) {
        self.success += o.success;
        self.failure += o.failure;
        self.deploy_days += o.deploy_days;
        self.lead.extend_from_slice(&o.lead);
        self.waiting += o.waiting;
        self.failed_changes += o.failed_changes;
        self.recovery.extend_from_slice(&o.recovery);
        self.open += o.open;
        self.rework += o.rework;
        self.unlinked += o.unlinked;
    }

    fn metrics(&mut self, days: usize, th: &Thresholds) -> Metrics {
        let weeks = days as f64 / 7.0;
        let per_week = self.success as f64 / weeks;
        let (lead_median, lead_p90) = p50_p90(&mut self.lead);
        let (rec_median, rec_p90) = p50_p90(&mut self.recovery);
        let (lead_median, lead_p90) = (hours(lead_median), hours(lead_p90));
        let (rec_median, rec_p90) = (hours(rec_median), hours(rec_p90));
        let cfr = ratio(self.failed_changes, self.success);
        Metrics {
            deployment_frequency: Frequency {
                count: self.success,
                per_week,
                deploy_days_per_week: self.deploy_days as f64 / weeks,
                cluster: Some(th.frequency(per_week)),
            },
            deployment_success_rate: ratio(self.success, self.success + self.failure),
            lead_time: LeadTime {
                median_hours: lead_median,
                p90_hours: lead_p90,
                changes: self.lead.len() as u64,
                waiting: self.waiting,
                cluster: lead_median.map(|h| th.lead_time(h)),
            },
            change_failure_rate: ChangeFailureRate {
                numerator: cfr.numerator,
                denominator: cfr.denominator,
                value: cfr.value,
                cluster: cfr.value.map(|v| th.change_failure(v)),
            },
            recovery_time: RecoveryTime {
                median_hours: rec_median,
                p90_hours: rec_p90,
                failures: self.recovery.len() as u64,
                open: self.open,
                cluster: rec_median.map(|h| th.recovery(h)),
            },
            rework_rate: ratio(self.rework, self.success),
            unlinked_incidents: self.unlinked,
        }
    }
}

impl Linked {
    /// The metrics of a period for a scope, and of each bucket.
    ///
    /// The services of the scope are counted in two halves of about equal size on two
    /// threads (when there is enough to count), and the halves' counts merged.
    pub fn report(&self, cal: &Calendar, scope: &Scope, th: &Thresholds) -> Report {
        self.report_in_halves_from(cal, scope, th, 100_000)
    }

    /// [`Linked::report`], counting in two halves when the scope has at least `records`.
    pub(super) fn report_in_halves_from(
        &self,
        cal: &Calendar,
        scope: &Scope,
        th: &Thresholds,
        records: usize,
    ) -> Report {
        let nb = cal.bucket_count();
        let services = self.scope_services(scope);
        let mut mask = vec![false; self.services.len()];
        for &s in &services {
            mask[s as usize] = true;
        }
        let size = |s: &u32| {
            let (a, b) = self.dep_range[*s as usize];
            let (c, d) = self.change_range[*s as usize];
            (b - a) + (d - c)
        };
        let total: usize = services.iter().map(size).sum();
        let (mut part, other) = if total < records || services.len() < 2 {
            (self.count_services(cal, &services), None)
        } else {
            // The first services holding half the records, and the rest.
            let mut sum = 0;
            let split = services
                .iter()
                .position(|s| {
                    sum += size(s);
                    sum * 2 >= total
                })
                .map_or(services.len(), |p| (p + 1).min(services.len() - 1));
            let (first, second) = services.split_at(split);
            std::thread::scope(|scope| {
                let other = scope.spawn(|| self.count_services(cal, second));
                let part = self.count_services(cal, first);
                (part, other.join().ok())
            })
        };
        if let Some(o) = other {
            for (a, b) in part.acc.iter_mut().zip(&o.acc) {
                a.merge(b);
            }
            for (a, b) in part.day_has.iter_mut().zip(&o.day_has) {
                *a |= *b;
            }
            part.waiting += o.waiting;
        }
        let Counted {
            mut acc,
            day_has,
            waiting: total_waiting,
        } = part;
        let (start, end) = (cal.start(), cal.end());

        let org = matches!(scope, Scope::Organisation);
        let lo = self.incidents.partition_point(|i| i.created < start);
        for (j, inc) in self.incidents.iter().enumerate().skip(lo) {
            if inc.created >= end {
                break;
            }
            if self.incident_cause[j] == NONE && self.incident_in_scope(inc, &mask, org) {
                if let Some(bk) = cal.bucket_of(inc.created) {
                    acc[bk].unlinked += 1;
                }
            }
        }

        let mut series = Vec::with_capacity(nb);
        let mut total = Acc::default();
        // The samples of all buckets, in one go rather than by doubling.
        total
            .lead
            .reserve_exact(acc.iter().map(|a| a.lead.len()).sum());
        total
            .recovery
            .reserve_exact(acc.iter().map(|a| a.recovery.len()).sum());
        for (b, ac) in acc.iter_mut().enumerate() {
            let (d0, d1) = (cal.bucket_days[b], cal.bucket_days[b + 1]);
            ac.deploy_days = day_has[d0..d1].iter().filter(|&&x| x).count() as u64;
            let metrics = ac.metrics(cal.bucket_len_days(b), th);
            let (period_start, period_end) = cal.bucket_dates(b);
            series.push(SeriesEntry {
                period_start,
                period_end,
                deployments: ac.success,
                metrics,
            });
            total.merge(ac);
        }
        total.waiting = total_waiting;
        Report {
            metrics: total.metrics(cal.days(), th),
            series,
        }
    }

    /// The deployments and changes of some services in a period, by bucket.
    pub(super) fn count_services(&self, cal: &Calendar, services: &[u32]) -> Counted {
        let nb = cal.bucket_count();
        let mut acc = vec![Acc::default(); nb];
        let mut total_waiting = 0u64;
        let mut day_has = vec![false; cal.days()];
        let (start, end) = (cal.start(), cal.end());
        // Per deployment of the service, from its first: the bucket of a success in the
        // period (for the changes it shipped).
        let mut dep_bucket = Vec::new();
        for &s in services {
            let (a, b) = self.dep_range[s as usize];
            dep_bucket.clear();
            dep_bucket.resize(b - a, NONE);
            let list = &self.deps[a..b];
            let lo = a + list.partition_point(|d| d.time < start);
            let mut day = 0usize;
            // Parallel arrays (deps, flags, buckets) indexed alike.
            #[allow(clippy::needless_range_loop)]
            for i in lo..b {
                let d = &self.deps[i];
                if d.time >= end {
                    break;
                }
                while cal.day_starts[day + 1] <= d.time {
                    day += 1;
                }
                let bk = cal.bucket_of_day[day];
                let ac = &mut acc[bk as usize];
                if !d.success {
                    ac.failure += 1;
                    continue;
                }
                ac.success += 1;
                day_has[day] = true;
                dep_bucket[i - a] = bk;
                if let Some(recovery) = self.failure_of(i) {
                    ac.failed_changes += 1;
                    match recovery {
                        Some(secs) => ac.recovery.push(secs),
                        None => ac.open += 1,
                    }
                }
                if self.rework[i] {
                    ac.rework += 1;
                }
            }

            // Changes: a change merged at or before the last success before the period was
            // shipped before it; start after those.
            let (ca, cb) = self.change_range[s as usize];
            let (sa, sb) = self.succ_range[s as usize];
            let succ = &self.succ[sa..sb];
            let k = succ.partition_point(|&i| self.deps[i as usize].time < start);
            let first = match k {
                0 => ca,
                _ => {
                    let t = self.deps[succ[k - 1] as usize].time;
                    ca + self.changes[ca..cb].partition_point(|c| c.merged <= t)
                }
            };
            let mut mday = 0usize;
            for ci in first..cb {
                let c = &self.changes[ci];
                if c.merged >= end {
                    break;
                }
                // Merge times only grow within a service: a cursor over the days.
                if c.merged >= start {
                    while cal.day_starts[mday + 1] <= c.merged {
                        mday += 1;
                    }
                }
                let merged_bucket = (c.merged >= start).then(|| cal.bucket_of_day[mday] as usize);
                let di = self.change_dep[ci];
                let shipped = (di != NONE).then(|| self.deps[di as usize].time);
                if di != NONE {
                    // The deployment that shipped a change is of the change's service.
                    let bk = dep_bucket[di as usize - a];
                    if bk != NONE {
                        // A first commit dated after its deployment (a skewed clock) is
                        // no lead time at all, as `change_leads` says for the same change.
                        acc[bk as usize]
                            .lead
                            .push((self.deps[di as usize].time - c.start).max(0));
                    }
                }
                if let Some(bm) = merged_bucket {
                    let (_, bend) = cal.bucket_span(bm);
                    if shipped.is_none_or(|t| t >= bend) {
                        acc[bm].waiting += 1;
                    }
                    if shipped.is_none_or(|t| t >= end) {
                        total_waiting += 1;
                    }
                }
            }
        }

        Counted {
            acc,
            day_has,
            waiting: total_waiting,
        }
    }
}
