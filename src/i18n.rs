//! Buyer-facing texts: English and French built in, German, Spanish, Italian, Dutch, Portuguese
//! and Polish loaded on demand. Pure but for the table of loaded catalogues: the locale is chosen
//! by the caller.
//!
//! Messages say what to do, not only what is wrong (WCAG 2.2 SC 3.3.3 "Error Suggestion"),
//! and never repeat what the buyer typed.
//!
//! Why only two are built in: each other catalogue costs 0.7 to 0.9 KB gzip (`npm run size`
//! measures them), 4.1 KB for the six in one file, more than the 2 KB a page should pay for
//! languages it does not show. Their texts are `src/locales/<tag>.json`, shipped as
//! `pkg/locales/<tag>.js` (and `.json`); `loadLocale()` of `card-capture/locales` or
//! `registerLocale()` hands one to the module before `mount()`.

use std::cell::RefCell;

use crate::form::{Field, Problem};

/// A supported language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Locale {
    /// English (built in).
    En,
    /// French (built in).
    Fr,
    /// German.
    De,
    /// Spanish.
    Es,
    /// Italian.
    It,
    /// Dutch.
    Nl,
    /// Portuguese (European wording; Brazilian pages get it too).
    Pt,
    /// Polish.
    Pl,
}

impl Locale {
    /// Every supported language, built-in ones first.
    pub const ALL: [Locale; 8] = [
        Locale::En,
        Locale::Fr,
        Locale::De,
        Locale::Es,
        Locale::It,
        Locale::Nl,
        Locale::Pt,
        Locale::Pl,
    ];

