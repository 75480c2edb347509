//! A report on the wire: what the phone's outbox sends to `POST /api/incidents` (a plain JSON
//! route, so the service worker can replay it without the app) and what comes back. The report
//! service reads these too, which is why they sit apart from the form and its server functions.

use serde::{Deserialize, Serialize};

/// Where the outbox sends reports.
pub const INCIDENTS_URL: &str = "/api/incidents";

/// The longest edge a photo is shrunk to on the phone before it is kept or sent.
pub const PHOTO_EDGE_PX: u32 = 1600;

/// A report on the wire: what the outbox sends to `POST /api/incidents`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportInput {
    /// A UUIDv7 made on the phone when the report was sent off.
    pub client_key: String,
    /// The phone's clock then (epoch ms).
    pub made_at: i64,
    pub category: String,
    /// "1", "2" or "3".
    pub severity: String,
    pub body: String,
    pub lat: f64,
    pub lon: f64,
    pub accuracy_m: Option<f64>,
    /// Photos as `data:` URLs (or bare base64), already shrunk by the phone.
    #[serde(default)]
    pub photos: Vec<String>,
    /// Who made it: on a shared phone the outbox may send it while someone else is logged in,
    /// and then it must wait for its maker rather than be filed under the wrong name.
    #[serde(default)]
    pub reporter: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportAnswer {
    pub id: i64,
    /// `false` when this report had arrived before.
    pub stored: bool,
}
