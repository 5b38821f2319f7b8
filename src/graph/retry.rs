//! One retry policy for every Graph call, and the pure decision logic behind it.
//!
//! * 429 and 503: wait `Retry-After` (seconds or an HTTP date; `default_retry_after` when
//!   missing or unreadable), up to `throttle_attempts` answers. A `Retry-After` beyond
//!   `max_retry_after` is not waited out at all: the job ends with a sentence naming the wait
//!   Graph asked for (issue 14.6 — a silent five-minute or day-long wait helps nobody).
//! * 500, 502, 504: exponential backoff with jitter, up to `server_attempts` answers
//!   (a `Retry-After` sent with them is honoured instead).
//! * Network failures: up to `network_attempts` tries, growing delay.
//! * Replication lag: for an id exowiz created itself, polls every eighth of the object's age,
//!   at least 250 ms and at most 2 s apart (±10 % jitter): every 250 ms for the first 2 s,
//!   growing to 2 s at an age of 16 s, until `replication_window` has passed since that
//!   object's creation. An object that becomes visible after a lag L is thus seen at most L/8
//!   later (issue 13: the old 1, 2, 4, 8 s back-off landed each retry about a second after the
//!   demo tenant's 2 s lag); the patience stays the same.

use std::time::Duration;

use chrono::{DateTime, Utc};

/// How hard the client retries. `Default` is for production, `fast()` for tests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Total answers of 429/503 accepted before giving up (counting the first).
    pub throttle_attempts: u32,
    /// Wait used when a 429/503 has no usable `Retry-After`.
    pub default_retry_after: Duration,
    /// The longest `Retry-After` exowiz waits out; a longer one ends the job (see
    /// [`RetryPolicy::refuses_wait`]).
    pub max_retry_after: Duration,
    /// Total answers of 500/502/504 accepted before giving up.
    pub server_attempts: u32,
    /// First backoff after a 5xx; doubles each time.
    pub server_base_delay: Duration,
    /// Upper bound of the 5xx backoff.
    pub server_max_delay: Duration,
    /// Total tries when the network fails (connect refused, reset).
    pub network_attempts: u32,
    /// First delay after a network failure; doubles each time.
    pub network_base_delay: Duration,
    /// How long after exowiz created an object its "does not exist" answers are retried.
    pub replication_window: Duration,
    /// Shortest wait between replication polls (before jitter).
    pub replication_base_delay: Duration,
    /// Longest wait between replication polls (before jitter).
    pub replication_max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            throttle_attempts: 8,
            default_retry_after: Duration::from_secs(10),
            max_retry_after: Duration::from_secs(60),
            server_attempts: 4,
            server_base_delay: Duration::from_secs(1),
            server_max_delay: Duration::from_secs(30),
            network_attempts: 3,
            network_base_delay: Duration::from_secs(1),
            replication_window: Duration::from_secs(120),
            replication_base_delay: Duration::from_millis(250),
            replication_max_delay: Duration::from_secs(2),
        }
    }
}

impl RetryPolicy {
    /// Same rules with tiny delays, for tests. `Retry-After` is still honoured (capped at 2 s).
    pub fn fast() -> Self {
        Self {
            throttle_attempts: 8,
            default_retry_after: Duration::from_millis(20),
            max_retry_after: Duration::from_secs(2),
            server_attempts: 4,
            server_base_delay: Duration::from_millis(5),
            server_max_delay: Duration::from_millis(50),
            network_attempts: 3,
            network_base_delay: Duration::from_millis(5),
            replication_window: Duration::from_secs(2),
            replication_base_delay: Duration::from_millis(10),
            replication_max_delay: Duration::from_millis(100),
        }
    }

    /// Never retry anything.
    pub fn none() -> Self {
        Self {
            throttle_attempts: 1,
            server_attempts: 1,
            network_attempts: 1,
            replication_window: Duration::ZERO,
            ..Self::fast()
        }
    }

