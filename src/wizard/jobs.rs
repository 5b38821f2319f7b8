//! The wizard's background jobs, one slot per kind: the ticket of the latest run and whether it
//! runs. Every job goes through the same four moves — `start` hands out a fresh ticket, `accept`
//! lets only the current run's result in (stale ones are dropped), `cancel` forgets a run, and
//! `waiting_for_admin` marks a run that waits for a person rather than the network — so
//! "what is running", "does the spinner turn" and "does quitting lose something" are all read
//! from the slots instead of from hand-kept lists of screen fields.
//!
//! A new job is a new `JobKind`: the matches below are exhaustive, so it does not compile until
//! it says whether the admin waits for it (spinner, and quitting asks first).

/// Generation counter for background jobs: a result whose ticket is not the current one for
/// its kind (a cancelled sign-in, an old poll) is ignored.
pub type Ticket = u64;

/// Every kind of background job the wizard starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JobKind {
    /// Sign-in and reading the organisation (`StartSignIn`).
    SignIn,
    /// Whether the transfer mailbox exists (`CheckMailbox`).
    Mailbox,
    /// The app browser's list (`ListApps`).
    Apps,
    /// Tenant ID from a domain (`LookupTenant`).
    TenantLookup,
    /// The permission picker's catalogue (`LoadPermissionCatalog`).
    Catalog,
    /// The journal of an interrupted run (`FindInterruptedRun`).
    InterruptedRun,
    /// The registration (`Register`).
    Register,
    /// One read of the grants in the consent poll chain (`PollConsent`).
    ConsentPoll,
    /// The consent link's loopback listener (`ListenForConsent`), alongside the polls.
    ConsentListener,
    /// Granting admin consent from the tool (`GrantConsent`).
    ConsentGrant,
    /// A token from the secret, its roles checked (`Verify`, `VerifyRotated`).
    Verify,
    /// Rotate: the app and its secrets (`LoadSecrets`).
    Secrets,
    /// Rotate: the new secret (`CreateSecret`).
    CreateSecret,
    /// Rotate: removing the older secrets (`RemoveOldSecrets`).
    RemoveOldSecrets,
    /// Check: comparing the app with its profile (`RunCheck`).
    Check,
    /// Check: applying the selected fixes (`ApplyFixes`).
    ApplyFixes,
}

impl JobKind {
    /// Every kind, once.
    pub const ALL: [JobKind; 16] = [
        JobKind::SignIn,
        JobKind::Mailbox,
        JobKind::Apps,
        JobKind::TenantLookup,
        JobKind::Catalog,
        JobKind::InterruptedRun,
        JobKind::Register,
        JobKind::ConsentPoll,
        JobKind::ConsentListener,
        JobKind::ConsentGrant,
        JobKind::Verify,
        JobKind::Secrets,
        JobKind::CreateSecret,
        JobKind::RemoveOldSecrets,
        JobKind::Check,
        JobKind::ApplyFixes,
    ];

    fn index(self) -> usize {
        self as usize
    }

    /// The admin waits for it on screen: a spinner turns while it works, and quitting while it
    /// runs asks first (its answer, or what it changes in the tenant, would be lost). The
    /// background reads the wizard starts on its own — the journal, the consent polls and
    /// listener, which show when the grants were last read instead — are not: they only read,
    /// and start again next time.
    pub fn admin_waits_for_it(self) -> bool {
        match self {
            JobKind::SignIn
            | JobKind::Mailbox
            | JobKind::Apps
            | JobKind::TenantLookup
            | JobKind::Catalog
            | JobKind::Register
            | JobKind::ConsentGrant
            | JobKind::Verify
            | JobKind::Secrets
            | JobKind::CreateSecret
            | JobKind::RemoveOldSecrets
            | JobKind::Check
            | JobKind::ApplyFixes => true,
            JobKind::InterruptedRun | JobKind::ConsentPoll | JobKind::ConsentListener => false,
        }
    }
}

/// Where the latest run of a kind is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum JobState {
    /// Never started, cancelled, or its result is in.
    #[default]
    Idle,
    /// Working; its result is awaited.
    Running,
    /// Started and waiting for a person (the browser sign-in, a device code): it runs, but
    /// nothing on screen moves, so no ticks.
    WaitingForAdmin,
}

#[derive(Debug, Clone, Copy, Default)]
struct Slot {
    ticket: Ticket,
    state: JobState,
}

/// One slot per `JobKind`.
#[derive(Debug, Default)]
pub struct Jobs {
    slots: [Slot; JobKind::ALL.len()],
    /// Source of fresh tickets (monotonic across all kinds, so a ticket never matches two runs).
    last_issued: Ticket,
}

impl Jobs {
    fn issue(&mut self) -> Ticket {
        self.last_issued += 1;
        self.last_issued
    }

