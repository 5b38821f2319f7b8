//! Round trip 4 of a registration: the grants — made for `--grant-consent`, else read — and
//! every permission's status.

use super::app_step::AppReady;
use super::context::RunContext;
use super::secret_step::Credentials;
use super::tenant::Tenant;
use super::{RegisterError, RegisterEvent};
use crate::permissions::PermissionStatus;
use crate::permissions::grants::{grant_or_read, statuses};
use crate::permissions::resolve::ResolvedPermission;
use crate::store::journal::{self, RunJournal};

/// Grants (when asked) or reads the grants, and returns each permission with whether it is
/// granted. A grant that failed is a note (the app works without consent), not an error.
pub(super) async fn grant_or_read_grants(
    cx: &RunContext<'_>,
    journal: &mut RunJournal,
    tenant: &Tenant,
    ready: &AppReady,
    credentials: &Credentials,
    resolved: &[ResolvedPermission],
    notes: &mut Vec<String>,
) -> Result<Vec<PermissionStatus>, RegisterError> {
    let on_event = cx.on_event;
    let granted = grant_or_read(
        cx.graph,
        &credentials.sp,
        ready.existing_sp.is_none(),
        resolved,
        &|api| tenant.resource(api),
        cx.req.grant_consent,
        &|count| on_event(RegisterEvent::Granting { count }),
        notes,
    )
    .await?;
    journal.record(|j| j.record_grants());
    journal::test_abort_point("grants");
    let permissions = statuses(resolved, &granted);
    on_event(RegisterEvent::GrantsChecked {
        granted: permissions.iter().filter(|p| p.granted).count(),
        total: permissions.len(),
    });
    Ok(permissions)
}