    /// The language's primary subtag (BCP 47, ISO 639-1), written to `lang` attributes and sent
    /// to the isolated fields' frame.
    #[must_use]
    pub fn tag(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::Fr => "fr",
            Locale::De => "de",
            Locale::Es => "es",
            Locale::It => "it",
            Locale::Nl => "nl",
            Locale::Pt => "pt",
            Locale::Pl => "pl",
        }
    }

    /// By primary subtag, without case: `fr`, `fr-FR`, `FR_ca`, `de-AT`, `de-CH`, `pt-BR`,
    /// `es-MX`, `nl-BE`… A regional tag gets its language (RFC 4647 §3.4 "Lookup", which
    /// truncates the tag from the end); an unsupported language is `None`.
    #[must_use]
    pub fn from_tag(tag: &str) -> Option<Locale> {
        // The primary subtag, compared without case: no `split` searcher, no lowercase copy.
        let tag = tag.trim();
        let end = tag
            .bytes()
            .position(|b| b == b'-' || b == b'_')
            .unwrap_or(tag.len());
        let primary = tag.get(..end)?;
        Locale::ALL
            .into_iter()
            .find(|l| primary.eq_ignore_ascii_case(l.tag()))
    }

    /// English and French are in the module; the others must be registered.
    #[must_use]
    pub fn built_in(self) -> bool {
        matches!(self, Locale::En | Locale::Fr)
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

/// How many messages a catalogue has: 15 field messages, then one per [`Text`].
pub const COUNT: usize = 41;
const FIELD_MESSAGES: usize = 15;

/// One language's messages, in message-id order (`IDS`, in the tests).
type Catalogue = [&'static str; COUNT];

/// Message ids, the keys of `src/locales/<tag>.json` in their order: field messages
/// (`field.problem`), then the [`Text`]s in declaration order. Only the tests and the
/// JavaScript loader (`pkg/locales/index.js`, from the JSON files) read them: the module takes
/// a catalogue's texts in this order, so the ids cost it nothing.
#[cfg(all(test, not(target_arch = "wasm32")))]
const IDS: [&str; COUNT] = [
    "number.required",
    "number.incomplete",
    "number.brandNotAccepted",
    "number.invalid",
    "expiry.required",
    "expiry.incomplete",
    "expiry.expired",
    "expiry.tooFarAhead",
    "expiry.invalid",
    "cvv.required",
    "cvv.incomplete",
    "cvv.invalid",
    "holder.required",
    "holder.incomplete",
    "holder.invalid",
    "brandChoice",
    "challengeTitle",
    "challengeLoading",
    "cancel",
    "challengeFrame",
    "methodFrame",
    "network",
    "timeout",
    "tokenizer",
    "server",
    "expired",
    "tooManyAttempts",
    "challengeTimeout",
    "noSession",
    "destroyed",
    "pending",
    "insecure",
    "savedCardGone",
    "savedCardExpired",
    "fieldsFrame",
    "labelNumber",
    "labelExpiry",
    "labelCvv",
    "labelHolder",
    "expiryPlaceholder",
    "fieldsUnavailable",
];

/// English.
const EN: Catalogue = [
    "Enter the card number.",
    "The card number is incomplete.",
    "This type of card is not accepted here.",
    "This card number is not valid. Check the digits.",
    "Enter the expiry date.",
    "Enter the expiry date as MM / YY.",
    "This card has expired.",
    "This expiry date is too far ahead. Check the year.",
    "This expiry date is not valid. Use MM / YY.",
    "Enter the security code.",
    "The security code is too short.",
    "Enter the security code printed on the card, digits only.",
    "Enter the name on the card.",
    "The name is too short.",
    "Enter the name as printed on the card, letters only.",
    "Card network",
    "Card verification by your bank",
    "Connecting to your bank…",
    "Cancel payment",
    "3-D Secure verification page of your bank",
    "3-D Secure device check",
    "The payment service could not be reached. Check your connection and try again.",
    "The payment service did not answer in time. Try again.",
    "The card could not be registered. Check the card details and try again.",
    "The payment could not be processed. Try again.",
    "This checkout has expired. Reload the page to start again.",
    "Too many payment attempts for this order.",
    "The card verification took too long and was cancelled.",
    "The checkout is not ready: no payment session.",
    "The payment form was closed.",
    "The payment is not confirmed yet. Do not pay again: the shop will tell you the outcome.",
    "The payment form is not set up securely. Nothing was sent.",
    "This saved card can no longer be used. Choose another card.",
    "This saved card has expired. Choose another card.",
    "Card details",
    "Card number",
    "Expiry date",
    "Security code",
    "Cardholder name",
    "MM / YY",
    "The card form could not be loaded. Reload the page to try again.",
];

/// French.
const FR: Catalogue = [
    "Saisissez le numéro de carte.",
    "Le numéro de carte est incomplet.",
    "Ce type de carte n’est pas accepté ici.",
    "Ce numéro de carte n’est pas valide. Vérifiez les chiffres.",
    "Saisissez la date d’expiration.",
    "Saisissez la date d’expiration au format MM / AA.",
    "Cette carte est expirée.",
    "Cette date d’expiration est trop lointaine. Vérifiez l’année.",
    "Cette date d’expiration n’est pas valide. Utilisez MM / AA.",
    "Saisissez le cryptogramme visuel.",
    "Le cryptogramme visuel est trop court.",
    "Saisissez le cryptogramme imprimé sur la carte, en chiffres.",
    "Saisissez le nom du titulaire de la carte.",
    "Le nom est trop court.",
    "Saisissez le nom tel qu’il figure sur la carte, en lettres.",
    "Réseau de la carte",
    "Vérification de la carte par votre banque",
    "Connexion à votre banque…",
    "Annuler le paiement",
    "Page de vérification 3-D Secure de votre banque",
    "Vérification 3-D Secure de l’appareil",
    "Le service de paiement est injoignable. Vérifiez votre connexion et réessayez.",
    "Le service de paiement n’a pas répondu à temps. Réessayez.",
    "La carte n’a pas pu être enregistrée. Vérifiez ses informations et réessayez.",
    "Le paiement n’a pas pu être traité. Réessayez.",
    "Ce paiement a expiré. Rechargez la page pour recommencer.",
    "Trop de tentatives de paiement pour cette commande.",
    "La vérification de la carte a pris trop de temps et a été annulée.",
    "Le paiement n’est pas prêt : aucune session de paiement.",
    "Le formulaire de paiement a été fermé.",
    "Le paiement n’est pas encore confirmé. Ne payez pas une seconde fois : la boutique vous informera du résultat.",
    "Le formulaire de paiement n’est pas configuré de façon sécurisée. Rien n’a été envoyé.",
    "Cette carte enregistrée ne peut plus être utilisée. Choisissez une autre carte.",
    "Cette carte enregistrée a expiré. Choisissez une autre carte.",
    "Informations de la carte",
    "Numéro de carte",
    "Date d’expiration",
    "Cryptogramme visuel",
    "Nom du titulaire",
    "MM / AA",
    "Le formulaire de carte n’a pas pu être chargé. Rechargez la page pour réessayer.",
];

thread_local! {
    /// Catalogues registered at run time, by `Locale::ALL` index. Leaked once registered, so
    /// that every text stays a `&'static str` as the built-in ones; a page registers each
    /// language at most once (a second registration of a loaded language is ignored).
    static LOADED: RefCell<[Option<&'static Catalogue>; 8]> = const { RefCell::new([None; 8]) };
    /// Languages already reported as missing, so the console is told once per language.
    static REPORTED: RefCell<[bool; 8]> = const { RefCell::new([false; 8]) };
}

fn index(locale: Locale) -> usize {
    Locale::ALL.iter().position(|l| *l == locale).unwrap_or(0)
}

/// Registers `locale`'s messages: `get(i)` is the i-th in message-id order (the values of
/// `src/locales/<tag>.json`). All of them, none empty, or nothing is stored: a half-translated
/// page would mix languages without anyone noticing. A language already loaded keeps its
/// catalogue. (Plain loops, no iterator adapters or string joins: each of those adds code to
/// the .wasm.)
pub fn register(locale: Locale, get: impl Fn(usize) -> Option<String>) -> Result<(), &'static str> {
    if locale.built_in() {
        return Err("English and French are built in");
    }
    // Checked whole before anything is kept, so a refused catalogue leaves no text behind.
    for i in 0..COUNT {
        if get(i).is_none_or(|t| t.trim().is_empty()) {
            return Err("a message is missing or empty");
        }
    }
    if get(COUNT).is_some() {
        return Err("more messages than the module has");
    }
    if loaded(locale).is_some() {
        return Ok(());
    }
    let mut table: Catalogue = [""; COUNT];
    for (i, slot) in table.iter_mut().enumerate() {
        *slot = Box::leak(get(i).unwrap_or_default().into_boxed_str());
    }
    LOADED.with(|l| l.borrow_mut()[index(locale)] = Some(Box::leak(Box::new(table))));
    Ok(())
}

/// `locale`'s catalogue, if it is built in or registered.
#[must_use]
pub fn loaded(locale: Locale) -> Option<&'static Catalogue> {
    match locale {
        Locale::En => Some(&EN),
        Locale::Fr => Some(&FR),
        _ => LOADED.with(|l| l.borrow()[index(locale)]),
    }
}

/// The catalogue to show: `locale`'s, or English while it is not registered, which the
/// browser console is told once (the page forgot `loadLocale()`).
fn catalogue(locale: Locale) -> &'static Catalogue {
    if let Some(c) = loaded(locale) {
        return c;
    }
    let first = REPORTED.with(|r| !std::mem::replace(&mut r.borrow_mut()[index(locale)], true));
    if first {
        report_missing(locale);
    }
    &EN
}

