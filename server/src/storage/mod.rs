//! The storage adapters behind `domain::Storage`: SQLite (embedded default) and PostgreSQL.
//! Each migrates its database on connect; `tests/storage.rs` holds both to one behaviour.

mod error;
mod postgres;
mod rows;
mod sqlite;

pub use error::{classify, SQLITE_UNIQUE_KEYS};

pub use postgres::PostgresStorage;
pub use sqlite::SqliteStorage;

use anyhow::Context;
use domain::{AreaId, Storage};
use std::sync::Arc;

/// Opens (creating when needed) and migrates the database `url` names.
pub async fn connect(url: &str) -> anyhow::Result<Arc<dyn Storage>> {
    if url.starts_with("postgres") {
        let store = PostgresStorage::connect(url)
            .await
            .context("failed to open the PostgreSQL database")?;
        Ok(Arc::new(store))
    } else {
        let store = SqliteStorage::connect(url)
            .await
            .context("failed to open the SQLite database")?;
        Ok(Arc::new(store))
    }
}

/// `text` for a `LIKE … ESCAPE '\'` pattern, matched literally: `%`, `_` and the escape
/// character itself lose their meaning.
pub(crate) fn like_literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Area paths, remembered: every request resolves its caller's home path, and a path never
/// changes once the area exists (areas are added under parents, never moved). Per storage
/// instance, so two databases in one process never mix.
#[derive(Clone, Default)]
struct PathCache(
    std::sync::Arc<std::sync::RwLock<std::collections::HashMap<AreaId, domain::AreaPath>>>,
);

impl PathCache {
    fn get(&self, id: AreaId) -> Option<domain::AreaPath> {
        self.0.read().ok()?.get(&id).cloned()
    }

    /// Keeps a found path (an empty one means the area does not exist, so it is not kept).
    fn remember(&self, id: AreaId, path: &domain::AreaPath) {
        if path.0.is_empty() {
            return;
        }
        if let Ok(mut paths) = self.0.write() {
            paths.insert(id, path.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn like_wildcards_are_taken_literally() {
        assert_eq!(super::like_literal("王%_\\"), "王\\%\\_\\\\");
        assert_eq!(super::like_literal("张三"), "张三");
    }
}
