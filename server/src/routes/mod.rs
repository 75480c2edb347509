//! The HTTP routes outside Leptos' pages and server functions, and the request guards.

pub mod checks;
pub mod csrf;
pub mod health;
pub mod import;
pub mod lang;
pub mod service_worker;

pub use lang::safe_next;
