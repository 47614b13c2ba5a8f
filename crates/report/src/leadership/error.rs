//! Why a leadership report could not be made.

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReportError {
    #[error("{0}")]
    Invalid(String),
    #[error("{0} not found")]
    NotFound(String),
    #[error("cannot write the report: {0}")]
    Render(String),
}

pub type Result<T, E = ReportError> = std::result::Result<T, E>;
