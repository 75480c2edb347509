//! The shell's pages. Feature pages move into their feature folders as they grow.

mod home;
mod me;
mod not_found;
mod offline;

pub use home::{HomePage, PageError};
pub use me::MePage;
pub use not_found::NotFoundPage;
pub use offline::{OfflinePage, PageNotLoaded};
