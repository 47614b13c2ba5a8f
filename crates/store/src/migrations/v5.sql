-- Switchyard workspace schema, version 5: an index for the foreign key of
-- change_record_items.
--
-- Every upsert of a work item (each synced Jira issue and GitHub pull request) checks the
-- rows that reference it; without an index on work_item_id that check walked the whole of
-- change_record_items once per item.

CREATE INDEX change_record_items_by_work_item ON change_record_items(work_item_id);