#[cfg(target_arch = "wasm32")]
fn report_missing(locale: Locale) {
    #[wasm_bindgen::prelude::wasm_bindgen]
    extern "C" {
        #[wasm_bindgen(js_namespace = console)]
        fn warn(a: &str, b: &str, c: &str);
    }
    // console.warn joins its arguments with spaces (WHATWG Console §2.1 Logger).
    warn(
        "card-capture: locale",
        locale.tag(),
        "is not loaded (loadLocale() of card-capture/locales); showing English",
    );
}

#[cfg(not(target_arch = "wasm32"))]
fn report_missing(_locale: Locale) {}

/// The index of a field message in a catalogue.
fn field_index(field: Field, problem: Problem) -> usize {
    use Field::*;
    use Problem::*;
    match (field, problem) {
        (Number, Required) => 0,
        (Number, Incomplete) => 1,
        (Number, BrandNotAccepted) => 2,
        (Number, _) => 3,
        (Expiry, Required) => 4,
        (Expiry, Incomplete) => 5,
        (Expiry, Expired) => 6,
        (Expiry, TooFarAhead) => 7,
        (Expiry, _) => 8,
        (Cvv, Required) => 9,
        (Cvv, Incomplete) => 10,
        (Cvv, _) => 11,
        (Holder, Required) => 12,
        (Holder, Incomplete) => 13,
        (Holder, _) => 14,
    }
}

/// The message under a field.
#[must_use]
pub fn field_message(locale: Locale, field: Field, problem: Problem) -> &'static str {
    catalogue(locale)[field_index(field, problem)]
}

