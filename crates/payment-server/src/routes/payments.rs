//! The shop backend's payment API (Bearer `ADMIN_TOKEN`): `GET /api/payments/{id}`, the paged
//! list, and capture / cancel / refund / reauthorize with an `Idempotency-Key`.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::backoffice::{self, Kind, OpBody};
use crate::error::{AppError, Result};
use crate::payments::{self, AUTHORIZATION_VALIDITY_MS, Payment};
use crate::security::require_admin;
use crate::state::AppState;

/// The routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/payments", get(list))
        .route("/api/payments/{id}", get(one))
        .route("/api/payments/{id}/capture", post(capture))
        .route("/api/payments/{id}/cancel", post(cancel))
        .route("/api/payments/{id}/refund", post(refund))
        .route("/api/payments/{id}/reauthorize", post(reauthorize))
}

async fn one(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<Value>> {
    require_admin(&state, &headers)?;
    Ok(Json(detail(&state, &id).await?))
}

/// A payment as `GET /api/payments/{id}` shows it, with its attempts and operations (also the
/// sandbox back office's view, `routes::demo`).
pub(crate) async fn detail(state: &AppState, id: &str) -> Result<Value> {
    let p = payments::load(state, id)
        .await?
        .ok_or(AppError::NotFound("payment"))?;
    let mut v = p.admin_json();
    v["attempts"] = json!(crate::checkout::attempts_json(state, &p.id).await?);
    v["operations"] = json!(backoffice::operations_json(state, &p.id).await?);
    Ok(v)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ListQuery {
    order_ref: Option<String>,
    status: Option<String>,
    from: Option<String>,
    to: Option<String>,
    expiring_within: Option<String>,
    limit: Option<i64>,
    cursor: Option<String>,
}

fn parse_time(name: &'static str, v: &str) -> Result<i64> {
    let t = time::OffsetDateTime::parse(v, &time::format_description::well_known::Rfc3339)
        .map_err(|_| {
            AppError::invalid(
                "invalid_query",
                format!("{name} must be an RFC 3339 date-time"),
            )
        })?;
    i64::try_from(t.unix_timestamp_nanos() / 1_000_000)
        .map_err(|_| AppError::invalid("invalid_query", "date out of range"))
}

/// `3600`, `90m`, `48h`, `2d` → milliseconds.
pub fn parse_duration_ms(v: &str) -> Option<i64> {
    let (num, unit) = match v.char_indices().last()? {
        (i, c) if c.is_ascii_alphabetic() => (&v[..i], c),
        _ => (v, 's'),
    };
    let n: i64 = num.parse().ok().filter(|n| *n >= 0)?;
    let mult = match unit {
        's' => 1_000,
        'm' => 60_000,
        'h' => 3_600_000,
        'd' => 86_400_000,
        _ => return None,
    };
    n.checked_mul(mult)
}

const STATUSES: [&str; 10] = [
    "processing",
    "pending_3ds",
    "authorized",
    "captured",
    "partially_refunded",
    "refunded",
    "cancelled",
    "refused",
    "unknown",
    "created",
];

async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<ListQuery>,
) -> Result<Json<Value>> {
    require_admin(&state, &headers)?;
    let limit = q.limit.unwrap_or(50);
    if !(1..=200).contains(&limit) {
        return Err(AppError::invalid("invalid_query", "limit must be 1–200"));
    }
    // Placeholders are numbered as values are pushed, so clauses and binds never drift apart.
    let mut w = Where::default();
    if let Some(r) = &q.order_ref {
        w.push(
            " AND order_ref LIKE {}",
            Bind::Text(format!("{}%", r.replace(['%', '_'], ""))),
        );
    }
    if let Some(s) = &q.status {
        if !STATUSES.contains(&s.as_str()) {
            return Err(AppError::invalid("invalid_query", "unknown status"));
        }
        w.push(" AND status = {}", Bind::Text(s.clone()));
    }
    if let Some(f) = &q.from {
        w.push(" AND created_at >= {}", Bind::Int(parse_time("from", f)?));
    }
    if let Some(t) = &q.to {
        w.push(" AND created_at < {}", Bind::Int(parse_time("to", t)?));
    }
    if let Some(win) = &q.expiring_within {
        let ms = parse_duration_ms(win).ok_or_else(|| {
            AppError::invalid(
                "invalid_query",
                "expiringWithin must be a duration like 48h",
            )
        })?;
        // Authorizations not captured yet whose 7-day validity ends within the window.
        let now = state.now_ms();
        w.push(
            " AND status = 'authorized' AND authorized_at > {}",
            Bind::Int(now - AUTHORIZATION_VALIDITY_MS),
        );
        w.push(
            " AND authorized_at <= {}",
            Bind::Int(now + ms - AUTHORIZATION_VALIDITY_MS),
        );
    }
    if let Some(c) = &q.cursor {
        let (ts, id) = c
            .split_once('.')
            .ok_or_else(|| AppError::invalid("invalid_query", "bad cursor"))?;
        let ts: i64 = ts
            .parse()
            .map_err(|_| AppError::invalid("invalid_query", "bad cursor"))?;
        w.push(" AND (created_at < {}", Bind::Int(ts));
        w.push(" OR (created_at = {}", Bind::Int(ts));
        w.push(" AND id < {}))", Bind::Text(id.to_owned()));
    }
    let mut sql = format!("SELECT * FROM payments WHERE 1 = 1{}", w.sql);
    let binds = w.binds;
    sql.push_str(&format!(
        " ORDER BY created_at DESC, id DESC LIMIT {}",
        limit + 1
    ));
    let mut query = sqlx::query(&sql);
    for b in binds {
        query = match b {
            Bind::Text(t) => query.bind(t),
            Bind::Int(i) => query.bind(i),
        };
    }
    let rows = query.fetch_all(state.store().pool()).await?;
    let mut items: Vec<Payment> = rows
        .iter()
        .map(Payment::from_row)
        .collect::<std::result::Result<_, _>>()?;
    let more = items.len() as i64 > limit;
    items.truncate(usize::try_from(limit).unwrap_or(50));
    let next_cursor = if more {
        items.last().map(|p| format!("{}.{}", p.created_at, p.id))
    } else {
        None
    };
    Ok(Json(json!({
        "items": items.iter().map(Payment::admin_json).collect::<Vec<_>>(),
        "nextCursor": next_cursor,
    })))
}

#[derive(Default)]
struct Where {
    sql: String,
    binds: Vec<Bind>,
}

impl Where {
    fn push(&mut self, clause: &str, value: Bind) {
        self.binds.push(value);
        self.sql
            .push_str(&clause.replace("{}", &format!("${}", self.binds.len())));
    }
}

enum Bind {
    Text(String),
    Int(i64),
}

async fn op(
    state: AppState,
    id: String,
    headers: HeaderMap,
    kind: Kind,
    body: OpBody,
) -> Result<(StatusCode, Json<Value>)> {
    require_admin(&state, &headers)?;
    run_op(state, id, &headers, kind, body).await
}

/// An operation under the request's `Idempotency-Key`, once the caller is allowed (also the
/// sandbox back office's, `routes::demo`: same scope, so a key means one operation whichever
/// route it came through).
pub(crate) async fn run_op(
    state: AppState,
    id: String,
    headers: &HeaderMap,
    kind: Kind,
    body: OpBody,
) -> Result<(StatusCode, Json<Value>)> {
    let key = crate::idempotency::header_key(headers)?;
    payments::load(&state, &id)
        .await?
        .ok_or(AppError::NotFound("payment"))?;
    let hash = crate::ids::sha256_hex(serde_json::to_string(&body).unwrap_or_default().as_bytes());
    let scope = format!("op:{id}:{}", kind.name());
    let (st, v) =
        crate::idempotency::run_keeping_unknown(&state, &scope, &key.clone(), &hash, || async {
            backoffice::execute(&state, &id, kind, body, &key)
                .await
                .map(|v| (StatusCode::OK, v))
        })
        .await?;
    Ok((st, Json(v)))
}

pub(crate) async fn body_or_default(b: axum::body::Bytes) -> Result<OpBody> {
    if b.iter().all(u8::is_ascii_whitespace) {
        Ok(OpBody::default())
    } else {
        serde_json::from_slice(&b).map_err(|e| {
            AppError::invalid(
                "invalid_body",
                e.to_string()
                    .split(" at line")
                    .next()
                    .unwrap_or("invalid body")
                    .to_owned(),
            )
        })
    }
}

async fn capture(
    State(s): State<AppState>,
    Path(id): Path<String>,
    h: HeaderMap,
    b: axum::body::Bytes,
) -> Result<(StatusCode, Json<Value>)> {
    let body = body_or_default(b).await?;
    op(s, id, h, Kind::Capture, body).await
}

async fn cancel(
    State(s): State<AppState>,
    Path(id): Path<String>,
    h: HeaderMap,
    b: axum::body::Bytes,
) -> Result<(StatusCode, Json<Value>)> {
    let body = body_or_default(b).await?;
    op(s, id, h, Kind::Cancel, body).await
}

async fn refund(
    State(s): State<AppState>,
    Path(id): Path<String>,
    h: HeaderMap,
    b: axum::body::Bytes,
) -> Result<(StatusCode, Json<Value>)> {
    let body = body_or_default(b).await?;
    op(s, id, h, Kind::Refund, body).await
}

async fn reauthorize(
    State(s): State<AppState>,
    Path(id): Path<String>,
    h: HeaderMap,
    b: axum::body::Bytes,
) -> Result<(StatusCode, Json<Value>)> {
    let body = body_or_default(b).await?;
    op(s, id, h, Kind::Reauthorize, body).await
}

#[cfg(test)]
mod tests {
    use super::parse_duration_ms;

    #[test]
    fn durations() {
        assert_eq!(parse_duration_ms("3600"), Some(3_600_000));
        assert_eq!(parse_duration_ms("48h"), Some(48 * 3_600_000));
        assert_eq!(parse_duration_ms("2d"), Some(2 * 86_400_000));
        assert_eq!(parse_duration_ms("-1h"), None);
        assert_eq!(parse_duration_ms("h"), None);
        assert_eq!(parse_duration_ms("5w"), None);
    }
}
