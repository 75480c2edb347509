//! Areas: the district → street → community tree and its volunteer target.

mod admin;
mod figures;
mod import;
#[cfg(feature = "ssr")]
mod labels;
mod map;
mod page;

pub use admin::{create_area, update_area, EditFigures, NewChildArea};
#[cfg(feature = "ssr")]
pub(crate) use figures::area_shapes;
pub use figures::{area_figures, AreaFiguresInput, AreaReport, Standing};
pub use import::{describe as describe_import_error, ImportOutcome, ImportPage, IMPORT_URL};
#[cfg(feature = "ssr")]
pub use map::{build_map, draw_map};
pub use map::{
    world, AreaMap, Datum, MapArea, MapData, MapMarker, MapShapes, MapSite, Projection, MAP_PAD,
};
pub use page::{AreaPage, Figures};