    /// Whether to try again after `trouble`, and after how long. `attempts` counts what has
    /// happened so far for this request; `jitter` is a random number in `[0, 1)`.
    pub(crate) fn next_delay(
        &self,
        attempts: &mut Attempts,
        trouble: &Trouble,
        jitter: f64,
    ) -> Option<Duration> {
        let jitter = jitter.clamp(0.0, 1.0);
        if self.refuses_wait(trouble).is_some() {
            return None;
        }
        match *trouble {
            Trouble::Throttled { retry_after } => {
                attempts.throttled += 1;
                if attempts.throttled >= self.throttle_attempts {
                    return None;
                }
                Some(
                    retry_after
                        .unwrap_or(self.default_retry_after)
                        .min(self.max_retry_after),
                )
            }
            Trouble::Server { retry_after } => {
                attempts.server += 1;
                if attempts.server >= self.server_attempts {
                    return None;
                }
                Some(match retry_after {
                    Some(wait) => wait.min(self.max_retry_after),
                    None => {
                        let full = backoff(
                            self.server_base_delay,
                            attempts.server,
                            self.server_max_delay,
                        );
                        // "Equal jitter": half fixed, half random.
                        full / 2 + full.mul_f64(jitter) / 2
                    }
                })
            }
            Trouble::Network => {
                attempts.network += 1;
                if attempts.network >= self.network_attempts {
                    return None;
                }
                let full = backoff(self.network_base_delay, attempts.network, Duration::MAX);
                Some(full / 2 + full.mul_f64(jitter) / 2)
            }
            Trouble::Replication { since_creation } => {
                if since_creation >= self.replication_window {
                    return None;
                }
                attempts.replication += 1;
                // An eighth of the object's age: an object that becomes visible after a lag L
                // is seen at most L/8 later, whatever L is, and an old one is not polled
                // often. ±10 %: clients that created objects together do not poll in step.
                let wait = (since_creation / REPLICATION_POLL_DIVISOR)
                    .clamp(self.replication_base_delay, self.replication_max_delay)
                    .mul_f64(0.9 + jitter / 5.0);
                // Don't sleep past the end of the window: the last try lands right at its end.
                Some(wait.min(self.replication_window - since_creation))
            }
        }
    }
}

impl RetryPolicy {
    /// The wait Graph asked for with `trouble` when it is longer than exowiz waits.
    pub(crate) fn refuses_wait(&self, trouble: &Trouble) -> Option<Duration> {
        match *trouble {
            Trouble::Throttled {
                retry_after: Some(wait),
            }
            | Trouble::Server {
                retry_after: Some(wait),
            } if wait > self.max_retry_after => Some(wait),
            _ => None,
        }
    }
}

/// Replication polls wait this fraction of the object's age (between the base delay and the
/// cap).
const REPLICATION_POLL_DIVISOR: u32 = 8;

/// What went wrong with one try, as far as retrying is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Trouble {
    /// 429 or 503.
    Throttled { retry_after: Option<Duration> },
    /// 500, 502, 504.
    Server { retry_after: Option<Duration> },
    /// Connect refused / reset.
    Network,
    /// "does not exist" for an object exowiz created `since_creation` ago.
    Replication { since_creation: Duration },
}

/// Per-request counters.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Attempts {
    pub throttled: u32,
    pub server: u32,
    pub network: u32,
    pub replication: u32,
}

impl Attempts {
    pub(crate) fn total_retries(&self) -> u32 {
        self.throttled + self.server + self.network + self.replication
    }
}

/// `base * 2^(n-1)`, at most `cap`.
fn backoff(base: Duration, n: u32, cap: Duration) -> Duration {
    let factor = 2u32.saturating_pow(n.saturating_sub(1));
    base.checked_mul(factor).unwrap_or(cap).min(cap)
}

