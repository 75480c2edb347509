//! `/incidents/new`: the page (`page`) with its map and photo picker (`parts`), how a report is
//! sent off (`send`), the form's server functions (`api`), and the report as the outbox sends
//! it (`wire`), which the report service reads too.

pub mod api;
mod page;
mod parts;
mod send;
pub mod wire;

pub use page::ReportPage;
pub use wire::{ReportAnswer, ReportInput, INCIDENTS_URL};
