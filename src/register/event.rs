//! What a registration reports while it runs.

/// Progress for the wizard's live checklist and for `--verbose` output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegisterEvent {
    CheckingTenant,
    AppFound {
        client_id: String,
    },
    AppCreated {
        client_id: String,
    },
    AppUpdated,
    SecretCreated,
    ServicePrincipalReady {
        created: bool,
    },
    Granting {
        count: usize,
    },
    GrantsChecked {
        granted: usize,
        total: usize,
    },
    /// This run continues an interrupted one whose app was just looked for (before anything
    /// changes): `app_gone` when it no longer exists, and a new app is registered instead.
    Resuming {
        app_gone: bool,
    },
}
