//! Buyer-facing texts in French and English. Pure: the locale is chosen by the caller.
//!
//! Messages say what to do, not only what is wrong (WCAG 2.2 SC 3.3.3 "Error Suggestion"),
//! and never repeat what the buyer typed.

use crate::form::{Field, Problem};

/// A supported language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Locale {
    /// English.
    En,
    /// French.
    Fr,
}

impl Locale {
    /// The BCP 47 tag written to `lang` attributes and sent to the fields frame.
    #[must_use]
    pub fn tag(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::Fr => "fr",
        }
    }

    /// `fr`, `fr-FR`, `FR_ca`… are French; anything else is English.
    #[must_use]
    pub fn from_tag(tag: &str) -> Option<Locale> {
        // The primary subtag, compared without case: no `split` searcher, no lowercase copy.
        let tag = tag.trim();
        let end = tag
            .bytes()
            .position(|b| b == b'-' || b == b'_')
            .unwrap_or(tag.len());
        let primary = tag.get(..end)?;
        if primary.eq_ignore_ascii_case("fr") {
            Some(Locale::Fr)
        } else if primary.eq_ignore_ascii_case("en") {
            Some(Locale::En)
        } else {
            None
        }
    }
}

/// Texts other than field messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Text {
    /// Legend of the co-badge brand choice.
    BrandChoice,
    /// Title of the challenge dialog.
    ChallengeTitle,
    /// Shown while the bank's page loads.
    ChallengeLoading,
    /// Cancel button of the challenge dialog.
    Cancel,
    /// Title of the bank's iframe.
    ChallengeFrame,
    /// Title of the hidden 3DS Method iframe.
    MethodFrame,
    /// Network failure.
    Network,
    /// No answer in time.
    Timeout,
    /// The tokenizer refused the card.
    Tokenizer,
    /// The payment server refused the request.
    Server,
    /// The checkout session expired.
    Expired,
    /// Too many attempts on this session.
    TooManyAttempts,
    /// The 3-D Secure window timed out.
    ChallengeTimeout,
    /// Submit while mounted without a session.
    NoSession,
    /// The form was destroyed while paying.
    Destroyed,
    /// The outcome is still being decided (`pending` result).
    Pending,
    /// A session URL that is neither https nor loopback http: nothing was sent.
    Insecure,
    /// The saved card chosen is no longer in the customer's wallet.
    SavedCardGone,
    /// The saved card chosen is past its expiry month.
    SavedCardExpired,
    /// Title of the isolated fields' iframe (what a screen reader announces on entering it).
    FieldsFrame,
    /// Label of the card number input (isolated fields).
    LabelNumber,
    /// Label of the expiry input (isolated fields).
    LabelExpiry,
    /// Label of the security code input (isolated fields).
    LabelCvv,
    /// Label of the cardholder name input (isolated fields).
    LabelHolder,
    /// Placeholder of the expiry input (isolated fields).
    ExpiryPlaceholder,
    /// The isolated fields' frame did not load or refused its options.
    FieldsUnavailable,
}

/// The message under a field.
#[must_use]
pub fn field_message(locale: Locale, field: Field, problem: Problem) -> &'static str {
    use Field::*;
    use Problem::*;
    match locale {
        Locale::En => match (field, problem) {
            (Number, Required) => "Enter the card number.",
            (Number, Incomplete) => "The card number is incomplete.",
            (Number, BrandNotAccepted) => "This type of card is not accepted here.",
            (Number, _) => "This card number is not valid. Check the digits.",
            (Expiry, Required) => "Enter the expiry date.",
            (Expiry, Incomplete) => "Enter the expiry date as MM / YY.",
            (Expiry, Expired) => "This card has expired.",
            (Expiry, TooFarAhead) => "This expiry date is too far ahead. Check the year.",
            (Expiry, _) => "This expiry date is not valid. Use MM / YY.",
            (Cvv, Required) => "Enter the security code.",
            (Cvv, Incomplete) => "The security code is too short.",
            (Cvv, _) => "Enter the security code printed on the card, digits only.",
            (Holder, Required) => "Enter the name on the card.",
            (Holder, Incomplete) => "The name is too short.",
            (Holder, _) => "Enter the name as printed on the card, letters only.",
        },
        Locale::Fr => match (field, problem) {
            (Number, Required) => "Saisissez le numéro de carte.",
            (Number, Incomplete) => "Le numéro de carte est incomplet.",
            (Number, BrandNotAccepted) => "Ce type de carte n’est pas accepté ici.",
            (Number, _) => "Ce numéro de carte n’est pas valide. Vérifiez les chiffres.",
            (Expiry, Required) => "Saisissez la date d’expiration.",
            (Expiry, Incomplete) => "Saisissez la date d’expiration au format MM / AA.",
            (Expiry, Expired) => "Cette carte est expirée.",
            (Expiry, TooFarAhead) => {
                "Cette date d’expiration est trop lointaine. Vérifiez l’année."
            }
            (Expiry, _) => "Cette date d’expiration n’est pas valide. Utilisez MM / AA.",
            (Cvv, Required) => "Saisissez le cryptogramme visuel.",
            (Cvv, Incomplete) => "Le cryptogramme visuel est trop court.",
            (Cvv, _) => "Saisissez le cryptogramme imprimé sur la carte, en chiffres.",
            (Holder, Required) => "Saisissez le nom du titulaire de la carte.",
            (Holder, Incomplete) => "Le nom est trop court.",
            (Holder, _) => "Saisissez le nom tel qu’il figure sur la carte, en lettres.",
        },
    }
}

