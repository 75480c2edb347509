//! `/audit`: who changed what, when — roles, registrations, areas, populations (later hours).
//! Coordinators and admins read the entries for their area subtree, newest first.

mod page;

pub use page::{audit_log, AuditPage, AuditView};
