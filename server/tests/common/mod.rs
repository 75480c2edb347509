//! Test harness: a fresh database per test, on SQLite always and on PostgreSQL when
//! `TEST_DATABASE_URL` names one.

#![allow(
    dead_code,
    reason = "each test binary uses a different part of the harness"
)]

pub mod app;

use domain::Storage;
use server::storage::{PostgresStorage, SqliteStorage};
use sqlx::postgres::PgConnectOptions;
use sqlx::{Connection, PgConnection};
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::Arc;

pub struct TestDb {
    pub store: Arc<dyn Storage>,
    cleanup: Cleanup,
}

enum Cleanup {
    File(PathBuf),
    Schema { url: String, schema: String },
}

impl TestDb {
    /// A new SQLite file in the temp folder, with the production settings (WAL, FULL sync).
    pub async fn sqlite() -> Self {
        let path = std::env::temp_dir().join(format!("pingan-test-{}.db", uuid::Uuid::new_v4()));
        let url = format!("sqlite://{}", path.display());
        let store = SqliteStorage::connect(&url)
            .await
            .expect("open sqlite test database");
        Self {
            store: Arc::new(store),
            cleanup: Cleanup::File(path),
        }
    }

    /// A new schema in the PostgreSQL database `TEST_DATABASE_URL` names, or `None` when unset.
    /// A set but unreachable URL fails the test: CI must not pass by skipping.
    pub async fn postgres() -> Option<Self> {
        let url = std::env::var("TEST_DATABASE_URL")
            .ok()
            .filter(|u| !u.is_empty())?;
        let schema = format!("t_{}", uuid::Uuid::new_v4().simple());
        let mut conn = PgConnection::connect(&url)
            .await
            .expect("TEST_DATABASE_URL is set but PostgreSQL is unreachable");
        sqlx::query(&format!("CREATE SCHEMA {schema}"))
            .execute(&mut conn)
            .await
            .expect("create test schema");
        conn.close().await.ok();
        let options = PgConnectOptions::from_str(&url)
            .expect("valid TEST_DATABASE_URL")
            .options([("search_path", schema.as_str())]);
        let store = PostgresStorage::connect_with(options)
            .await
            .expect("open postgres test schema");
        Some(Self {
            store: Arc::new(store),
            cleanup: Cleanup::Schema { url, schema },
        })
    }

    /// A second storage on the same database, as a second app server would open it.
    pub async fn another_store(&self) -> Arc<dyn Storage> {
        match &self.cleanup {
            Cleanup::File(path) => Arc::new(
                SqliteStorage::connect(&format!("sqlite://{}", path.display()))
                    .await
                    .expect("reopen sqlite"),
            ),
            Cleanup::Schema { url, schema } => {
                let options = PgConnectOptions::from_str(url)
                    .expect("valid TEST_DATABASE_URL")
                    .options([("search_path", schema.as_str())]);
                Arc::new(
                    PostgresStorage::connect_with(options)
                        .await
                        .expect("reopen postgres"),
                )
            }
        }
    }

    /// The URL of a SQLite test database, to open a connection of one's own.
    pub fn sqlite_url(&self) -> Option<String> {
        match &self.cleanup {
            Cleanup::File(path) => Some(format!("sqlite://{}", path.display())),
            Cleanup::Schema { .. } => None,
        }
    }

    /// The server URL and schema of a PostgreSQL test database.
    pub fn postgres_schema(&self) -> Option<(String, String)> {
        match &self.cleanup {
            Cleanup::Schema { url, schema } => Some((url.clone(), schema.clone())),
            Cleanup::File(_) => None,
        }
    }

    /// Runs raw SQL beside the port (to prove what the schema itself refuses).
    pub async fn execute(&self, sql: &str) -> Result<u64, sqlx::Error> {
        match &self.cleanup {
            Cleanup::File(path) => {
                let mut conn =
                    sqlx::SqliteConnection::connect(&format!("sqlite://{}", path.display()))
                        .await?;
                Ok(sqlx::query(sql).execute(&mut conn).await?.rows_affected())
            }
            Cleanup::Schema { url, schema } => {
                let options = PgConnectOptions::from_str(url)
                    .expect("valid TEST_DATABASE_URL")
                    .options([("search_path", schema.as_str())]);
                let mut conn = PgConnection::connect_with(&options).await?;
                Ok(sqlx::query(sql).execute(&mut conn).await?.rows_affected())
            }
        }
    }

    pub async fn cleanup(self) {
        drop(self.store);
        match self.cleanup {
            Cleanup::File(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let mut p = path.clone().into_os_string();
                    p.push(suffix);
                    let _ = std::fs::remove_file(p);
                }
            }
            Cleanup::Schema { url, schema } => {
                if let Ok(mut conn) = PgConnection::connect(&url).await {
                    let _ = sqlx::query(&format!("DROP SCHEMA {schema} CASCADE"))
                        .execute(&mut conn)
                        .await;
                }
            }
        }
    }
}

