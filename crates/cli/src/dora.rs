//! `switchyard dora`, `pipeline`, `chart` and `settings`: the metrics commands.

use chrono::NaiveDate;
use clap::{Args, Subcommand, ValueEnum};
use std::io::Write;
use std::path::PathBuf;
use switchyard_app::dora::MetricsQuery;
use switchyard_app::report::charts::ChartKind;
use switchyard_app::{write_atomically, AppError, ErrorCode, SystemClock};
use switchyard_core::dora::{Bucket, DoraDocument, Drill, Metrics};
use switchyard_core::pipeline::PipelineHealth;
use switchyard_core::settings::Cluster;

#[derive(Subcommand)]
pub enum MetricsCommand {
    /// DORA metrics for a period (both days included), as docs/metrics.md defines them.
    Dora {
        #[command(flatten)]
        period: Period,
        /// List the ids of the records behind a number instead of the numbers.
        #[arg(long, value_enum, value_name = "WHAT")]
        records: Option<Records>,
        /// With --records: only this bucket of the series (0 is the first).
        #[arg(long, value_name = "N", requires = "records")]
        bucket_index: Option<usize>,
        /// One JSON document on stdout.
        #[arg(long)]
        json: bool,
    },
    /// Pipeline health from workflow runs: durations, failure rate, flaky runs.
    Pipeline {
        #[command(flatten)]
        period: Period,
        #[arg(long)]
        json: bool,
    },
    /// Draw a chart as SVG.
    Chart {
        #[arg(value_enum)]
        kind: ChartArg,
        #[command(flatten)]
        period: Period,
        /// The release (id, name or version) or train of the readiness chart.
        #[arg(long, value_name = "NAME")]
        release: Option<String>,
        #[arg(long, value_name = "FILE.svg")]
        out: PathBuf,
    },
    /// Workspace settings: production environments, incident label, thresholds, time zone.
    Settings {
        #[command(subcommand)]
        action: SettingsAction,
    },
}

#[derive(Args)]
pub struct Period {
    /// First day (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    from: NaiveDate,
    /// Last day (YYYY-MM-DD), included whole.
    #[arg(long, value_name = "DATE")]
    to: NaiveDate,
    #[arg(long, value_name = "NAME", conflicts_with = "team")]
    service: Option<String>,
    /// The services a team owns.
    #[arg(long, value_name = "NAME")]
    team: Option<String>,
    #[arg(long, value_enum, default_value = "week")]
    bucket: BucketArg,
}