/// `Retry-After` as delta-seconds or an HTTP date; `None` when absent or unreadable.
pub(crate) fn parse_retry_after(value: Option<&str>, now: DateTime<Utc>) -> Option<Duration> {
    let value = value?.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    if let Ok(secs) = value.parse::<f64>()
        && secs.is_finite()
        && secs >= 0.0
    {
        return Some(Duration::from_secs_f64(secs.min(86_400.0)));
    }
    let date = DateTime::parse_from_rfc2822(value).ok()?;
    let delta = date.with_timezone(&Utc) - now;
    Some(delta.to_std().unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secs(s: u64) -> Duration {
        Duration::from_secs(s)
    }

    #[test]
    fn throttling_honours_retry_after_and_gives_up_after_eight_answers() {
        let p = RetryPolicy::default();
        let mut a = Attempts::default();
        let t = Trouble::Throttled {
            retry_after: Some(secs(3)),
        };
        for _ in 0..7 {
            assert_eq!(p.next_delay(&mut a, &t, 0.5), Some(secs(3)));
        }
        assert_eq!(
            p.next_delay(&mut a, &t, 0.5),
            None,
            "8th throttled answer gives up"
        );
    }

    #[test]
    fn throttling_defaults_to_ten_seconds_and_refuses_waits_beyond_a_minute() {
        let p = RetryPolicy::default();
        let mut a = Attempts::default();
        assert_eq!(
            p.next_delay(&mut a, &Trouble::Throttled { retry_after: None }, 0.0),
            Some(secs(10))
        );
        assert_eq!(
            p.next_delay(
                &mut a,
                &Trouble::Throttled {
                    retry_after: Some(secs(60))
                },
                0.0
            ),
            Some(secs(60))
        );
        for huge in [
            Trouble::Throttled {
                retry_after: Some(secs(100_000)),
            },
            Trouble::Server {
                retry_after: Some(secs(61)),
            },
        ] {
            assert_eq!(p.next_delay(&mut a, &huge, 0.0), None);
            assert!(p.refuses_wait(&huge).is_some());
        }
    }

    #[test]
    fn server_errors_back_off_exponentially_with_jitter() {
        let p = RetryPolicy::default();
        let mut a = Attempts::default();
        let t = Trouble::Server { retry_after: None };
        // full = 1 s, 2 s, 4 s; delay in [full/2, full)
        let d1 = p.next_delay(&mut a, &t, 0.0).unwrap();
        assert_eq!(d1, Duration::from_millis(500));
        let d2 = p.next_delay(&mut a, &t, 0.999).unwrap();
        assert!(d2 > Duration::from_millis(1900) && d2 <= secs(2));
        let d3 = p.next_delay(&mut a, &t, 0.5).unwrap();
        assert_eq!(d3, secs(3));
        assert_eq!(p.next_delay(&mut a, &t, 0.5), None, "4th 5xx gives up");
    }

    #[test]
    fn server_backoff_is_capped() {
        let p = RetryPolicy {
            server_attempts: 100,
            ..RetryPolicy::default()
        };
        let mut a = Attempts {
            server: 40,
            ..Attempts::default()
        };
        let d = p
            .next_delay(&mut a, &Trouble::Server { retry_after: None }, 0.999)
            .unwrap();
        assert!(d <= p.server_max_delay);
    }

    #[test]
    fn counters_are_separate() {
        let p = RetryPolicy::default();
        let mut a = Attempts::default();
        for _ in 0..3 {
            assert!(
                p.next_delay(&mut a, &Trouble::Server { retry_after: None }, 0.0)
                    .is_some()
            );
        }
        // A throttle answer does not use up the 5xx budget and vice versa.
        assert!(
            p.next_delay(
                &mut a,
                &Trouble::Throttled {
                    retry_after: Some(secs(1))
                },
                0.0
            )
            .is_some()
        );
        assert!(
            p.next_delay(&mut a, &Trouble::Server { retry_after: None }, 0.0)
                .is_none()
        );
        assert_eq!(a.total_retries(), 5);
    }

    #[test]
    fn network_errors_are_tried_three_times() {
        let p = RetryPolicy::default();
        let mut a = Attempts::default();
        assert!(p.next_delay(&mut a, &Trouble::Network, 0.0).is_some());
        assert!(p.next_delay(&mut a, &Trouble::Network, 0.0).is_some());
        assert!(p.next_delay(&mut a, &Trouble::Network, 0.0).is_none());
    }

    /// The waits of replication polls from the object's creation to the end of the window,
    /// with the same `jitter` each time.
    fn replication_waits(p: &RetryPolicy, jitter: f64) -> Vec<Duration> {
        let mut a = Attempts::default();
        let mut since = secs(0);
        let mut waits = Vec::new();
        while let Some(d) = p.next_delay(
            &mut a,
            &Trouble::Replication {
                since_creation: since,
            },
            jitter,
        ) {
            waits.push(d);
            since += d;
        }
        waits
    }

    #[test]
    fn replication_polls_every_eighth_of_the_age_from_250_ms_to_2_s() {
        let p = RetryPolicy::default();
        let waits = replication_waits(&p, 0.5);
        let ms: Vec<u128> = waits.iter().map(Duration::as_millis).collect();
        // 250 ms while the object is younger than 2 s…
        assert!(ms[..8].iter().all(|&w| w == 250), "{ms:?}");
        // …then an eighth of its age…
        assert_eq!(ms[8], 250);
        assert_eq!(ms[9], 281, "2.25 s / 8");
        // …and never more than 2 s.
        assert!(ms.iter().all(|&w| (250..=2000).contains(&w)), "{ms:?}");
        assert_eq!(*ms.iter().max().unwrap(), 2000);
        let total: Duration = waits.iter().sum();
        assert_eq!(
            total,
            secs(120),
            "the same patience: the last try ends the window"
        );
        // An object visible after a lag L is seen at most L/8 (and at least 250 ms) later.
        for lag in [secs(2), secs(5), secs(10), secs(30)] {
            let mut at = Duration::ZERO;
            let seen = waits
                .iter()
                .map(|w| {
                    at += *w;
                    at
                })
                .find(|&t| t >= lag)
                .unwrap();
            assert!(
                seen - lag <= (lag / 8).max(Duration::from_millis(250)),
                "lag {lag:?} seen at {seen:?}"
            );
        }
    }

    #[test]
    fn replication_poll_jitter_stays_within_a_tenth() {
        let p = RetryPolicy::default();
        for (jitter, first, longest) in [(0.0, 225, 1800), (0.999_999, 274, 2199)] {
            let waits = replication_waits(&p, jitter);
            assert_eq!(waits[0].as_millis(), first, "jitter {jitter}");
            let max = waits.iter().max().unwrap().as_millis();
            assert_eq!(max, longest, "jitter {jitter}");
            assert_eq!(waits.iter().sum::<Duration>(), secs(120));
        }
    }

    #[test]
    fn replication_after_the_window_is_not_retried() {
        let p = RetryPolicy::default();
        let mut a = Attempts::default();
        assert_eq!(
            p.next_delay(
                &mut a,
                &Trouble::Replication {
                    since_creation: secs(121)
                },
                0.0
            ),
            None
        );
        let none = RetryPolicy::none();
        assert_eq!(
            none.next_delay(
                &mut a,
                &Trouble::Replication {
                    since_creation: secs(0)
                },
                0.0
            ),
            None
        );
    }

    #[test]
    fn retry_after_parsing() {
        let now = DateTime::parse_from_rfc3339("2015-10-21T07:28:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(parse_retry_after(Some("7"), now), Some(secs(7)));
        assert_eq!(parse_retry_after(Some(" 0 "), now), Some(secs(0)));
        assert_eq!(
            parse_retry_after(Some("1.5"), now),
            Some(Duration::from_millis(1500))
        );
        assert_eq!(parse_retry_after(Some("soon"), now), None);
        assert_eq!(parse_retry_after(Some("-3"), now), None);
        assert_eq!(parse_retry_after(None, now), None);
        assert_eq!(
            parse_retry_after(Some("Wed, 21 Oct 2015 07:28:30 GMT"), now),
            Some(secs(30))
        );
        assert_eq!(
            parse_retry_after(Some("Wed, 21 Oct 2015 07:27:00 GMT"), now),
            Some(secs(0))
        );
    }
}

/// Property tests (issue 14): `Retry-After` is Graph input; any header text is survived.
#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

        #[test]
        fn retry_after_never_panics(text in ".{0,40}", now_secs in 0i64..4_000_000_000) {
            let now = DateTime::from_timestamp(now_secs, 0).unwrap();
            let _ = parse_retry_after(Some(&text), now);
        }

        #[test]
        fn delta_seconds_round_trip(secs in any::<u64>()) {
            prop_assert_eq!(
                parse_retry_after(Some(&secs.to_string()), Utc::now()),
                Some(Duration::from_secs(secs))
            );
        }

        #[test]
        fn an_http_date_in_the_future_is_the_time_until_then(ahead in 0i64..1_000_000) {
            let now = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
            let then = now + chrono::Duration::seconds(ahead);
            let header = then.format("%a, %d %b %Y %H:%M:%S GMT").to_string();
            prop_assert_eq!(
                parse_retry_after(Some(&header), now),
                Some(Duration::from_secs(ahead as u64))
            );
        }
    }
}
