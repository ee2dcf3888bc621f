//! getToken (SOAP tokenization), getTransactionDetails and transactionsSearch.

use payline_protocol::messages::{
    GetTokenRequest, GetTokenResponse, GetTransactionDetailsRequest, GetTransactionDetailsResponse,
    TransactionsSearchRequest, TransactionsSearchResponse,
};
use payline_protocol::objects::{
    AssociatedTransactions, AssociatedTransactionsList, Authorization, PaylineResult, Payment,
    Transaction, TransactionList,
};
use payline_protocol::values::{
    Action, Amount, CardExpiry, CardType, Currency, Mode, ReturnCode, ShortDate,
};
use sqlx::SqliteConnection;
use time::{Duration, OffsetDateTime};

use super::answer::{card_out, extended_card, payline_date};
use super::ctx::Ctx;
use crate::cards;
use crate::error::Result;
use crate::store::ledger::{self, Entry, deferred};
use crate::store::tokens;

/// getToken: tokenizes a card number server-side (`02500` on success).
pub(crate) async fn get_token(ctx: &mut Ctx<'_>, req: GetTokenRequest) -> Result<GetTokenResponse> {
    // The answer's expirationDate is mandatory even on a refusal: echo the request's or 01/00.
    let placeholder = req
        .expiration_date
        .or_else(|| CardExpiry::new(1, 0))
        .ok_or(crate::error::SandboxError::Bug(
            "01/00 is a valid card expiry",
        ))?;
    let refuse = |code: ReturnCode| GetTokenResponse {
        result: PaylineResult::documented(code),
        token: String::new(),
        masked_card_number: String::new(),
        expiration_date: placeholder,
        virtual_card: String::new(),
        card_type: CardType::CB,
        card_product: String::new(),
        acceptance_network: String::new(),
        bank: String::new(),
    };
    let Some(contract) = ctx.merchant.contract(req.contract_number.trim()).cloned() else {
        return Ok(refuse(ReturnCode::INVALID_CONTRACT_NUMBER));
    };
    let info = match cards::check_number(&req.card_number) {
        Ok(i) => i,
        Err(e) => return Ok(refuse(e.code())),
    };
    let Some(expiry) = req.expiration_date else {
        return Ok(refuse(ReturnCode::EXPIRY_REQUIRED_FOR_TOKEN));
    };
    if let Err(e) = cards::check_expiry(&expiry.to_string(), ctx.now.date()) {
        return Ok(refuse(e.code()));
    }
    if !contract.accepts(&info.card_type) {
        return Ok(refuse(ReturnCode::CARD_NOT_ELIGIBLE));
    }
    let token = tokens::tokenize(
        ctx.conn,
        ctx.vault,
        &ctx.merchant.id,
        &req.card_number,
        &info.card_type,
        ctx.now,
    )
    .await?;
    Ok(GetTokenResponse {
        result: PaylineResult::documented(ReturnCode::OPERATION_SUCCESSFUL),
        token,
        masked_card_number: cards::mask(&req.card_number),
        expiration_date: expiry,
        virtual_card: "N".to_owned(),
        card_type: info.card_type.parse().unwrap_or(CardType::CB),
        card_product: "Sandbox test card".to_owned(),
        acceptance_network: info.card_type,
        bank: "99999(PAYLINE SANDBOX)".to_owned(),
    })
}

fn txn_of(e: &Entry) -> Transaction {
    Transaction {
        id: e.id.clone(),
        date: payline_date(e.created_at),
        is_duplicated: Some(if e.is_duplicated { "1" } else { "0" }.to_owned()),
        is_possible_fraud: Some("0".to_owned()),
        three_d_secure: Some(e.three_d_secure.clone()),
        r#type: Some(e.kind.as_str().to_owned()),
        order_reference: Some(e.order_ref.clone()),
        ..Transaction::default()
    }
}

/// `payment` of a ledger entry: amount, action, its mode and, for a DIF authorization, the
/// planned capture date (`differedActionDate`).
pub(crate) async fn payment_view(conn: &mut SqliteConnection, e: &Entry) -> Result<Payment> {
    let differed = match e.mode.as_str() {
        "DIF" => deferred::date_of(conn, &e.id).await?,
        _ => None,
    };
    Ok(Payment {
        amount: u64::try_from(e.amount).ok().and_then(Amount::from_minor),
        currency: u16::try_from(e.currency)
            .ok()
            .and_then(Currency::from_numeric)
            .unwrap_or(Currency::EUR),
        action: u16::try_from(e.action)
            .ok()
            .and_then(Action::from_code)
            .unwrap_or(Action::AUTHORIZATION),
        mode: e.mode.parse().unwrap_or(Mode::CPT),
        contract_number: Some(e.contract_number.clone()),
        differed_action_date: differed.and_then(|d| {
            ShortDate::new(
                u8::try_from(d.year().rem_euclid(100)).ok()?,
                u8::from(d.month()),
                d.day(),
            )
        }),
        method: e.card_type.clone(),
        soft_descriptor: None,
        card_brand: e.card_brand.clone(),
        registration_token: None,
        cumulated_amount: None,
    })
}

