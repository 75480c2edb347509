//! The codes texted before an application is stored.

use super::{begin, Pool};
use crate::storage::error::Result;
use domain::phone_code::CodeCheck;
use domain::PhoneNumber;

pub async fn put(
    pool: &Pool,
    phone: &PhoneNumber,
    code_mac: &str,
    now: i64,
    expires_at: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO phone_codes (phone, code_mac, sent_at, expires_at, tries) \
         VALUES ($1, $2, $3, $4, 0) ON CONFLICT (phone) DO UPDATE SET \
         code_mac = excluded.code_mac, sent_at = excluded.sent_at, \
         expires_at = excluded.expires_at, tries = 0",
    )
    .bind(phone.as_str())
    .bind(code_mac)
    .bind(now)
    .bind(expires_at)
    .execute(pool)
    .await?;
    Ok(())
}

pub async fn check(
    pool: &Pool,
    phone: &PhoneNumber,
    code_mac: &str,
    now: i64,
    max_tries: u32,
) -> Result<CodeCheck> {
    let mut tx = begin(pool).await?;
    // The row is locked for the rest of the transaction (PostgreSQL: by the UPDATE; SQLite: by
    // the write transaction), so the count and the verdict belong to one entry.
    let row: Option<(String, i64, i64)> = sqlx::query_as(
        "UPDATE phone_codes SET tries = tries WHERE phone = $1 \
         RETURNING code_mac, expires_at, tries",
    )
    .bind(phone.as_str())
    .fetch_optional(&mut *tx)
    .await?;
    let Some((stored, expires_at, tries)) = row else {
        return Ok(CodeCheck::Missing);
    };
    let verdict = if expires_at <= now {
        CodeCheck::Expired
    } else if tries >= i64::from(max_tries) {
        CodeCheck::Exhausted
    } else if constant_time_eq(stored.as_bytes(), code_mac.as_bytes()) {
        CodeCheck::Matches
    } else {
        CodeCheck::Wrong
    };
    match verdict {
        CodeCheck::Matches | CodeCheck::Expired => {
            sqlx::query("DELETE FROM phone_codes WHERE phone = $1")
                .bind(phone.as_str())
                .execute(&mut *tx)
                .await?;
        }
        CodeCheck::Wrong => {
            sqlx::query("UPDATE phone_codes SET tries = tries + 1 WHERE phone = $1")
                .bind(phone.as_str())
                .execute(&mut *tx)
                .await?;
        }
        CodeCheck::Exhausted | CodeCheck::Missing => {}
    }
    tx.commit().await?;
    Ok(verdict)
}

/// Compares two MACs without stopping at the first difference.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
