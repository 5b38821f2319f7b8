//! The hand-over of a new secret's value. A registration or rotation journals the secret it
//! makes; until the admin has seen the value, the next run must treat that secret as nobody's
//! and remove it. Once the value was shown (printed and flushed, revealed, copied), the journal
//! must say so and may be closed, or the next run deletes a secret the admin holds. That rule
//! is here, once: the front-ends only say *when* the value was shown.

use crate::store::journal::Journal;

/// A secret whose value has not reached the admin yet. Dropping it without [`Self::shown`]
/// leaves the journal naming the secret as unseen, so the next run removes it.
#[derive(Debug)]
pub struct SecretHandOver {
    journal: Option<Journal>,
    key_id: String,
}

impl SecretHandOver {
    /// The secret `key_id`, journalled in `journal` (`None` without a store: nothing to keep).
    pub fn new(journal: Option<Journal>, key_id: impl Into<String>) -> Self {
        Self {
            journal,
            key_id: key_id.into(),
        }
    }

    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    /// Whether this is the secret of the app `client_id`.
    pub fn is_for(&self, client_id: &str) -> bool {
        self.journal.as_ref().is_some_and(|j| {
            j.entry()
                .app
                .as_ref()
                .is_some_and(|a| a.client_id.eq_ignore_ascii_case(client_id))
        })
    }

    /// The admin has the value: the journal marks it shown and, the run being over, is
    /// closed. A journal that cannot be written is only logged (the admin has the secret
    /// either way; at worst the next run asks about it).
    pub fn shown(self) {
        let Some(mut journal) = self.journal else {
            return;
        };
        if let Err(e) = journal
            .mark_shown(&self.key_id)
            .and_then(|_| journal.finish())
        {
            tracing::warn!(error = %e, "the journal could not be closed");
        }
    }

    /// Gives the journal back, the secret still unseen.
    pub fn into_journal(self) -> Option<Journal> {
        self.journal
    }

    /// [`Self::printed`] for a hand-over kept in `slot` (a front-end that prints at one of
    /// several moments): taken once printed, left there otherwise.
    pub fn printed_from(slot: &mut Option<Self>) {
        if let Some(h) = slot.take() {
            *slot = h.printed();
        }
    }

    /// The value was printed on stdout: it counts as shown once stdout is flushed and was not
    /// lost (a closed pipe hands nothing over). Otherwise the hand-over stays open, given back.
    pub fn printed(self) -> Option<Self> {
        let flushed = std::io::Write::flush(&mut std::io::stdout()).is_ok();
        if flushed && !crate::printable::stdout_lost() {
            self.shown();
            None
        } else {
            Some(self)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::journal::Journal;

    fn journal_with_secret(dir: &std::path::Path) -> Journal {
        let (mut j, _) =
            Journal::begin(dir, "tenant", "officemaster", "http://127.0.0.1/", "App").unwrap();
        j.record_app("obj", "00000000-0000-0000-0000-000000000001", true)
            .unwrap();
        j.record_secret("KEY", chrono::Utc::now()).unwrap();
        j.record_completed().unwrap();
        j
    }

    #[test]
    fn a_shown_secret_closes_the_journal_and_an_unshown_one_leaves_it_for_the_next_run() {
        let dir = tempfile::tempdir().unwrap();
        let j = journal_with_secret(dir.path());
        let path = j.path().to_path_buf();
        let open = SecretHandOver::new(Some(j), "KEY");
        assert!(open.is_for("00000000-0000-0000-0000-000000000001"));
        drop(open);
        assert!(path.exists(), "an unseen secret stays journalled");

        let (j, previous) = Journal::begin(
            dir.path(),
            "tenant",
            "officemaster",
            "http://127.0.0.1/",
            "App",
        )
        .unwrap();
        assert_eq!(previous.unwrap().unshown_secrets().count(), 1);
        drop(j);
        let j = journal_with_secret(dir.path());
        SecretHandOver::new(Some(j), "KEY").shown();
        assert!(!path.exists(), "a shown secret ends the journal");
    }
}
