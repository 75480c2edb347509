//! The two migration folders describe one schema: after migrating, SQLite and PostgreSQL hold
//! the same tables with the same columns, the same named indexes, and the migration files name
//! the same constraints — the storage maps constraint names to field errors, so a name that
//! exists on one database only would be a refusal that reads differently on the other.

mod common;

use sqlx::{Connection, Row};
use std::collections::BTreeSet;
use std::str::FromStr;

/// (table, column) pairs and index names of a migrated SQLite database.
async fn sqlite_schema(db: &common::TestDb) -> (BTreeSet<(String, String)>, BTreeSet<String>) {
    let url = db.sqlite_url().expect("a SQLite test database");
    let mut conn = sqlx::SqliteConnection::connect(&url).await.expect("open");
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' \
         AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations'",
    )
    .fetch_all(&mut conn)
    .await
    .expect("tables");
    let mut columns = BTreeSet::new();
    for table in tables {
        let rows = sqlx::query(&format!("PRAGMA table_info({table})"))
            .fetch_all(&mut conn)
            .await
            .expect("columns");
        for row in rows {
            columns.insert((table.clone(), row.get::<String, _>("name")));
        }
    }
    let indexes: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%'",
    )
    .fetch_all(&mut conn)
    .await
    .expect("indexes");
    (columns, indexes.into_iter().collect())
}

/// The same for a PostgreSQL schema; indexes that only back a constraint (a primary or unique
/// key, which SQLite names itself) are left out on both sides.
async fn postgres_schema(
    url: &str,
    schema: &str,
) -> (BTreeSet<(String, String)>, BTreeSet<String>) {
    let options = sqlx::postgres::PgConnectOptions::from_str(url).expect("url");
    let mut conn = sqlx::PgConnection::connect_with(&options)
        .await
        .expect("open");
    let rows = sqlx::query(
        "SELECT table_name::text AS t, column_name::text AS c FROM information_schema.columns \
         WHERE table_schema = $1 AND table_name <> '_sqlx_migrations'",
    )
    .bind(schema)
    .fetch_all(&mut conn)
    .await
    .expect("columns");
    let columns = rows
        .iter()
        .map(|r| (r.get::<String, _>("t"), r.get::<String, _>("c")))
        .collect();
    let indexes: Vec<String> = sqlx::query_scalar(
        "SELECT i.relname::text FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid \
         JOIN pg_namespace n ON n.oid = i.relnamespace \
         WHERE n.nspname = $1 AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid) \
         AND i.relname NOT LIKE '_sqlx_migrations%'",
    )
    .bind(schema)
    .fetch_all(&mut conn)
    .await
    .expect("indexes");
    (columns, indexes.into_iter().collect())
}

/// Every `CONSTRAINT name` the folder's migrations write.
fn constraint_names(folder: &str) -> BTreeSet<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("migrations")
        .join(folder);
    let mut names = BTreeSet::new();
    for entry in std::fs::read_dir(dir).expect("migrations") {
        let text = std::fs::read_to_string(entry.expect("entry").path()).expect("read");
        let words: Vec<&str> = text
            .lines()
            .map(|l| l.split("--").next().unwrap_or(""))
            .flat_map(str::split_whitespace)
            .collect();
        for pair in words.windows(2) {
            if pair[0].eq_ignore_ascii_case("CONSTRAINT") {
                names.insert(pair[1].trim_end_matches([',', '(']).to_owned());
            }
        }
    }
    names
}

#[tokio::test]
async fn both_databases_define_the_same_schema() {
    let sqlite = common::TestDb::sqlite().await;
    let (lite_columns, lite_indexes) = sqlite_schema(&sqlite).await;
    assert!(
        lite_columns.contains(&("check_events".into(), "superseded_at".into())),
        "the schema is read"
    );
    assert_eq!(
        constraint_names("sqlite"),
        constraint_names("postgres"),
        "the same constraint names"
    );
    let Some(pg) = common::TestDb::postgres().await else {
        eprintln!("TEST_DATABASE_URL not set: compared the constraint names only");
        sqlite.cleanup().await;
        return;
    };
    let (url, schema) = pg.postgres_schema().expect("a PostgreSQL test schema");
    let (pg_columns, pg_indexes) = postgres_schema(&url, &schema).await;
    let only = |a: &BTreeSet<(String, String)>, b: &BTreeSet<(String, String)>| {
        a.difference(b).cloned().collect::<Vec<_>>()
    };
    assert_eq!(
        only(&lite_columns, &pg_columns),
        vec![],
        "columns only on SQLite"
    );
    assert_eq!(
        only(&pg_columns, &lite_columns),
        vec![],
        "columns only on PostgreSQL"
    );
    // SQLite's UNIQUE treats NULL parents as distinct, so root names need an index of their
    // own there; PostgreSQL's `areas_parent_name_key` is `NULLS NOT DISTINCT` (0001_areas.sql).
    let lite_indexes: BTreeSet<String> = lite_indexes
        .into_iter()
        .filter(|i| i != "areas_root_name_key")
        .collect();
    assert_eq!(lite_indexes, pg_indexes, "the same named indexes");
    sqlite.cleanup().await;
    pg.cleanup().await;
}

/// SQLite names a broken UNIQUE key only by its columns; the storage looks the constraint's
/// name up in `SQLITE_UNIQUE_KEYS`. Every unique key of the migrated schema must be there, and
/// nothing else.
#[tokio::test]
async fn every_sqlite_unique_key_is_named_for_the_storage() {
    let db = common::TestDb::sqlite().await;
    let url = db.sqlite_url().expect("a SQLite test database");
    let mut conn = sqlx::SqliteConnection::connect(&url).await.expect("open");
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' \
         AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations'",
    )
    .fetch_all(&mut conn)
    .await
    .expect("tables");
    let mut keys = BTreeSet::new();
    for table in &tables {
        let indexes = sqlx::query(&format!("PRAGMA index_list({table})"))
            .fetch_all(&mut conn)
            .await
            .expect("indexes");
        for index in indexes.iter().filter(|i| i.get::<i64, _>("unique") == 1) {
            let name: String = index.get("name");
            let columns: Vec<String> = sqlx::query(&format!("PRAGMA index_info({name})"))
                .fetch_all(&mut conn)
                .await
                .expect("index columns")
                .iter()
                .map(|c| format!("{table}.{}", c.get::<String, _>("name")))
                .collect();
            keys.insert(columns.join(", "));
        }
        // An INTEGER PRIMARY KEY is the rowid itself and has no index; generated ids (`id`)
        // are never written twice.
        let pk: Vec<(String, String)> = sqlx::query(&format!("PRAGMA table_info({table})"))
            .fetch_all(&mut conn)
            .await
            .expect("columns")
            .iter()
            .filter(|c| c.get::<i64, _>("pk") > 0)
            .map(|c| (c.get::<String, _>("name"), c.get::<String, _>("type")))
            .collect();
        if let [(column, kind)] = pk.as_slice() {
            if kind == "INTEGER" && column != "id" {
                keys.insert(format!("{table}.{column}"));
            }
        }
    }
    let named: BTreeSet<String> = server::storage::SQLITE_UNIQUE_KEYS
        .iter()
        .map(|(columns, _)| (*columns).to_owned())
        .collect();
    assert_eq!(
        keys, named,
        "SQLITE_UNIQUE_KEYS matches the schema's unique keys"
    );
    db.cleanup().await;
}
