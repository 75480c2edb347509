//! `/incidents/{id}`: the page (`page`), the leader's triage controls on it (`triage`), and the
//! server functions of both (`api`).

pub mod api;
mod page;
mod triage;

pub use page::IncidentPage;