    /// A new run of `kind`: a fresh ticket (an earlier run's result will be dropped).
    pub fn start(&mut self, kind: JobKind) -> Ticket {
        let ticket = self.issue();
        self.slots[kind.index()] = Slot {
            ticket,
            state: JobState::Running,
        };
        ticket
    }

    /// The final result of `kind` under `ticket` arrived: true (and the run is over) when it
    /// belongs to the current run; false for a stale or cancelled one, which the caller drops.
    pub fn accept(&mut self, kind: JobKind, ticket: Ticket) -> bool {
        if !self.is_current(kind, ticket) {
            return false;
        }
        self.slots[kind.index()].state = JobState::Idle;
        true
    }

    /// A report of `kind` under `ticket` that is not its end (progress, a prompt) belongs to
    /// the current, running run.
    pub fn is_current(&self, kind: JobKind, ticket: Ticket) -> bool {
        let slot = self.slots[kind.index()];
        slot.ticket == ticket && slot.state != JobState::Idle
    }

    /// The current run of `kind` now waits for the admin (no spinner).
    pub fn waiting_for_admin(&mut self, kind: JobKind) {
        let slot = &mut self.slots[kind.index()];
        if slot.state == JobState::Running {
            slot.state = JobState::WaitingForAdmin;
        }
    }

    /// Forgets the current run of `kind`: whatever it still reports is dropped.
    pub fn cancel(&mut self, kind: JobKind) {
        let ticket = self.issue();
        self.slots[kind.index()] = Slot {
            ticket,
            state: JobState::Idle,
        };
    }

    /// The ticket of the latest run of `kind`.
    pub fn ticket(&self, kind: JobKind) -> Ticket {
        self.slots[kind.index()].ticket
    }

    pub fn state(&self, kind: JobKind) -> JobState {
        self.slots[kind.index()].state
    }

    /// A run of `kind` is under way (working or waiting for the admin).
    pub fn is_running(&self, kind: JobKind) -> bool {
        self.state(kind) != JobState::Idle
    }

    /// The kinds with a run under way.
    pub fn running(&self) -> impl Iterator<Item = JobKind> + '_ {
        JobKind::ALL.into_iter().filter(|k| self.is_running(*k))
    }

    /// A job is working whose screen shows a spinner: the runtime sends ticks.
    pub fn spinner_turns(&self) -> bool {
        JobKind::ALL
            .into_iter()
            .any(|k| k.admin_waits_for_it() && self.state(k) == JobState::Running)
    }

    /// A job runs whose result quitting would lose (quitting asks first).
    pub fn quit_would_lose_one(&self) -> bool {
        self.running().any(JobKind::admin_waits_for_it)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kinds_are_listed_once_in_their_slot_order() {
        for (i, kind) in JobKind::ALL.into_iter().enumerate() {
            assert_eq!(kind.index(), i, "{kind:?}");
        }
    }

    #[test]
    fn only_the_current_run_is_accepted_and_only_once() {
        let mut jobs = Jobs::default();
        let first = jobs.start(JobKind::Check);
        let second = jobs.start(JobKind::Check);
        assert_ne!(first, second);
        assert!(!jobs.accept(JobKind::Check, first), "stale run");
        assert!(jobs.is_running(JobKind::Check));
        assert!(jobs.accept(JobKind::Check, second));
        assert!(!jobs.is_running(JobKind::Check));
        assert!(!jobs.accept(JobKind::Check, second), "already in");
    }

    #[test]
    fn a_ticket_of_one_kind_is_not_accepted_for_another() {
        let mut jobs = Jobs::default();
        let check = jobs.start(JobKind::Check);
        jobs.start(JobKind::Apps);
        assert!(!jobs.accept(JobKind::Apps, check));
    }

    #[test]
    fn a_cancelled_run_reports_nothing_and_runs_no_more() {
        let mut jobs = Jobs::default();
        let ticket = jobs.start(JobKind::SignIn);
        jobs.cancel(JobKind::SignIn);
        assert!(!jobs.is_current(JobKind::SignIn, ticket));
        assert!(!jobs.accept(JobKind::SignIn, ticket));
        assert!(!jobs.quit_would_lose_one());
    }

    #[test]
    fn waiting_for_the_admin_runs_without_a_spinner() {
        let mut jobs = Jobs::default();
        let ticket = jobs.start(JobKind::SignIn);
        assert!(jobs.spinner_turns());
        jobs.waiting_for_admin(JobKind::SignIn);
        assert!(!jobs.spinner_turns());
        assert!(jobs.quit_would_lose_one());
        assert!(jobs.is_current(JobKind::SignIn, ticket));
    }

    #[test]
    fn background_reads_neither_tick_nor_hold_up_quitting() {
        let mut jobs = Jobs::default();
        jobs.start(JobKind::ConsentPoll);
        jobs.start(JobKind::ConsentListener);
        jobs.start(JobKind::InterruptedRun);
        assert!(!jobs.spinner_turns());
        assert!(!jobs.quit_would_lose_one());
        assert_eq!(jobs.running().count(), 3);
    }
}
