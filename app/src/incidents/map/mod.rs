//! `/map`: the page (`page`), its server function (`api`), and what the map draws from the
//! incidents — pins, clusters, heat cells, tiles, the zoomed frame (`layers`).

pub mod api;
pub mod layers;
mod page;

pub use page::MapPage;