/// Any other text.
#[must_use]
pub fn text(locale: Locale, text: Text) -> &'static str {
    catalogue(locale)[FIELD_MESSAGES + text as usize]
}

// Natively only: the tests read the JSON sources and give each case a thread of its own.
#[cfg(all(test, not(target_arch = "wasm32")))]
#[allow(clippy::expect_used, clippy::unwrap_used)]
mod tests {
    use super::*;

    const PROBLEMS: [Problem; 6] = [
        Problem::Required,
        Problem::Incomplete,
        Problem::Invalid,
        Problem::BrandNotAccepted,
        Problem::Expired,
        Problem::TooFarAhead,
    ];
    const TEXTS: [Text; 26] = [
        Text::BrandChoice,
        Text::ChallengeTitle,
        Text::ChallengeLoading,
        Text::Cancel,
        Text::ChallengeFrame,
        Text::MethodFrame,
        Text::Network,
        Text::Timeout,
        Text::Tokenizer,
        Text::Server,
        Text::Expired,
        Text::TooManyAttempts,
        Text::ChallengeTimeout,
        Text::NoSession,
        Text::Destroyed,
        Text::Pending,
        Text::Insecure,
        Text::SavedCardGone,
        Text::SavedCardExpired,
        Text::FieldsFrame,
        Text::LabelNumber,
        Text::LabelExpiry,
        Text::LabelCvv,
        Text::LabelHolder,
        Text::ExpiryPlaceholder,
        Text::FieldsUnavailable,
    ];