impl Period {
    fn query(&self) -> MetricsQuery {
        MetricsQuery {
            from: self.from,
            to: self.to,
            service: self.service.clone(),
            team: self.team.clone(),
            bucket: match self.bucket {
                BucketArg::Week => Bucket::Week,
                BucketArg::Month => Bucket::Month,
            },
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
pub enum BucketArg {
    Week,
    Month,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Records {
    Deployments,
    FailedDeployments,
    ChangeFailures,
    Recovered,
    OpenFailures,
    Rework,
    Changes,
    Waiting,
    UnlinkedIncidents,
}

impl Records {
    fn drill(self) -> Drill {
        match self {
            Records::Deployments => Drill::Deployments,
            Records::FailedDeployments => Drill::FailedDeployments,
            Records::ChangeFailures => Drill::ChangeFailures,
            Records::Recovered => Drill::Recovered,
            Records::OpenFailures => Drill::OpenFailures,
            Records::Rework => Drill::Rework,
            Records::Changes => Drill::Changes,
            Records::Waiting => Drill::Waiting,
            Records::UnlinkedIncidents => Drill::UnlinkedIncidents,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ChartArg {
    DeploymentFrequency,
    LeadTime,
    ChangeFailureRate,
    RecoveryTime,
    ReworkRate,
    Pipeline,
    Readiness,
}

impl ChartArg {
    fn kind(self) -> ChartKind {
        match self {
            ChartArg::DeploymentFrequency => ChartKind::DeploymentFrequency,
            ChartArg::LeadTime => ChartKind::LeadTime,
            ChartArg::ChangeFailureRate => ChartKind::ChangeFailureRate,
            ChartArg::RecoveryTime => ChartKind::RecoveryTime,
            ChartArg::ReworkRate => ChartKind::ReworkRate,
            ChartArg::Pipeline => ChartKind::Pipeline,
            ChartArg::Readiness => ChartKind::Readiness,
        }
    }
}

#[derive(Subcommand)]
pub enum SettingsAction {
    /// Print the settings (JSON).
    Show,
    /// Set one setting: `timezone Europe/Berlin`, `production_environments prod,live`,
    /// `thresholds.lead_time_hours.high 100`, `incident_label sev`.
    Set { key: String, value: String },
}

pub(crate) fn print(text: &str) -> Result<(), AppError> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(AppError::new(ErrorCode::Io, e.to_string()))
        }
        _ => Ok(()),
    }
}

fn json<T: serde::Serialize>(v: &T) -> Result<String, AppError> {
    let mut s = serde_json::to_string_pretty(v)
        .map_err(|e| AppError::new(ErrorCode::Internal, e.to_string()))?;
    s.push('\n');
    Ok(s)
}

pub fn run(db: Option<PathBuf>, cmd: MetricsCommand) -> Result<(), AppError> {
    let ws = crate::open(db)?;
    match cmd {
        MetricsCommand::Dora {
            period,
            records: Some(what),
            bucket_index,
            json: as_json,
        } => {
            let ids = ws.dora_records(&period.query(), what.drill(), bucket_index)?;
            if as_json {
                print(&json(&ids)?)?;
            } else {
                // Each id with where the record came from (`import jenkins:101`), escaped:
                // keys can come from files of other tools.
                let origins = ws.record_origins(what.drill())?;
                let lines: String = ids
                    .iter()
                    .map(|id| match origins.get(id).cloned().flatten() {
                        Some(o) => format!("{id}\t{}\n", o.escape_debug()),
                        None => format!("{id}\tlocal\n"),
                    })
                    .collect();
                print(&lines)?;
            }
        }
        MetricsCommand::Dora {
            period,
            json: as_json,
            ..
        } => {
            let doc = ws.dora(&period.query())?;
            print(&if as_json { json(&doc)? } else { table(&doc) })?;
        }
        MetricsCommand::Pipeline {
            period,
            json: as_json,
        } => {
            let h = ws.pipeline_health(&period.query())?;
            print(&if as_json {
                json(&h)?
            } else {
                pipeline_table(&h)
            })?;
        }
        MetricsCommand::Chart {
            kind,
            period,
            release,
            out,
        } => {
            let svg = ws.chart(
                kind.kind(),
                &period.query(),
                release.as_deref(),
                &SystemClock,
            )?;
            write_atomically(&out, svg.as_bytes())?;
            eprintln!("wrote {}", out.display());
        }
        MetricsCommand::Settings { action } => {
            let s = match action {
                SettingsAction::Show => ws.settings()?,
                SettingsAction::Set { key, value } => ws.set_setting(
                    &key,
                    &value,
                    &SystemClock,
                    &switchyard_app::governance::actor_name(None),
                )?,
            };
            print(&json(&s)?)?;
        }
    }
    Ok(())
}

use switchyard_core::cards::{hours_text as hours, metric_cards, pct_text as pct};

fn cluster(c: Option<Cluster>) -> &'static str {
    c.map_or("", Cluster::as_str)
}

/// The readable form of `switchyard dora`.
pub fn table(doc: &DoraDocument) -> String {
    let scope = doc
        .service
        .clone()
        .or_else(|| doc.team.clone().map(|t| format!("team {t}")))
        .unwrap_or_else(|| "organisation".into());
    let m = &doc.metrics;
    let mut out = format!(
        "DORA metrics for {scope}, {} to {} ({})\n\n",
        doc.from, doc.to, doc.timezone
    );
    out.push_str(&rows(m));
    out.push_str(&format!(
        "\n{:<12} {:>7} {:>10} {:>10} {:>8} {:>10} {:>8}\n",
        "period", "deploys", "lead p50", "lead p90", "CFR", "recovery", "rework"
    ));
    for s in &doc.series {
        let m = &s.metrics;
        out.push_str(&format!(
            "{:<12} {:>7} {:>10} {:>10} {:>8} {:>10} {:>8}\n",
            s.period_start.to_string(),
            s.deployments,
            hours(m.lead_time.median_hours),
            hours(m.lead_time.p90_hours),
            pct(m.change_failure_rate.value),
            hours(m.recovery_time.median_hours),
            pct(m.rework_rate.value),
        ));
    }
    out
}

/// The headline figures: the cards the window and the leadership report show (the table
/// has no previous period to compare with), then the incidents linked to no deployment.
fn rows(m: &Metrics) -> String {
    let mut lines: Vec<(String, String, String, &str)> = metric_cards(m, None)
        .into_iter()
        .map(|c| (c.label, c.text, c.detail, cluster(c.cluster)))
        .collect();
    lines.push((
        "Unlinked incidents".into(),
        m.unlinked_incidents.to_string(),
        String::new(),
        "",
    ));
    lines
        .iter()
        .map(|(name, value, detail, c)| format!("{name:<31} {value:>12}  {detail:<50} {c}\n"))
        .map(|l| format!("{}\n", l.trim_end()))
        .collect()
}

fn pipeline_table(h: &PipelineHealth) -> String {
    let mins = |v: Option<f64>| v.map_or("–".into(), |v| format!("{v:.1} min"));
    let mut out = format!(
        "{} runs; duration p50 {}, p90 {}; failure rate {} ({} of {}); {} flaky commits\n",
        h.runs,
        mins(h.duration_p50_minutes),
        mins(h.duration_p90_minutes),
        pct(h.failure_rate.value),
        h.failure_rate.numerator,
        h.failure_rate.denominator,
        h.flaky
    );
    out.push_str("\nslowest workflows (p90):\n");
    for w in &h.slowest {
        out.push_str(&format!(
            "  {} · {}: {}\n",
            w.service,
            w.workflow,
            mins(w.duration_p90_minutes)
        ));
    }
    out.push_str("\nflakiest workflows:\n");
    for w in &h.flakiest {
        out.push_str(&format!(
            "  {} · {}: {} of {} commits passed only on a re-run\n",
            w.service, w.workflow, w.flaky, w.commits
        ));
    }
    out
}
