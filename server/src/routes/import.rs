//! `POST /admin/import/geojson`: the body is a GeoJSON FeatureCollection of boundaries and
//! sites. An association admin may import into the areas of their scope; the whole file is
//! checked first and applied in one transaction, or nothing is applied and every problem is
//! returned (`app::areas::ImportOutcome`).

use app::areas::ImportOutcome;
use app::auth::CurrentUser;
use app::i18n::Lang;
use app::AppState;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Extension, Json};
use domain::geometry::{read_geojson, ImportError, ImportProblem};
use domain::{Action, AreaId, AuditEntry, Role, SiteDraft, Storage};
use std::collections::HashMap;

/// The largest file accepted: a district's boundaries and a few thousand sites fit easily.
pub const MAX_BYTES: usize = 32 * 1024 * 1024;

/// An upload: a large file from an office line.
pub fn router() -> super::Listed<AppState> {
    super::Listed::new().upload(
        "POST",
        app::areas::IMPORT_URL,
        post(import_geojson).layer(DefaultBodyLimit::max(MAX_BYTES)),
    )
}

pub async fn import_geojson(
    State(state): State<AppState>,
    Extension(CurrentUser(who)): Extension<CurrentUser>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let lang = Lang::negotiate(
        None,
        headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok()),
    );
    let t = lang.texts();
    let refuse = |status: StatusCode, text: &str| {
        let outcome = ImportOutcome {
            refused: Some(text.to_owned()),
            ..Default::default()
        };
        (status, Json(outcome)).into_response()
    };
    let Some(who) = who else {
        return refuse(StatusCode::UNAUTHORIZED, t.error_unauthenticated);
    };
    let store = state.storage.as_ref();
    let scope =
        match app::auth::widest_scope(store, &who, Role::AssociationAdmin, Action::ManageAreas)
            .await
        {
            Ok((area, _)) => area,
            Err(app::AppError::Forbidden) => {
                return refuse(StatusCode::FORBIDDEN, t.error_forbidden)
            }
            Err(e) => return internal(domain::StorageError::Backend(e.to_string())),
        };
    let names = match area_names(store, scope).await {
        Ok(n) => n,
        Err(e) => return internal(e),
    };
    let Ok(text) = String::from_utf8(body.to_vec()) else {
        let errors = vec![ImportError {
            feature: 0,
            name: None,
            problem: ImportProblem::NotGeoJson,
        }];
        return problems(errors);
    };
    // Parsing and validating thousands of polygons is CPU work: off the async workers.
    let lookup = names.clone();
    let parsed = tokio::task::spawn_blocking(move || {
        read_geojson(&text, &|name| {
            lookup.get(name).is_some_and(|ids| ids.len() == 1)
        })
    })
    .await;
    let plan = match parsed {
        Ok(Ok(plan)) => plan,
        Ok(Err(errors)) => return problems(errors),
        Err(e) => return internal(domain::StorageError::Backend(e.to_string())),
    };
    let id_of = |name: &str| names.get(name).and_then(|ids| ids.first().copied());
    let boundaries: Vec<_> = plan
        .boundaries
        .into_iter()
        .filter_map(|b| id_of(&b.area).map(|id| (id, b.shape)))
        .collect();
    let sites: Vec<_> = plan
        .sites
        .into_iter()
        .filter_map(|s| {
            id_of(&s.area).map(|area_id| SiteDraft {
                area_id,
                name: s.name,
                fence: s.fence,
            })
        })
        .collect();
    let audit = AuditEntry {
        at_ms: crate::auth::now_ms(),
        actor_id: Some(who.volunteer_id),
        action: "import_geojson".into(),
        entity: "area".into(),
        entity_id: Some(scope.0),
        area_id: Some(scope),
        before: None,
        after: Some(format!(
            r#"{{"boundaries":{},"sites":{}}}"#,
            boundaries.len(),
            sites.len()
        )),
    };
    match store.import_geometry(&boundaries, &sites, &audit).await {
        Ok((b, s)) => Json(ImportOutcome {
            boundaries: b,
            sites: s,
            ..Default::default()
        })
        .into_response(),
        Err(e) => internal(e),
    }
}

fn problems(errors: Vec<ImportError>) -> Response {
    (
        StatusCode::UNPROCESSABLE_ENTITY,
        Json(ImportOutcome {
            errors,
            ..Default::default()
        }),
    )
        .into_response()
}

fn internal(e: domain::StorageError) -> Response {
    let err = app::AppError::internal("geojson import", e);
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        Json(ImportOutcome {
            refused: Some(err.to_string()),
            ..Default::default()
        }),
    )
        .into_response()
}

/// Every area name in `scope`'s subtree with its ids (names repeat across streets).
async fn area_names(
    store: &dyn Storage,
    scope: AreaId,
) -> Result<HashMap<String, Vec<AreaId>>, domain::StorageError> {
    let mut names: HashMap<String, Vec<AreaId>> = HashMap::new();
    let mut stack = vec![scope];
    if let Some(root) = store.area(scope).await? {
        names.entry(root.name).or_default().push(root.id);
    }
    while let Some(parent) = stack.pop() {
        for child in store.child_areas(Some(parent)).await? {
            names.entry(child.name.clone()).or_default().push(child.id);
            stack.push(child.id);
        }
    }
    Ok(names)
}