/// getTransactionDetails: a transaction by id (or the latest of an order reference), with its
/// follow-up operations. A DIF authorization shows `payment.mode` DIF and its
/// `differedActionDate`; the gateway's capture appears among the follow-ups once made.
pub(crate) async fn get_transaction_details(
    ctx: &mut Ctx<'_>,
    req: GetTransactionDetailsRequest,
) -> Result<GetTransactionDetailsResponse> {
    let entry = match (
        req.transaction_id
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty()),
        req.order_ref.as_deref(),
    ) {
        (Some(id), _) => ledger::get(ctx.conn, &ctx.merchant.id, id).await?,
        (None, Some(r)) => ledger::by_order_ref(ctx.conn, &ctx.merchant.id, r.trim())
            .await?
            .into_iter()
            .next_back(),
        (None, None) => None,
    };
    let Some(e) = entry else {
        return Ok(details(
            PaylineResult::documented(ReturnCode::INVALID_TRANSACTION_ID),
            None,
            String::new(),
        ));
    };
    let follow = ledger::follow_ups(ctx.conn, &e.id).await?;
    let associated = (!follow.is_empty()).then(|| AssociatedTransactionsList {
        associated_transactions: follow
            .iter()
            .map(|f| AssociatedTransactions {
                transaction_id: f.id.clone(),
                r#type: f.kind.as_str().to_owned(),
                date: payline_date(f.created_at),
                amount: f.amount.to_string(),
                status: f.state.as_str().to_owned(),
                origin_transaction_id: e.id.clone(),
                currency: Some(f.currency.to_string()),
            })
            .collect(),
    });
    let mut d = details(
        PaylineResult::documented(e.result_code),
        Some(txn_of(&e)),
        e.contract_number.clone(),
    );
    d.payment = Some(payment_view(ctx.conn, &e).await?);
    d.authorization = Some(Authorization {
        number: e.authorization_number.clone().unwrap_or_default(),
        date: payline_date(e.created_at),
        authorized_amount: None,
        authorized_currency: None,
        reattempt: None,
    });
    d.card = card_out(
        e.masked_card.as_deref(),
        e.card_type.as_deref(),
        e.expiry.as_deref(),
        e.token.as_deref(),
    );
    d.extended_card = extended_card(e.card_type.as_deref());
    d.associated_transactions_list = associated;
    Ok(d)
}

fn details(
    result: PaylineResult,
    transaction: Option<Transaction>,
    contract_number: String,
) -> GetTransactionDetailsResponse {
    GetTransactionDetailsResponse {
        transaction,
        contract_number,
        ..GetTransactionDetailsResponse::new(result)
    }
}

fn day_start(d: payline_protocol::values::Date) -> Option<OffsetDateTime> {
    let month = time::Month::try_from(d.month()).ok()?;
    let date = time::Date::from_calendar_date(i32::from(d.year()), month, d.day()).ok()?;
    Some(date.midnight().assume_utc())
}

/// transactionsSearch: the merchant's transactions between two dates (at most 31 days).
pub(crate) async fn transactions_search(
    ctx: &mut Ctx<'_>,
    req: TransactionsSearchRequest,
) -> Result<TransactionsSearchResponse> {
    let answer =
        |code: ReturnCode| TransactionsSearchResponse::new(PaylineResult::documented(code));
    let (Some(from), Some(to)) = (day_start(req.start_date), day_start(req.end_date)) else {
        return Ok(answer(ReturnCode::INVALID_SEARCH_CRITERIA));
    };
    let to = to + Duration::days(1);
    if to <= from {
        return Ok(answer(ReturnCode::INVALID_SEARCH_CRITERIA));
    }
    if to - from > Duration::days(31) {
        return Ok(answer(ReturnCode::SEARCH_INTERVAL_TOO_LONG));
    }
    let order_ref = req
        .order_ref
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let id = req
        .transaction_id
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let found = ledger::search(ctx.conn, &ctx.merchant.id, from, to, order_ref, id, 5001).await?;
    if found.is_empty() {
        return Ok(answer(ReturnCode::NO_MATCHING_TRANSACTION));
    }
    if found.len() > 5000 {
        return Ok(answer(ReturnCode::TOO_MANY_TRANSACTIONS));
    }
    let mut transactions = Vec::with_capacity(found.len());
    for e in &found {
        // With its payment: mode, action and a DIF authorization's capture date.
        transactions.push(Transaction {
            payment: Some(payment_view(ctx.conn, e).await?),
            ..txn_of(e)
        });
    }
    Ok(TransactionsSearchResponse {
        result: PaylineResult::documented(ReturnCode::APPROVED),
        transaction_list: Some(TransactionList {
            transaction: transactions,
        }),
    })
}
