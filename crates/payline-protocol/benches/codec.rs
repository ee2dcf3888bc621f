//! Decode + encode of doAuthorization, the hot path of a checkout, request and response.
//!
//! Run with `cargo bench -p payline-protocol --bench codec`; figures in the crate README.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use criterion::{Criterion, criterion_group, criterion_main};
use payline_protocol::messages::DoAuthorizationRequest;
use payline_protocol::{decode_request, decode_response, encode_request, encode_response};
use std::hint::black_box;

const REQUEST: &str = include_str!("../tests/fixtures/doAuthorization/request-php-style.xml");
const RESPONSE: &str = include_str!("../tests/fixtures/doAuthorization/accepted.xml");

fn codec(c: &mut Criterion) {
    c.bench_function("doAuthorization request decode+encode", |b| {
        b.iter(|| {
            let r: DoAuthorizationRequest = decode_request(black_box(REQUEST)).unwrap();
            encode_request(&r).unwrap()
        })
    });
    c.bench_function("doAuthorization response decode+encode", |b| {
        b.iter(|| {
            let r = decode_response::<DoAuthorizationRequest>(black_box(RESPONSE)).unwrap();
            encode_response(&r).unwrap()
        })
    });
    let request: DoAuthorizationRequest = decode_request(REQUEST).unwrap();
    c.bench_function("doAuthorization request encode", |b| {
        b.iter(|| encode_request(black_box(&request)).unwrap())
    });
    c.bench_function("doAuthorization request decode", |b| {
        b.iter(|| decode_request::<DoAuthorizationRequest>(black_box(REQUEST)).unwrap())
    });
}

criterion_group!(benches, codec);
criterion_main!(benches);