/// Any other text.
#[must_use]
pub fn text(locale: Locale, text: Text) -> &'static str {
    use Text::*;
    match locale {
        Locale::En => match text {
            BrandChoice => "Card network",
            ChallengeTitle => "Card verification by your bank",
            ChallengeLoading => "Connecting to your bank…",
            Cancel => "Cancel payment",
            ChallengeFrame => "3-D Secure verification page of your bank",
            MethodFrame => "3-D Secure device check",
            Network => {
                "The payment service could not be reached. Check your connection and try again."
            }
            Timeout => "The payment service did not answer in time. Try again.",
            Tokenizer => "The card could not be registered. Check the card details and try again.",
            Server => "The payment could not be processed. Try again.",
            Expired => "This checkout has expired. Reload the page to start again.",
            TooManyAttempts => "Too many payment attempts for this order.",
            ChallengeTimeout => "The card verification took too long and was cancelled.",
            NoSession => "The checkout is not ready: no payment session.",
            Destroyed => "The payment form was closed.",
            Pending => {
                "The payment is not confirmed yet. Do not pay again: the shop will tell you the outcome."
            }
            Insecure => "The payment form is not set up securely. Nothing was sent.",
            SavedCardGone => "This saved card can no longer be used. Choose another card.",
            SavedCardExpired => "This saved card has expired. Choose another card.",
            FieldsFrame => "Card details",
            LabelNumber => "Card number",
            LabelExpiry => "Expiry date",
            LabelCvv => "Security code",
            LabelHolder => "Cardholder name",
            ExpiryPlaceholder => "MM / YY",
            FieldsUnavailable => "The card form could not be loaded. Reload the page to try again.",
        },
        Locale::Fr => match text {
            BrandChoice => "Réseau de la carte",
            ChallengeTitle => "Vérification de la carte par votre banque",
            ChallengeLoading => "Connexion à votre banque…",
            Cancel => "Annuler le paiement",
            ChallengeFrame => "Page de vérification 3-D Secure de votre banque",
            MethodFrame => "Vérification 3-D Secure de l’appareil",
            Network => {
                "Le service de paiement est injoignable. Vérifiez votre connexion et réessayez."
            }
            Timeout => "Le service de paiement n’a pas répondu à temps. Réessayez.",
            Tokenizer => {
                "La carte n’a pas pu être enregistrée. Vérifiez ses informations et réessayez."
            }
            Server => "Le paiement n’a pas pu être traité. Réessayez.",
            Expired => "Ce paiement a expiré. Rechargez la page pour recommencer.",
            TooManyAttempts => "Trop de tentatives de paiement pour cette commande.",
            ChallengeTimeout => {
                "La vérification de la carte a pris trop de temps et a été annulée."
            }
            NoSession => "Le paiement n’est pas prêt : aucune session de paiement.",
            Destroyed => "Le formulaire de paiement a été fermé.",
            Pending => {
                "Le paiement n’est pas encore confirmé. Ne payez pas une seconde fois : la boutique vous informera du résultat."
            }
            Insecure => {
                "Le formulaire de paiement n’est pas configuré de façon sécurisée. Rien n’a été envoyé."
            }
            SavedCardGone => {
                "Cette carte enregistrée ne peut plus être utilisée. Choisissez une autre carte."
            }
            SavedCardExpired => "Cette carte enregistrée a expiré. Choisissez une autre carte.",
            FieldsFrame => "Informations de la carte",
            LabelNumber => "Numéro de carte",
            LabelExpiry => "Date d’expiration",
            LabelCvv => "Cryptogramme visuel",
            LabelHolder => "Nom du titulaire",
            ExpiryPlaceholder => "MM / AA",
            FieldsUnavailable => {
                "Le formulaire de carte n’a pas pu être chargé. Rechargez la page pour réessayer."
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locale_tags() {
        assert_eq!(Locale::from_tag("fr"), Some(Locale::Fr));
        assert_eq!(Locale::from_tag("fr-CA"), Some(Locale::Fr));
        assert_eq!(Locale::from_tag("FR_be"), Some(Locale::Fr));
        assert_eq!(Locale::from_tag("en-GB"), Some(Locale::En));
        assert_eq!(Locale::from_tag("de"), None);
        assert_eq!(Locale::from_tag(""), None);
    }

    #[test]
    fn every_field_problem_has_a_distinct_text_per_locale() {
        let problems = [
            Problem::Required,
            Problem::Incomplete,
            Problem::Invalid,
            Problem::BrandNotAccepted,
            Problem::Expired,
            Problem::TooFarAhead,
        ];
        for field in Field::ALL {
            for p in problems {
                let en = field_message(Locale::En, field, p);
                let fr = field_message(Locale::Fr, field, p);
                assert!(!en.is_empty() && !fr.is_empty());
                assert_ne!(en, fr, "{field:?} {p:?} is not translated");
            }
        }
    }
}
