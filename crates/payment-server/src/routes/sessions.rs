//! `POST /api/checkout-sessions`, `POST /api/demo/checkout-sessions`, `GET statusUrl`
//! (checkout-session and status contracts).

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::error::{AppError, JsonBody, Result};
use crate::model::{SaveCard, SessionKind};
use crate::payments;
use crate::sessions::{self, NewSession, parse_amount, parse_currency, parse_order_ref, status};
use crate::state::AppState;

/// The routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/checkout-sessions", post(create))
        .route("/api/demo/checkout-sessions", post(create_demo))
        .route("/api/checkout-sessions/{id}", get(session_status))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct CreateBody {
    amount: Value,
    currency: Value,
    order_ref: Option<String>,
    description: Option<String>,
    return_url: Option<String>,
    customer: Option<crate::wallets::CustomerBody>,
    save_card: Option<String>,
    /// `direct` (default) or `hosted` (the gateway's payment page).
    mode: Option<String>,
    /// Instalments or a subscription paid from this checkout.
    schedule: Option<crate::schedules::ScheduleBody>,
}

/// `schedule`: needs a customer (the gateway bills the customer's wallet card) and implies
/// `saveCard: "always"` (the card must be kept for the later payments).
fn parse_schedule(
    state: &AppState,
    b: Option<crate::schedules::ScheduleBody>,
    amount: i64,
    has_customer: bool,
    save_card: &mut SaveCard,
) -> Result<Option<crate::schedules::NewSchedule>> {
    let Some(b) = b else {
        return Ok(None);
    };
    if !has_customer {
        return Err(AppError::invalid(
            "customer_required",
            "a schedule needs a customer",
        ));
    }
    let s = crate::schedules::parse(b, amount, crate::schedules::date_of(state.now_ms()))?;
    *save_card = SaveCard::Always;
    Ok(Some(s))
}

/// `saveCard`: what the session offers; anything but `never` needs a customer (the card goes
/// in the customer's wallet).
fn parse_save_card(v: Option<&str>, has_customer: bool) -> Result<SaveCard> {
    let sc = match v {
        None => SaveCard::Never,
        Some(s) => SaveCard::parse(s).ok_or_else(|| {
            AppError::invalid(
                "invalid_save_card",
                "saveCard must be never, offer or always",
            )
        })?,
    };
    if sc != SaveCard::Never && !has_customer {
        return Err(AppError::invalid(
            "customer_required",
            "saveCard offer or always needs a customer",
        ));
    }
    Ok(sc)
}

fn parse_return_url(u: Option<String>) -> Result<Option<String>> {
    match u {
        None => Ok(None),
        Some(u) if (u.starts_with("https://") || u.starts_with("http://")) && u.len() <= 2048 => {
            Ok(Some(u))
        }
        Some(_) => Err(AppError::invalid(
            "invalid_return_url",
            "returnUrl must be an absolute http(s) URL",
        )),
    }
}

