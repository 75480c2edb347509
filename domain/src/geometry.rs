//! Area boundaries and site fences, and reading them from GeoJSON (the format district GIS
//! offices and online editors export). Coordinates are WGS-84 `[longitude, latitude]`, as
//! GeoJSON orders them. Every problem names the feature (its position and name) and what is
//! wrong, so whoever prepared the file can fix it.

use geo::{Coord, LineString, MultiPolygon, Polygon, Validation};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A polygon or several, in WGS-84 degrees (x = longitude, y = latitude).
pub type Shape = MultiPolygon<f64>;

/// Where a site's duty happens: a polygon, or a point with a radius.
#[derive(Debug, Clone, PartialEq)]
pub enum Fence {
    Polygon(Shape),
    Circle { lat: f64, lon: f64, radius_m: u32 },
}

/// A site read from a file, with the area it belongs to by name.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedSite {
    pub name: String,
    pub area: String,
    pub fence: Fence,
}

/// An area boundary read from a file.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedBoundary {
    pub area: String,
    pub shape: Shape,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ImportPlan {
    pub boundaries: Vec<ImportedBoundary>,
    pub sites: Vec<ImportedSite>,
}

/// What is wrong with one feature (or the whole file when `feature` is 0).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportError {
    /// 1-based position in `features`; 0 for the file as a whole.
    pub feature: usize,
    /// The feature's `name` (or `area`) property, when it has one.
    pub name: Option<String>,
    pub problem: ImportProblem,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ImportProblem {
    /// Not JSON at all, or not a FeatureCollection.
    NotGeoJson,
    /// `properties.kind` is neither "boundary" nor "site".
    UnknownKind,
    /// A required property is missing: "name", "area" or "radius_m".
    MissingProperty(String),
    /// No area of this name exists.
    UnknownArea(String),
    /// A geometry type this kind of feature cannot have (e.g. a boundary that is a Point).
    UnsupportedGeometry(String),
    /// A coordinate that is not `[longitude, latitude]` on the globe; latitude and longitude
    /// swapped is the usual cause.
    BadCoordinate(String),
    /// A ring whose last point is not its first.
    RingNotClosed,
    /// Fewer than 4 positions in a ring (a triangle needs 4, closing point included).
    TooFewPoints,
    /// The outline crosses itself.
    SelfIntersecting,
    /// A radius outside 5–5000 m.
    RadiusOutOfRange,
    /// Two sites with the same name in the same area.
    DuplicateSite(String),
}

/// The most features one file may carry; a district has a few thousand sites at most.
pub const MAX_FEATURES: usize = 20_000;