/// An audit entry for a test's own setup writes.
pub fn audit(action: &str) -> domain::AuditEntry {
    domain::AuditEntry {
        at_ms: 1,
        actor_id: None,
        action: action.into(),
        entity: "test".into(),
        entity_id: None,
        area_id: None,
        before: None,
        after: None,
    }
}

/// 历下区 › 解放路街道 › 山大路社区 with the patrol site 山大路小学 (a 60 m circle) in the
/// community: the place the duty, hardening and notification tests work at.
pub async fn school_site(store: &dyn Storage) -> ([domain::AreaId; 3], domain::SiteId) {
    let areas = area_chain(store, ["历下区", "解放路街道", "山大路社区"]).await;
    let site = domain::SiteDraft {
        area_id: areas[2],
        name: "山大路小学".into(),
        fence: domain::geometry::Fence::Circle {
            lat: 36.675,
            lon: 117.058,
            radius_m: 60,
        },
    };
    store
        .import_geometry(&[], &[site], &audit("import"))
        .await
        .expect("site");
    let site = store.sites_in(areas[2]).await.expect("sites")[0].id;
    (areas, site)
}

/// A district, a street under it and a community under that, with these names (5,900
/// residents each, counted 2020-11-01): the smallest tree a storage test needs.
pub async fn area_chain(store: &dyn Storage, names: [&str; 3]) -> [domain::AreaId; 3] {
    use domain::{AreaKind, AreaName, NewArea, Population};
    let mut parent = None;
    let mut ids = Vec::new();
    for (kind, name) in [AreaKind::District, AreaKind::Street, AreaKind::Community]
        .into_iter()
        .zip(names)
    {
        let id = store
            .insert_area(&NewArea {
                parent_id: parent,
                kind,
                name: AreaName::parse(name).expect("name"),
                population: Population::new(5_900).expect("population"),
                population_counted_on: chrono::NaiveDate::from_ymd_opt(2020, 11, 1),
            })
            .await
            .expect("area");
        ids.push(id);
        parent = Some(id);
    }
    [ids[0], ids[1], ids[2]]
}

/// A registered volunteer 队员`n` (mobile 1370000`nnnn`) living in `home`.
pub async fn volunteer(store: &dyn Storage, home: domain::AreaId, n: u32) -> domain::VolunteerId {
    use domain::{NewVolunteer, PersonName, PhoneNumber, VolunteerStatus};
    store
        .insert_volunteer(&NewVolunteer {
            name: PersonName::parse(&format!("队员{n}")).expect("name"),
            phone: PhoneNumber::parse(&format!("1370000{n:04}")).expect("phone"),
            id_number: None,
            home_area_id: home,
            skills: vec![],
            location_consent_version: Some("2026-1".into()),
            status: VolunteerStatus::Registered,
            vest_no: None,
            password_hash: None,
            now_ms: 1,
        })
        .await
        .expect("volunteer")
}

/// Runs each named `async fn(&dyn Storage)` of the calling file once per backend.
#[macro_export]
macro_rules! conformance {
    ($($name:ident),* $(,)?) => {
        $crate::conformance!(@with store, on_sqlite, on_postgres; $($name),*);
    };
    (@with $arg:ident, $sqlite:ident, $postgres:ident; $($name:ident),* $(,)?) => {
        mod $sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    let db = $crate::common::TestDb::sqlite().await;
                    super::$name($crate::common::arg!($arg, db)).await;
                    db.cleanup().await;
                }
            )*
        }
        mod $postgres {
            $(
                #[tokio::test]
                async fn $name() {
                    let Some(db) = $crate::common::TestDb::postgres().await else {
                        eprintln!("TEST_DATABASE_URL not set: PostgreSQL run skipped");
                        return;
                    };
                    super::$name($crate::common::arg!($arg, db)).await;
                    db.cleanup().await;
                }
            )*
        }
    };
}

/// Like `conformance!`, for tests that take the whole `&TestDb` (to run raw SQL).
#[macro_export]
macro_rules! conformance_raw {
    ($($name:ident),* $(,)?) => {
        $crate::conformance!(@with db, raw_on_sqlite, raw_on_postgres; $($name),*);
    };
}

#[allow(unused_macros, reason = "only the storage test binaries use it")]
macro_rules! arg {
    (store, $db:ident) => {
        $db.store.as_ref()
    };
    (db, $db:ident) => {
        &$db
    };
}
#[allow(unused_imports, reason = "only the storage test binaries use it")]
pub(crate) use arg;
