use proptest::prelude::*;

use super::*;

const ENROLLMENTS: [Enrollment; 5] = [
    Enrollment::NotEnrolled,
    Enrollment::Frictionless,
    Enrollment::Method,
    Enrollment::Challenge,
    Enrollment::Refused,
];

fn all_events() -> Vec<Event> {
    let mut v: Vec<Event> = ENROLLMENTS.iter().map(|e| Event::Enrollment(*e)).collect();
    v.extend([
        Event::MethodContinued,
        Event::AcsReturned,
        Event::Authentication {
            authenticated: true,
        },
        Event::Authentication {
            authenticated: false,
        },
        Event::SendAuthorization,
        Event::Authorization(Decision::Accepted),
        Event::Authorization(Decision::Refused),
        Event::AnswerLost,
        Event::NotSent,
        Event::CallFailed,
        Event::NotFound { past_grace: true },
        Event::NotFound { past_grace: false },
        Event::Abandon,
        Event::WaitExpired,
        Event::Stalled,
    ]);
    v
}

/// The whole table, written out once more by hand: every (state, event) pair is either this
/// transition or illegal.
fn expected(from: A, e: Event) -> Option<(A, Effect)> {
    use Effect::{Authorize, CancelOrphan, None as N};
    use Event as E;
    Some(match (from, e) {
        (A::Enrolling, E::Enrollment(Enrollment::NotEnrolled | Enrollment::Frictionless)) => {
            (A::Authorizing, Authorize)
        }
        (A::Enrolling, E::Enrollment(Enrollment::Method)) => (A::Method, N),
        (A::Enrolling, E::Enrollment(Enrollment::Challenge)) => (A::Challenge, N),
        (A::Enrolling, E::Enrollment(Enrollment::Refused)) => (A::Refused, N),
        (A::Enrolling, E::CallFailed | E::Stalled) => (A::Failed, N),
        (A::Enrolling, E::SendAuthorization) => (A::Authorizing, N),
        (A::Method, E::MethodContinued) => (A::Enrolling, N),
        (A::Method | A::Challenge, E::Abandon) => (A::Abandoned, N),
        (A::Method | A::Challenge, E::WaitExpired) => (A::Expired, N),
        (A::Challenge, E::AcsReturned) => (A::Authenticating, N),
        (
            A::Authenticating,
            E::Authentication {
                authenticated: true,
            },
        ) => (A::Authorizing, Authorize),
        (
            A::Authenticating,
            E::Authentication {
                authenticated: false,
            },
        ) => (A::Refused, N),
        (A::Authenticating, E::CallFailed | E::Stalled) => (A::Failed, N),
        (A::Authenticating, E::SendAuthorization) => (A::Authorizing, N),
        (A::Authorizing, E::AnswerLost) => (A::Unknown, N),
        (A::Authorizing, E::NotSent) => (A::Failed, N),
        (A::Authorizing | A::Unknown, E::Authorization(Decision::Accepted)) => (A::Authorized, N),
        (A::Authorizing | A::Unknown, E::Authorization(Decision::Refused)) => (A::Refused, N),
        (A::Authorizing | A::Unknown, E::NotFound { past_grace: true }) => (A::Failed, N),
        (A::Authorizing | A::Unknown, E::NotFound { past_grace: false }) => (A::Unknown, N),
        (A::Hosted, E::Authorization(Decision::Accepted)) => (A::Authorized, N),
        (A::Hosted, E::Authorization(Decision::Refused)) => (A::Refused, N),
        (A::Hosted, E::WaitExpired) => (A::Expired, N),
        (A::Hosted, E::CallFailed | E::NotSent | E::NotFound { past_grace: true }) => {
            (A::Failed, N)
        }
        (A::Hosted, E::NotFound { past_grace: false }) => (A::Hosted, N),
        (
            A::Refused | A::Abandoned | A::Failed | A::Expired,
            E::Authorization(Decision::Accepted),
        ) => (from, CancelOrphan),
        (A::Authorized, E::Authorization(Decision::Accepted)) => (A::Authorized, N),
        (
            A::Authorized | A::Refused | A::Abandoned | A::Failed | A::Expired,
            E::Authorization(Decision::Refused) | E::NotFound { .. },
        ) => (from, N),
        _ => return None,
    })
}

