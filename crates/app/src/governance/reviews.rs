//! Post-release reviews and their action items.

use super::*;

#[derive(Debug, Clone, Default)]
pub struct ActionSpec {
    pub title: String,
    pub owner: Option<String>,
    pub due: Option<NaiveDate>,
}

pub(super) fn open_review(c: &Conn, r: &ReleaseBrief) -> Result<Review> {
    gov::reviews(c, Some(r.id))?
        .into_iter()
        .last()
        .ok_or_else(|| {
            AppError::new(
                ErrorCode::NotFound,
                format!(
                    "release {} has no post-release review; schedule one first",
                    r.name
                ),
            )
        })
}

impl Workspace {
    pub fn reviews(&self, release: &str) -> Result<(ReleaseRef, Vec<Review>)> {
        let c = self.store().conn();
        let r = resolve_release(c, release)?;
        Ok((ReleaseRef::from(&r), gov::reviews(c, Some(r.id))?))
    }

    pub fn schedule_review(
        &self,
        release: &str,
        due: NaiveDate,
        clock: &dyn Clock,
        actor: &str,
    ) -> Result<Review> {
        tx(self, |c| {
            let r = resolve_release(c, release)?;
            let id = gov::insert_review(c, r.id, due, clock.now(), actor)?;
            audit(
                c,
                clock,
                actor,
                "review.schedule",
                "review",
                id,
                None,
                Some(json!({"release_id": r.id, "due_date": due})),
            )?;
            open_review(c, &r)
        })
    }

    pub fn add_review_action(
        &self,
        release: &str,
        spec: ActionSpec,
        clock: &dyn Clock,
        actor: &str,
    ) -> Result<Review> {
        if spec.title.trim().is_empty() {
            return Err(invalid("an action item needs a title"));
        }
        tx(self, |c| {
            let r = resolve_release(c, release)?;
            let review = open_review(c, &r)?;
            let item = ActionItem {
                id: 0,
                title: spec.title.trim().into(),
                owner: spec.owner.clone(),
                due_date: spec.due,
                status: ActionStatus::Open,
                updated_at: clock.now(),
            };
            let id = gov::insert_action_item(c, review.id, &item)?;
            audit(
                c,
                clock,
                actor,
                "review.action_add",
                "review_action_item",
                id,
                None,
                Some(json!(ActionItem { id, ..item })),
            )?;
            open_review(c, &r)
        })
    }

    pub fn set_review_action(
        &self,
        release: &str,
        action_id: Id,
        status: ActionStatus,
        clock: &dyn Clock,
        actor: &str,
    ) -> Result<Review> {
        tx(self, |c| {
            let r = resolve_release(c, release)?;
            let review = open_review(c, &r)?;
            let item = gov::reviews(c, Some(r.id))?
                .into_iter()
                .flat_map(|rv| rv.action_items)
                .find(|a| a.id == action_id)
                .ok_or_else(|| {
                    AppError::new(
                        ErrorCode::NotFound,
                        format!("release {} has no action item {action_id}", r.name),
                    )
                })?;
            gov::set_action_item_status(c, action_id, status, clock.now())?;
            audit(
                c,
                clock,
                actor,
                "review.action_set",
                "review_action_item",
                action_id,
                Some(json!({"status": item.status})),
                Some(json!({"status": status, "review_id": review.id})),
            )?;
            open_review(c, &r)
        })
    }

    pub fn complete_review(
        &self,
        release: &str,
        summary: &str,
        clock: &dyn Clock,
        actor: &str,
    ) -> Result<Review> {
        if summary.trim().is_empty() {
            return Err(invalid("completing a review needs a summary").about("summary"));
        }
        tx(self, |c| {
            let r = resolve_release(c, release)?;
            let review = open_review(c, &r)?;
            gov::complete_review(c, review.id, summary.trim(), clock.now())?;
            audit(
                c,
                clock,
                actor,
                "review.complete",
                "review",
                review.id,
                Some(json!({"status": review.status})),
                Some(json!({"status": ReviewStatus::Done, "summary": summary.trim()})),
            )?;
            open_review(c, &r)
        })
    }
}