    /// The on-demand catalogues, as shipped in pkg/locales/.
    fn catalogue_source(locale: Locale) -> &'static str {
        match locale {
            Locale::De => include_str!("locales/de.json"),
            Locale::Es => include_str!("locales/es.json"),
            Locale::It => include_str!("locales/it.json"),
            Locale::Nl => include_str!("locales/nl.json"),
            Locale::Pt => include_str!("locales/pt.json"),
            Locale::Pl => include_str!("locales/pl.json"),
            Locale::En | Locale::Fr => unreachable!("built in"),
        }
    }

    /// A catalogue's `(id, text)` pairs in file order (serde_json's map would sort them): the
    /// files have one `"id": "text"` pair a line, which the whole-file parse checks too.
    fn entries(locale: Locale) -> Vec<(String, String)> {
        let src = catalogue_source(locale);
        serde_json::from_str::<serde_json::Value>(src).expect("valid JSON");
        src.lines()
            .map(|l| l.trim().trim_end_matches(','))
            .filter(|l| l.starts_with('"'))
            .map(|l| {
                let pair: serde_json::Map<String, serde_json::Value> =
                    serde_json::from_str(&["{", l, "}"].concat()).expect("one pair a line");
                let (id, text) = pair.into_iter().next().unwrap();
                (id, text.as_str().expect("a string").to_owned())
            })
            .collect()
    }

    fn register_all() {
        for locale in Locale::ALL.into_iter().filter(|l| !l.built_in()) {
            let texts: Vec<String> = entries(locale).into_iter().map(|(_, t)| t).collect();
            register(locale, |i| texts.get(i).cloned()).unwrap();
        }
    }

    #[test]
    fn locale_tags() {
        let cases = [
            ("fr", Some(Locale::Fr)),
            ("fr-CA", Some(Locale::Fr)),
            ("FR_be", Some(Locale::Fr)),
            ("en-GB", Some(Locale::En)),
            ("de", Some(Locale::De)),
            ("de-AT", Some(Locale::De)),
            ("de-CH", Some(Locale::De)),
            ("es-MX", Some(Locale::Es)),
            ("es-419", Some(Locale::Es)),
            ("it-CH", Some(Locale::It)),
            ("nl-BE", Some(Locale::Nl)),
            ("pt-BR", Some(Locale::Pt)),
            ("pt_PT", Some(Locale::Pt)),
            ("pl-PL", Some(Locale::Pl)),
            ("sv", None),
            ("english", None),
            ("", None),
        ];
        for (tag, want) in cases {
            assert_eq!(Locale::from_tag(tag), want, "{tag}");
        }
        for l in Locale::ALL {
            assert_eq!(Locale::from_tag(l.tag()), Some(l));
        }
    }

    #[test]
    fn ids_cover_every_message_once() {
        assert_eq!(FIELD_MESSAGES + TEXTS.len(), COUNT);
        assert_eq!(Text::FieldsUnavailable as usize + 1, TEXTS.len());
        let mut seen = [false; COUNT];
        for field in Field::ALL {
            for p in PROBLEMS {
                seen[field_index(field, p)] = true;
                assert!(
                    IDS[field_index(field, p)].starts_with(field.name()),
                    "{field:?} {p:?}"
                );
            }
        }
        for t in TEXTS {
            seen[FIELD_MESSAGES + t as usize] = true;
        }
        assert!(
            seen.iter().all(|s| *s),
            "a message id no field or text uses"
        );
        for (i, id) in IDS.iter().enumerate() {
            assert!(!IDS[..i].contains(id), "{id} twice");
        }
    }

    /// Every shipped catalogue has exactly the module's ids, in its order, none empty, none
    /// left in English.
    #[test]
    fn every_message_exists_in_every_locale() {
        for locale in Locale::ALL.into_iter().filter(|l| !l.built_in()) {
            let ids: Vec<String> = entries(locale).into_iter().map(|(id, _)| id).collect();
            for id in IDS {
                assert!(
                    ids.iter().any(|i| i == id),
                    "{}: {id} is missing",
                    locale.tag()
                );
            }
            assert_eq!(ids, IDS, "{}: ids out of order or unknown", locale.tag());
        }
        register_all();
        for locale in Locale::ALL {
            let table = loaded(locale).expect("every locale is loaded");
            for (i, text) in table.iter().enumerate() {
                assert!(!text.trim().is_empty(), "{locale:?} {}", IDS[i]);
                if locale != Locale::En {
                    assert_ne!(*text, EN[i], "{locale:?} {} is not translated", IDS[i]);
                }
                // A format hint keeps its shape: "MM / YY" becomes "MM / AA", "MM / JJ"…
                if EN[i].contains("MM / YY") {
                    assert!(
                        text.contains("MM / "),
                        "{locale:?} {} lost the format",
                        IDS[i]
                    );
                }
            }
            for field in Field::ALL {
                for p in PROBLEMS {
                    assert_eq!(
                        field_message(locale, field, p),
                        table[field_index(field, p)]
                    );
                }
            }
            for t in TEXTS {
                assert_eq!(text(locale, t), table[FIELD_MESSAGES + t as usize]);
            }
        }
        assert_eq!(text(Locale::De, Text::Cancel), "Zahlung abbrechen");
        assert_eq!(
            field_message(Locale::Pt, Field::Number, Problem::Required),
            "Introduza o número do cartão."
        );
    }

    /// Runs `f` on a new thread: a fresh table of loaded catalogues, whatever other tests did.
    fn on_fresh_thread(f: impl FnOnce() + Send + 'static) {
        std::thread::spawn(f).join().unwrap();
    }

    #[test]
    fn an_incomplete_catalogue_is_refused() {
        on_fresh_thread(|| {
            let texts: Vec<String> = entries(Locale::Pl).into_iter().map(|(_, t)| t).collect();
            let all = |i: usize| texts.get(i).cloned();
            let one_missing = |i: usize| (i != 20).then(|| texts.get(i).cloned()).flatten();
            let one_blank = |i: usize| if i == 3 { Some(" ".into()) } else { all(i) };
            let one_more = |i: usize| if i == COUNT { Some("x".into()) } else { all(i) };
            assert!(register(Locale::Pl, one_missing).is_err(), "one missing");
            assert!(register(Locale::Pl, one_blank).is_err(), "one blank");
            assert!(register(Locale::Pl, one_more).is_err(), "one too many");
            assert!(loaded(Locale::Pl).is_none(), "nothing stored");
            assert!(register(Locale::En, all).is_err(), "built in");
            register(Locale::Pl, all).unwrap();
            assert_eq!(
                text(Locale::Pl, Text::SavedCardExpired),
                "Ta zapisana karta straciła ważność. Wybierz inną kartę."
            );
        });
    }

    #[test]
    fn an_unloaded_locale_shows_english_and_says_so() {
        on_fresh_thread(|| {
            assert!(loaded(Locale::Nl).is_none());
            assert!(!REPORTED.with(|r| r.borrow()[index(Locale::Nl)]));
            assert_eq!(text(Locale::Nl, Text::Cancel), "Cancel payment");
            assert!(REPORTED.with(|r| r.borrow()[index(Locale::Nl)]));
        });
    }
}
