//! Every documented code, grouped by what it means for doAuthorization, then the operations
//! where the meaning differs.

use super::*;

const ACCEPTED: &[&str] = &[
    "00000", "02400", "02500", "03000", "03100", "03101", "03102", "03103", "03104", "04000",
];
const WARNING: &[&str] = &["02501", "02517", "02520", "02616"];
const REFUSED: &[&str] = &[
    "01100", "01101", "01102", "01103", "01108", "01111", "01113", "01114", "01115", "01116",
    "01117", "01118", "01119", "01120", "01121", "01122", "01123", "01125", "01126", "01128",
    "01129", "01130", "01132", "01133", "01183", "01184", "01200", "01201", "01202", "01206",
    "01207", "01208", "01209", "01280", "01401", "01402", "01403", "01404", "01405", "01406",
    "01407", "01430", "01915", "02003", "02015", "02020", "02640", "02998", "03001", "03003",
    "04002", "04301", "04302", "04403", "04404", "92423",
];
const CANCELLED: &[&str] = &[
    "02004", "02008", "02009", "02014", "02319", "02536", "03022",
];
const PENDING: &[&str] = &[
    "02000", "02005", "02006", "02016", "02306", "02533", "03030", "04001", "04003",
];
const THREE_DS_STEP: &[&str] = &["01131", "04401", "04402"];

fn rc(s: &str) -> ReturnCode {
    s.parse().unwrap()
}

#[test]
fn every_documented_code_for_do_authorization() {
    let groups = [
        (ACCEPTED, Outcome::Accepted),
        (WARNING, Outcome::AcceptedWithWarning),
        (REFUSED, Outcome::Refused),
        (CANCELLED, Outcome::Cancelled),
        (PENDING, Outcome::Pending),
        (THREE_DS_STEP, Outcome::ThreeDSecureStep),
    ];
    for known in ReturnCode::KNOWN {
        let code = known.code.to_string();
        let expected = groups
            .iter()
            .find(|(codes, _)| codes.contains(&code.as_str()))
            .map_or(Outcome::Error, |(_, o)| *o);
        assert_eq!(
            outcome(Operation::DoAuthorization, known.code),
            expected,
            "{code} {}",
            known.name
        );
    }
    // Every listed code is documented (no typo in the table above).
    for (codes, _) in groups {
        for c in codes {
            assert!(rc(c).known().is_some(), "{c}");
        }
    }
}

#[test]
fn verify_enrollment_turns_3ds_acceptances_into_next_steps() {
    for c in ["03000", "03100", "03101", "03103", "03104"] {
        assert_eq!(
            outcome(Operation::VerifyEnrollment, rc(c)),
            Outcome::ThreeDSecureStep,
            "{c}"
        );
    }
    assert_eq!(
        outcome(Operation::VerifyEnrollment, rc("03102")),
        Outcome::Accepted
    );
    assert_eq!(
        outcome(Operation::VerifyEnrollment, rc("03001")),
        Outcome::Refused
    );
    assert_eq!(
        outcome(Operation::VerifyEnrollment, rc("03030")),
        Outcome::Pending
    );
    // A soft decline is not a verifyEnrollment answer: it stays a refusal there.
    assert_eq!(
        outcome(Operation::VerifyEnrollment, rc("01131")),
        Outcome::Refused
    );
    assert_eq!(
        outcome(Operation::VerifyAuthentication, rc("03000")),
        Outcome::Accepted
    );
}

#[test]
fn wallet_and_schedule_codes() {
    assert_eq!(
        outcome(Operation::CreateWallet, rc("02500")),
        Outcome::Accepted
    );
    assert_eq!(outcome(Operation::GetToken, rc("02500")), Outcome::Accepted);
    assert_eq!(
        outcome(Operation::DoRecurrentWalletPayment, rc("02506")),
        Outcome::AcceptedWithWarning
    );
    assert_eq!(
        outcome(Operation::DoScheduledWalletPayment, rc("02506")),
        Outcome::AcceptedWithWarning
    );
    assert_eq!(
        outcome(Operation::UpdateWallet, rc("02506")),
        Outcome::Error
    );
    assert_eq!(
        outcome(Operation::DisableWallet, rc("02517")),
        Outcome::AcceptedWithWarning
    );
}

