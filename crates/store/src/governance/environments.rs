//! Where a release's services stand in each environment: the review's environments.

use super::*;

/// The latest deployment of one of a release's services to one environment.
#[derive(Debug, Clone, PartialEq)]
pub struct EnvironmentDeployment {
    pub service: String,
    pub environment: String,
    pub production: bool,
    pub outcome: Outcome,
    /// When it took effect, else when it was created.
    pub at: Timestamp,
    pub sha: String,
    /// The latest deployment there belongs to this release.
    pub this_release: bool,
    /// How many deployments of this release went to that service and environment.
    pub release_deployments: i64,
}

/// For each service of `release` and each environment it was ever deployed to: the latest
/// deployment there, by service, then production last, then environment.
pub fn environment_deployments(
    conn: &Connection,
    release: Id,
) -> Result<Vec<EnvironmentDeployment>> {
    all(
        conn,
        "WITH d AS (
           SELECT s.name AS service, d.environment, d.production, d.outcome,
                  coalesce(d.time, d.created_at) AS at, d.sha,
                  coalesce(d.release_id = ?1, 0) AS mine,
                  row_number() OVER (PARTITION BY d.service_id, d.environment
                                     ORDER BY coalesce(d.time, d.created_at) DESC, d.id DESC) AS n,
                  sum(coalesce(d.release_id = ?1, 0)) OVER (PARTITION BY d.service_id, d.environment) AS count
             FROM deployments d
             JOIN release_services rs ON rs.service_id = d.service_id AND rs.release_id = ?1
             JOIN services s ON s.id = d.service_id)
         SELECT service, environment, production, outcome, at, sha, mine, count
           FROM d WHERE n = 1
          ORDER BY service, production, environment",
        [release],
        |r| {
            Ok(EnvironmentDeployment {
                service: r.get(0)?,
                environment: r.get(1)?,
                production: r.get(2)?,
                outcome: get_word(r, 3)?,
                at: get_ts(r, 4)?,
                sha: r.get(5)?,
                this_release: r.get(6)?,
                release_deployments: r.get(7)?,
            })
        },
    )
}