#[test]
fn every_transition_of_the_table() {
    let mut legal = 0;
    for from in A::ALL {
        for e in all_events() {
            let got = next(*from, e).ok().map(|s| (s.to, s.effect));
            assert_eq!(got, expected(*from, e), "{from} on {e:?}");
            legal += usize::from(got.is_some());
        }
    }
    assert_eq!(legal, 56);
}

#[test]
fn money_states_never_release_the_session() {
    // While doAuthorization may be in flight or processed, the session stays `processing`, so
    // no second attempt (new order reference) can start.
    for s in [A::Authorizing, A::Unknown, A::Hosted] {
        assert_eq!(consequences(s).session, SessionStatus::Processing);
    }
    // Leaving them for a state that reopens the session takes an answer from the gateway.
    for e in all_events() {
        for from in [A::Authorizing, A::Unknown, A::Hosted] {
            if let Ok(step) = next(from, e)
                && consequences(step.to).session == SessionStatus::Refused
            {
                assert!(
                    matches!(
                        e,
                        Event::Authorization(Decision::Refused)
                            | Event::NotSent
                            | Event::NotFound { past_grace: true }
                    ) || (from == A::Hosted
                        // The gateway said no payment can happen on the page: it expired
                        // (02324 / 02534), or doWebPayment was refused and no page exists.
                        && matches!(e, Event::WaitExpired | Event::CallFailed)),
                    "{from} released the session on {e:?}"
                );
            }
        }
    }
}

#[test]
fn closed_attempts_stay_closed() {
    for from in A::ALL.iter().filter(|s| s.is_closed()) {
        for e in all_events() {
            if let Ok(step) = next(*from, e) {
                assert_eq!(step.to, *from, "{from} reopened on {e:?}");
            }
        }
    }
}

#[test]
fn card_data_is_wiped_whenever_doauthorization_can_no_longer_be_sent() {
    for s in A::ALL {
        let c = consequences(*s);
        assert_eq!(c.wipe_card, s.is_closed() || *s == A::Unknown, "{s}");
    }
}

/// A model of one session against a gateway where requests can be held on the way and land
/// later, answers can be lost, and the reconciler and notifications race with the buyer.
#[derive(Debug, Clone)]
enum Op {
    Start,
    Enroll(usize),
    Continue,
    AcsReturn,
    Authenticate(bool),
    Abandon,
    Expire,
    /// The in-flight request of the attempt reaches the gateway, which accepts (true) or refuses.
    Land(usize, bool),
    /// The caller's answer: delivered when the request landed, else the call times out.
    Answer(usize),
    Reconcile(usize),
    Notify(usize),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        Just(Op::Start),
        (0..5usize).prop_map(Op::Enroll),
        Just(Op::Continue),
        Just(Op::AcsReturn),
        any::<bool>().prop_map(Op::Authenticate),
        Just(Op::Abandon),
        Just(Op::Expire),
        (0..6usize, any::<bool>()).prop_map(|(i, a)| Op::Land(i, a)),
        (0..6usize).prop_map(Op::Answer),
        (0..6usize).prop_map(Op::Reconcile),
        (0..6usize).prop_map(Op::Notify),
    ]
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Gw {
    InFlight,
    Live,
    Refused,
    Cancelled,
}

#[derive(Default)]
struct World {
    attempts: Vec<A>,
    gateway: Vec<Option<Gw>>,
}

impl World {
    fn session(&self) -> SessionStatus {
        self.attempts
            .last()
            .map_or(SessionStatus::Open, |a| consequences(*a).session)
    }

