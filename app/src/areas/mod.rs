//! Areas: the district → street → community tree and its volunteer target.

mod admin;
mod api;
mod figures;
mod import;
mod map;
mod page;

pub use admin::{create_area, update_area, EditFigures, NewChildArea};
pub use api::{current_area, AreaSummary};
pub use figures::{area_figures, AreaReport, Standing};
pub use import::{describe as describe_import_error, ImportOutcome, ImportPage, IMPORT_URL};
pub use map::{AreaMap, MapData};
pub use page::{AreaPage, Figures};