/// Reads a FeatureCollection into boundaries and sites. `area_exists` says whether an area
/// name is known (the server passes the names in the importer's scope). All problems are
/// returned, in file order, so one round of fixes is enough.
pub fn read_geojson(
    text: &str,
    area_exists: &dyn Fn(&str) -> bool,
) -> Result<ImportPlan, Vec<ImportError>> {
    let whole = |problem| {
        vec![ImportError {
            feature: 0,
            name: None,
            problem,
        }]
    };
    let doc: Value = serde_json::from_str(text).map_err(|_| whole(ImportProblem::NotGeoJson))?;
    if doc.get("type").and_then(Value::as_str) != Some("FeatureCollection") {
        return Err(whole(ImportProblem::NotGeoJson));
    }
    let features = doc
        .get("features")
        .and_then(Value::as_array)
        .filter(|f| f.len() <= MAX_FEATURES)
        .ok_or_else(|| whole(ImportProblem::NotGeoJson))?;
    let mut plan = ImportPlan::default();
    let mut errors = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (i, feature) in features.iter().enumerate() {
        let props = feature.get("properties").cloned().unwrap_or(Value::Null);
        let text_prop = |key: &str| {
            props
                .get(key)
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        let name = text_prop("name");
        let area = text_prop("area");
        let fail = |problem| ImportError {
            feature: i + 1,
            name: name.clone().or_else(|| area.clone()),
            problem,
        };
        let Some(area) = area.clone() else {
            errors.push(fail(ImportProblem::MissingProperty("area".into())));
            continue;
        };
        if !area_exists(&area) {
            errors.push(fail(ImportProblem::UnknownArea(area)));
            continue;
        }
        let geometry = feature.get("geometry").cloned().unwrap_or(Value::Null);
        match text_prop("kind").as_deref() {
            Some("boundary") => match shape(&geometry) {
                Ok(shape) => plan.boundaries.push(ImportedBoundary { area, shape }),
                Err(p) => errors.push(fail(p)),
            },
            Some("site") => {
                let Some(site_name) = name.clone() else {
                    errors.push(fail(ImportProblem::MissingProperty("name".into())));
                    continue;
                };
                if !seen.insert((area.clone(), site_name.clone())) {
                    errors.push(fail(ImportProblem::DuplicateSite(site_name)));
                    continue;
                }
                let fence = if geometry.get("type").and_then(Value::as_str) == Some("Point") {
                    let radius = props.get("radius_m").and_then(Value::as_f64);
                    match (point(&geometry), radius) {
                        (Err(p), _) => Err(p),
                        (Ok(_), None) => Err(ImportProblem::MissingProperty("radius_m".into())),
                        (Ok(_), Some(r)) if !(5.0..=5000.0).contains(&r) => {
                            Err(ImportProblem::RadiusOutOfRange)
                        }
                        (Ok((lon, lat)), Some(r)) => Ok(Fence::Circle {
                            lat,
                            lon,
                            radius_m: r.round() as u32,
                        }),
                    }
                } else {
                    shape(&geometry).map(Fence::Polygon)
                };
                match fence {
                    Ok(fence) => plan.sites.push(ImportedSite {
                        name: site_name,
                        area,
                        fence,
                    }),
                    Err(p) => errors.push(fail(p)),
                }
            }
            _ => errors.push(fail(ImportProblem::UnknownKind)),
        }
    }
    if errors.is_empty() {
        Ok(plan)
    } else {
        Err(errors)
    }
}

fn position(v: &Value) -> Result<Coord<f64>, ImportProblem> {
    let show = || v.to_string().chars().take(40).collect::<String>();
    let pair = v
        .as_array()
        .filter(|a| a.len() >= 2)
        .ok_or_else(|| ImportProblem::BadCoordinate(show()))?;
    let (lon, lat) = (pair[0].as_f64(), pair[1].as_f64());
    match (lon, lat) {
        (Some(lon), Some(lat))
            if lon.is_finite()
                && lat.is_finite()
                && (-180.0..=180.0).contains(&lon)
                && (-90.0..=90.0).contains(&lat) =>
        {
            Ok(Coord { x: lon, y: lat })
        }
        _ => Err(ImportProblem::BadCoordinate(show())),
    }
}

fn point(geometry: &Value) -> Result<(f64, f64), ImportProblem> {
    let c = position(geometry.get("coordinates").unwrap_or(&Value::Null))?;
    Ok((c.x, c.y))
}

fn ring(v: &Value) -> Result<LineString<f64>, ImportProblem> {
    let coords = v
        .as_array()
        .ok_or_else(|| ImportProblem::BadCoordinate(v.to_string().chars().take(40).collect()))?
        .iter()
        .map(position)
        .collect::<Result<Vec<_>, _>>()?;
    if coords.len() < 4 {
        return Err(ImportProblem::TooFewPoints);
    }
    if coords.first() != coords.last() {
        return Err(ImportProblem::RingNotClosed);
    }
    Ok(LineString::new(coords))
}

fn polygon(v: &Value) -> Result<Polygon<f64>, ImportProblem> {
    let rings = v
        .as_array()
        .filter(|r| !r.is_empty())
        .ok_or(ImportProblem::TooFewPoints)?
        .iter()
        .map(ring)
        .collect::<Result<Vec<_>, _>>()?;
    let mut rings = rings.into_iter();
    let exterior = rings.next().ok_or(ImportProblem::TooFewPoints)?;
    let polygon = Polygon::new(exterior, rings.collect());
    if polygon.is_valid() {
        Ok(polygon)
    } else {
        Err(ImportProblem::SelfIntersecting)
    }
}

fn shape(geometry: &Value) -> Result<Shape, ImportProblem> {
    let kind = geometry.get("type").and_then(Value::as_str).unwrap_or("");
    let coords = geometry.get("coordinates").unwrap_or(&Value::Null);
    match kind {
        "Polygon" => Ok(MultiPolygon(vec![polygon(coords)?])),
        "MultiPolygon" => {
            let parts = coords
                .as_array()
                .filter(|p| !p.is_empty())
                .ok_or(ImportProblem::TooFewPoints)?
                .iter()
                .map(polygon)
                .collect::<Result<Vec<_>, _>>()?;
            Ok(MultiPolygon(parts))
        }
        other => Err(ImportProblem::UnsupportedGeometry(if other.is_empty() {
            "none".into()
        } else {
            other.into()
        })),
    }
}

/// A shape as a GeoJSON geometry, for storage and for drawing.
pub fn shape_to_geojson(shape: &Shape) -> String {
    let ring = |ls: &LineString<f64>| {
        Value::Array(ls.coords().map(|c| serde_json::json!([c.x, c.y])).collect())
    };
    let polys: Vec<Value> = shape
        .0
        .iter()
        .map(|p| {
            let mut rings = vec![ring(p.exterior())];
            rings.extend(p.interiors().iter().map(ring));
            Value::Array(rings)
        })
        .collect();
    serde_json::json!({ "type": "MultiPolygon", "coordinates": polys }).to_string()
}

/// Reads back what `shape_to_geojson` stored.
pub fn shape_from_geojson(text: &str) -> Option<Shape> {
    let v: Value = serde_json::from_str(text).ok()?;
    shape(&v).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known(name: &str) -> bool {
        ["芙蓉街社区", "山大路社区"].contains(&name)
    }

    const SQUARE: &str =
        "[[[117.02,36.66],[117.03,36.66],[117.03,36.67],[117.02,36.67],[117.02,36.66]]]";

    fn feature(kind: &str, name: &str, area: &str, geometry: &str, extra: &str) -> String {
        format!(
            r#"{{"type":"Feature","properties":{{"kind":"{kind}","name":"{name}","area":"{area}"{extra}}},"geometry":{geometry}}}"#
        )
    }

    fn collection(features: &[String]) -> String {
        format!(
            r#"{{"type":"FeatureCollection","features":[{}]}}"#,
            features.join(",")
        )
    }

    #[test]
    fn boundaries_and_sites_of_every_shape_are_read() {
        let doc = collection(&[
            feature(
                "boundary",
                "",
                "芙蓉街社区",
                &format!(r#"{{"type":"Polygon","coordinates":{SQUARE}}}"#),
                "",
            ),
            feature(
                "site",
                "芙蓉街北口",
                "芙蓉街社区",
                &format!(r#"{{"type":"MultiPolygon","coordinates":[{SQUARE}]}}"#),
                "",
            ),
            feature(
                "site",
                "曲水亭",
                "芙蓉街社区",
                r#"{"type":"Point","coordinates":[117.021,36.667]}"#,
                r#","radius_m":60"#,
            ),
        ]);
        let plan = read_geojson(&doc, &known).expect("valid");
        assert_eq!(plan.boundaries.len(), 1);
        assert_eq!(plan.sites.len(), 2);
        assert_eq!(
            plan.sites[1].fence,
            Fence::Circle {
                lat: 36.667,
                lon: 117.021,
                radius_m: 60
            }
        );
        let stored = shape_to_geojson(&plan.boundaries[0].shape);
        assert_eq!(
            shape_from_geojson(&stored),
            Some(plan.boundaries[0].shape.clone())
        );
    }

    #[test]
    fn every_problem_names_its_feature() {
        let bowtie = r#"{"type":"Polygon","coordinates":[[[117.02,36.66],[117.03,36.67],[117.03,36.66],[117.02,36.67],[117.02,36.66]]]}"#;
        let open = r#"{"type":"Polygon","coordinates":[[[117.02,36.66],[117.03,36.66],[117.03,36.67],[117.02,36.67]]]}"#;
        let swapped = r#"{"type":"Point","coordinates":[36.66,117.02]}"#;
        let doc = collection(&[
            feature(
                "boundary",
                "",
                "无名社区",
                &format!(r#"{{"type":"Polygon","coordinates":{SQUARE}}}"#),
                "",
            ),
            feature("site", "蝴蝶", "芙蓉街社区", bowtie, ""),
            feature("site", "缺口", "芙蓉街社区", open, ""),
            feature("site", "颠倒", "芙蓉街社区", swapped, r#","radius_m":50"#),
            feature(
                "site",
                "没半径",
                "芙蓉街社区",
                r#"{"type":"Point","coordinates":[117.02,36.66]}"#,
                "",
            ),
            feature(
                "site",
                "太大",
                "芙蓉街社区",
                r#"{"type":"Point","coordinates":[117.02,36.66]}"#,
                r#","radius_m":9000"#,
            ),
            feature(
                "boundary",
                "",
                "山大路社区",
                r#"{"type":"Point","coordinates":[117.02,36.66]}"#,
                "",
            ),
            feature(
                "parking",
                "x",
                "山大路社区",
                r#"{"type":"Point","coordinates":[117.02,36.66]}"#,
                "",
            ),
            feature("site", "蝴蝶", "芙蓉街社区", bowtie, ""),
        ]);
        let errors = read_geojson(&doc, &known).expect_err("invalid");
        let got: Vec<(usize, ImportProblem)> =
            errors.into_iter().map(|e| (e.feature, e.problem)).collect();
        assert_eq!(
            got,
            vec![
                (1, ImportProblem::UnknownArea("无名社区".into())),
                (2, ImportProblem::SelfIntersecting),
                (3, ImportProblem::RingNotClosed),
                (4, ImportProblem::BadCoordinate("[36.66,117.02]".into())),
                (5, ImportProblem::MissingProperty("radius_m".into())),
                (6, ImportProblem::RadiusOutOfRange),
                (7, ImportProblem::UnsupportedGeometry("Point".into())),
                (8, ImportProblem::UnknownKind),
                (9, ImportProblem::DuplicateSite("蝴蝶".into())),
            ]
        );
    }

    #[test]
    fn a_file_that_is_not_a_feature_collection_is_refused_as_a_whole() {
        for bad in [
            "",
            "not json",
            r#"{"type":"Feature"}"#,
            r#"{"type":"FeatureCollection"}"#,
        ] {
            let errors = read_geojson(bad, &known).expect_err(bad);
            assert_eq!(
                errors,
                vec![ImportError {
                    feature: 0,
                    name: None,
                    problem: ImportProblem::NotGeoJson
                }]
            );
        }
    }
}