    fn fire(&mut self, i: usize, e: Event) {
        let Some(&from) = self.attempts.get(i) else {
            return;
        };
        let Ok(step) = next(from, e) else { return };
        self.attempts[i] = step.to;
        match step.effect {
            Effect::Authorize => self.gateway[i] = Some(Gw::InFlight),
            Effect::CancelOrphan => {
                if self.gateway[i] == Some(Gw::Live) {
                    self.gateway[i] = Some(Gw::Cancelled);
                }
            }
            Effect::None => {}
        }
        let authorized = self
            .attempts
            .iter()
            .filter(|a| **a == A::Authorized)
            .count();
        assert!(
            authorized <= 1,
            "two authorized attempts: {:?}",
            self.attempts
        );
    }

    fn apply(&mut self, op: &Op) {
        let cur = self.attempts.len().wrapping_sub(1);
        match *op {
            Op::Start => {
                if matches!(self.session(), SessionStatus::Open | SessionStatus::Refused)
                    && self.attempts.len() < 5
                {
                    self.attempts.push(A::Enrolling);
                    self.gateway.push(None);
                }
            }
            Op::Enroll(k) => self.fire(cur, Event::Enrollment(ENROLLMENTS[k])),
            Op::Continue => self.fire(cur, Event::MethodContinued),
            Op::AcsReturn => self.fire(cur, Event::AcsReturned),
            Op::Authenticate(ok) => self.fire(cur, Event::Authentication { authenticated: ok }),
            Op::Abandon => self.fire(cur, Event::Abandon),
            Op::Expire => self.fire(cur, Event::WaitExpired),
            Op::Land(i, accept) => {
                if let Some(g @ Some(Gw::InFlight)) = self.gateway.get_mut(i) {
                    *g = Some(if accept { Gw::Live } else { Gw::Refused });
                }
            }
            Op::Answer(i) => match self.gateway.get(i).copied().flatten() {
                Some(Gw::InFlight) => self.fire(i, Event::AnswerLost),
                Some(Gw::Live) => self.fire(i, Event::Authorization(Decision::Accepted)),
                Some(Gw::Refused) => self.fire(i, Event::Authorization(Decision::Refused)),
                _ => {}
            },
            Op::Reconcile(i) => self.reconcile(i),
            Op::Notify(i) => {
                if self.gateway.get(i).copied().flatten() == Some(Gw::Live) {
                    self.fire(i, Event::Authorization(Decision::Accepted));
                }
            }
        }
    }

    fn reconcile(&mut self, i: usize) {
        match self.gateway.get(i).copied().flatten() {
            Some(Gw::Live) => self.fire(i, Event::Authorization(Decision::Accepted)),
            Some(Gw::Refused) => self.fire(i, Event::Authorization(Decision::Refused)),
            // Still on its way: the grace window has not passed.
            Some(Gw::InFlight) => self.fire(i, Event::NotFound { past_grace: false }),
            Some(Gw::Cancelled) | None => self.fire(i, Event::NotFound { past_grace: true }),
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn random_interleavings_never_keep_two_authorizations(ops in prop::collection::vec(op(), 0..60), accept_late in any::<bool>()) {
        let mut w = World::default();
        for o in &ops {
            w.apply(o);
        }
        // Faults off: everything on its way lands, the reconciler and the notifications run.
        for i in 0..w.attempts.len() {
            w.apply(&Op::Land(i, accept_late));
        }
        for _ in 0..2 {
            for i in 0..w.attempts.len() {
                w.reconcile(i);
                w.apply(&Op::Notify(i));
            }
        }
        let live: Vec<usize> = (0..w.gateway.len()).filter(|i| w.gateway[*i] == Some(Gw::Live)).collect();
        prop_assert!(live.len() <= 1, "live authorizations {:?} for {:?}", live, w.attempts);
        for i in &live {
            prop_assert_eq!(w.attempts[*i], A::Authorized);
        }
        // Nothing undecided once the gateway has settled everything.
        prop_assert!(w.attempts.iter().all(|a| !a.money_undecided()), "{:?}", w.attempts);
        if w.session() == SessionStatus::Authorized {
            prop_assert_eq!(live.len(), 1);
        }
    }
}
