//! Jira Cloud (REST v3) and Data Center (REST v2) over ureq.
