//! A WGS-84 position as the phone's Geolocation API reports it.

use crate::error::{FieldError, MessageKey};
use serde::{Deserialize, Serialize};

/// Latitude and longitude in degrees, WGS-84, both checked to be on the globe.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct GeoPoint {
    lat: f64,
    lon: f64,
}

impl GeoPoint {
    pub fn new(lat: f64, lon: f64) -> Result<Self, FieldError> {
        if !lat.is_finite() || !(-90.0..=90.0).contains(&lat) {
            return Err(FieldError::new("lat", MessageKey::LatitudeOutOfRange));
        }
        if !lon.is_finite() || !(-180.0..=180.0).contains(&lon) {
            return Err(FieldError::new("lon", MessageKey::LongitudeOutOfRange));
        }
        Ok(Self { lat, lon })
    }

    /// Parses the text of two form fields.
    pub fn parse(lat: &str, lon: &str) -> Result<Self, FieldError> {
        let number = |field, s: &str| {
            s.trim()
                .parse::<f64>()
                .map_err(|_| FieldError::new(field, MessageKey::NotANumber))
        };
        Self::new(number("lat", lat)?, number("lon", lon)?)
    }

    pub fn lat(&self) -> f64 {
        self.lat
    }

    pub fn lon(&self) -> f64 {
        self.lon
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_point_in_jinan_parses() {
        let p = GeoPoint::parse("36.6651", "117.0483").expect("valid");
        assert!((p.lat() - 36.6651).abs() < 1e-9 && (p.lon() - 117.0483).abs() < 1e-9);
    }

    #[test]
    fn positions_off_the_globe_are_refused_naming_the_field() {
        let field = |r: Result<GeoPoint, FieldError>| r.map_err(|e| e.field.into_owned());
        assert_eq!(field(GeoPoint::new(91.0, 0.0)), Err("lat".into()));
        assert_eq!(field(GeoPoint::new(0.0, -180.5)), Err("lon".into()));
        assert_eq!(field(GeoPoint::new(f64::NAN, 0.0)), Err("lat".into()));
        assert_eq!(
            GeoPoint::parse("北纬", "117").map_err(|e| e.key),
            Err(MessageKey::NotANumber)
        );
    }
}
