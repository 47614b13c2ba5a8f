//! GitHub and GitHub Enterprise over octocrab.
