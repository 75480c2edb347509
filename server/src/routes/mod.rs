//! The HTTP routes outside Leptos' pages and server functions, and the request guards.

pub mod calendar;
pub mod checks;
pub mod client_addr;
pub mod csrf;
pub mod health;
pub mod import;
pub mod incidents;
pub mod lang;
pub mod page_policy;
pub mod service_worker;

pub use lang::safe_next;