#[test]
fn unknown_codes_are_errors() {
    for c in ["00001", "01999", "ABCDE", "99999"] {
        assert_eq!(
            outcome(Operation::DoAuthorization, rc(c)),
            Outcome::Error,
            "{c}"
        );
    }
}

const WALLET_OPERATIONS: &[Operation] = &[
    Operation::CreateWallet,
    Operation::UpdateWallet,
    Operation::GetWallet,
    Operation::GetCards,
    Operation::DisableWallet,
    Operation::EnableWallet,
    Operation::DoImmediateWalletPayment,
    Operation::DoScheduledWalletPayment,
    Operation::DoRecurrentWalletPayment,
    Operation::GetPaymentRecord,
    Operation::DisablePaymentRecord,
    Operation::UpdatePaymentRecord,
    Operation::GetBillingRecord,
    Operation::UpdateBillingRecord,
    Operation::DoWebPayment,
    Operation::GetWebPaymentDetails,
    Operation::ManageWebWallet,
    Operation::GetWebWallet,
];

/// Business-rule refusals of wallet and schedule calls (Payline result codes 025xx-026xx).
const WALLET_REFUSED: &[&str] = &[
    "02502", "02503", "02504", "02505", "02507", "02508", "02509", "02510", "02511", "02516",
    "02519", "02521", "02522", "02523", "02524", "02525", "02526", "02540", "02541",
];
/// Malformed or not allowed requests: nothing was looked at.
const WALLET_ERRORS: &[&str] = &[
    "02512", "02513", "02514", "02515", "02518", "02527", "02528", "02529", "02532", "02538",
    "02539",
];

#[test]
fn every_025xx_code_for_every_wallet_operation() {
    let schedules = [
        Operation::DoScheduledWalletPayment,
        Operation::DoRecurrentWalletPayment,
    ];
    let session_reads = [Operation::GetWebPaymentDetails, Operation::GetWebWallet];
    let mut checked = 0;
    for op in WALLET_OPERATIONS {
        for known in ReturnCode::KNOWN {
            let code = known.code.as_str();
            if !code.starts_with("025") {
                continue;
            }
            let expected = match code {
                "02500" => Outcome::Accepted,
                "02501" | "02517" | "02520" => Outcome::AcceptedWithWarning,
                "02506" if schedules.contains(op) => Outcome::AcceptedWithWarning,
                "02506" => Outcome::Error,
                "02533" => Outcome::Pending,
                "02536" => Outcome::Cancelled,
                "02534" | "02535" if session_reads.contains(op) => Outcome::Cancelled,
                "02534" | "02535" => Outcome::Error,
                c if WALLET_REFUSED.contains(&c) => Outcome::Refused,
                c if WALLET_ERRORS.contains(&c) => Outcome::Error,
                c => panic!("{c} ({}) is not in the wallet table", known.name),
            };
            assert_eq!(
                outcome(*op, known.code),
                expected,
                "{op} {code} {}",
                known.name
            );
            checked += 1;
        }
    }
    // 39 documented 025xx codes, for each of the 18 operations.
    assert_eq!(checked, 39 * WALLET_OPERATIONS.len());
    for c in WALLET_REFUSED.iter().chain(WALLET_ERRORS) {
        assert!(rc(c).known().is_some(), "{c}");
    }
}

#[test]
fn wallet_payments_keep_the_bank_and_3ds_meanings() {
    for op in [
        Operation::DoImmediateWalletPayment,
        Operation::GetWebPaymentDetails,
    ] {
        assert_eq!(outcome(op, rc("00000")), Outcome::Accepted, "{op}");
        assert_eq!(outcome(op, rc("01116")), Outcome::Refused, "{op}");
        assert_eq!(outcome(op, rc("02319")), Outcome::Cancelled, "{op}");
    }
    assert_eq!(
        outcome(Operation::DoImmediateWalletPayment, rc("01131")),
        Outcome::ThreeDSecureStep
    );
    assert_eq!(
        outcome(Operation::GetWebPaymentDetails, rc("02306")),
        Outcome::Pending
    );
    assert_eq!(
        outcome(Operation::GetWebPaymentDetails, rc("02324")),
        Outcome::Cancelled
    );
    // The wallet meaning does not leak to other operations.
    assert_eq!(
        outcome(Operation::DoAuthorization, rc("02503")),
        Outcome::Error
    );
    assert_eq!(
        outcome(Operation::DoAuthorization, rc("02324")),
        Outcome::Error
    );
}
