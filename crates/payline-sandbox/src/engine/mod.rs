//! The gateway's rules: one module per group of Payline operations.

pub mod tokens;