async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    JsonBody(body): JsonBody<CreateBody>,
) -> Result<impl IntoResponse> {
    crate::security::require_admin(&state, &headers)?;
    let description = match body.description {
        Some(d) if d.chars().count() > 255 => {
            return Err(AppError::invalid(
                "invalid_description",
                "description is at most 255 characters",
            ));
        }
        d => d,
    };
    let customer = body
        .customer
        .map(crate::wallets::parse_customer)
        .transpose()?;
    let mut save_card = parse_save_card(body.save_card.as_deref(), customer.is_some())?;
    let amount = parse_amount(&body.amount)?;
    let schedule = parse_schedule(
        &state,
        body.schedule,
        amount,
        customer.is_some(),
        &mut save_card,
    )?;
    let new = NewSession {
        amount,
        currency: parse_currency(&body.currency)?,
        order_ref: body.order_ref.as_deref().map(parse_order_ref).transpose()?,
        description,
        return_url: parse_return_url(body.return_url)?,
        customer_id: customer.as_ref().map(|c| c.id.clone()),
        save_card,
        kind: SessionKind::Checkout,
        schedule,
    };
    let hosted = crate::hosted::requested(&state, body.mode.as_deref(), new.return_url.as_deref())?;
    crate::hosted::check_options(hosted, new.save_card)?;
    // The customer row first: a session never names a customer that does not exist.
    if let Some(c) = &customer {
        crate::wallets::upsert_customer(&state, c).await?;
    }
    let created = sessions::create(&state, new).await?;
    tracing::info!(session = %created.session.id, order_ref = %created.session.order_ref, amount = created.session.amount, "checkout session created");
    let mut answer = sessions::created_json(&state, &created).await?;
    if hosted {
        crate::hosted::open(&state, &created.session, &mut answer).await?;
    }
    Ok((StatusCode::CREATED, Json(answer)))
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct DemoBody {
    amount: Option<Value>,
    return_url: Option<String>,
    customer: Option<crate::wallets::CustomerBody>,
    save_card: Option<String>,
    /// `hosted`: the demo's "pay on the gateway's page" button.
    mode: Option<String>,
    /// The demo's instalments and subscription products.
    schedule: Option<crate::schedules::ScheduleBody>,
}

/// Sandbox only: the demo page creates its own session (there is no shop backend in the demo).
async fn create_demo(
    State(state): State<AppState>,
    body: axum::body::Bytes,
) -> Result<impl IntoResponse> {
    if !state.settings().sandbox {
        return Err(AppError::NotFound("route"));
    }
    let body: DemoBody = if body.iter().all(u8::is_ascii_whitespace) {
        DemoBody::default()
    } else {
        serde_json::from_slice(&body).map_err(|_| {
            AppError::invalid(
                "invalid_body",
                "expected {\"amount\"?: integer, \"returnUrl\"?, \"customer\"?, \"saveCard\"?, \"mode\"?, \"schedule\"?}",
            )
        })?
    };
    let customer = body
        .customer
        .map(crate::wallets::parse_customer)
        .transpose()?;
    let mut save_card = parse_save_card(body.save_card.as_deref(), customer.is_some())?;
    let amount = match body.amount {
        Some(a) => parse_amount(&a)?,
        None => 2599,
    };
    let schedule = parse_schedule(
        &state,
        body.schedule,
        amount,
        customer.is_some(),
        &mut save_card,
    )?;
    if let Some(c) = &customer {
        crate::wallets::upsert_customer(&state, c).await?;
    }
    let new = NewSession {
        amount,
        currency: "978".to_owned(),
        order_ref: None,
        description: Some("card-capture demo".to_owned()),
        return_url: parse_return_url(body.return_url)?,
        customer_id: customer.as_ref().map(|c| c.id.clone()),
        save_card,
        kind: SessionKind::Checkout,
        schedule,
    };
    let hosted = crate::hosted::requested(&state, body.mode.as_deref(), new.return_url.as_deref())?;
    crate::hosted::check_options(hosted, new.save_card)?;
    let created = sessions::create(&state, new).await?;
    let mut answer = sessions::created_json(&state, &created).await?;
    if hosted {
        crate::hosted::open(&state, &created.session, &mut answer).await?;
    }
    Ok((StatusCode::CREATED, Json(answer)))
}

async fn session_status(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<Value>> {
    let mut session = sessions::authorize(&state, &id, &headers).await?;
    sessions::expire_if_due(&state, &mut session).await?;
    let mut out = json!({ "id": session.id, "status": session.status });
    if let Some(s) = crate::schedules::of_session(&state, &session.id).await? {
        out["scheduleId"] = json!(s.id);
    }
    if let Some(pid) = &session.payment_id
        && let Some(p) = payments::load(&state, pid).await?
    {
        out["payment"] = p.browser_json();
        // The saved card it paid with, or the card it saved (customers-and-saved-cards contract).
        let card = match &p.saved_card_id {
            Some(id) => crate::wallets::load_card(&state, id).await?,
            None => crate::wallets::saved_with_payment(&state, &p.id).await?,
        };
        if let Some(c) = card {
            out["payment"]["savedCard"] = c.short_json();
        }
    }
    // Extension of status contract: a refused session with attempts left carries the next
    // attempt's tokenizer data, exactly as the refusing `pay`/`abandon` answer (pay contract) does. A
    // refusal decided outside a pay answer (a failed challenge reaches the server through
    // `/3ds/return`, and the page then reads this status) would otherwise leave the buyer with
    // a token for the closed attempt.
    // A hosted session takes no pay (its page is the gateway's), so it gets no retry data.
    if session.status == status::REFUSED
        && session.attempt <= state.settings().max_attempts
        && crate::hosted::load(&state, &session.id).await?.is_none()
    {
        out["retry"] =
            json!({ "tokenizer": sessions::tokenizer_json(&state, &session, session.attempt) });
    }
    debug_assert!(
        [
            status::OPEN,
            status::PROCESSING,
            status::AUTHORIZED,
            status::REFUSED,
            status::EXPIRED
        ]
        .contains(&session.status.as_str())
    );
    Ok(Json(out))
}
