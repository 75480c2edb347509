//! `/audit`: who changed what, when — roles, registrations, areas, populations, shifts, hours —
//! in sentences. Coordinators and admins read the entries for their area subtree, newest first.

mod page;
pub mod sentence;

pub use page::{audit_log, AuditPage, AuditView};
