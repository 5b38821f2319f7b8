//! Replication lag: objects exowiz just created may be unknown to other Graph replicas for a
//! while. The client remembers the ids it created (application `id` and `appId`, service
//! principal `id`) with the creation instant, and recognises the "does not exist yet" answers
//! that are worth retrying for requests that mention one of those ids.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::error::ErrorBody;

/// Ids created by this client, lower-cased, with their creation instant.
#[derive(Debug, Default)]
pub(crate) struct CreatedObjects {
    ids: Mutex<HashMap<String, Instant>>,
}

impl CreatedObjects {
    pub(crate) fn snapshot(&self) -> HashMap<String, Instant> {
        self.lock().clone()
    }

    pub(crate) fn from_snapshot(ids: HashMap<String, Instant>) -> Self {
        Self {
            ids: Mutex::new(ids),
        }
    }

    /// Remember `id` as created at `at`; forget entries older than `keep`.
    pub(crate) fn remember(&self, id: &str, at: Instant, keep: Duration) {
        let id = id.trim().to_ascii_lowercase();
        if id.is_empty() {
            return;
        }
        let mut ids = self.lock();
        ids.retain(|_, created| at.saturating_duration_since(*created) <= keep);
        ids.insert(id, at);
    }

    /// The creation instant of the most recently created remembered id that occurs in
    /// `haystacks` (URL path and query, request body), if any.
    pub(crate) fn newest_mentioned(&self, haystacks: &[&str]) -> Option<Instant> {
        let lowered: Vec<String> = haystacks.iter().map(|h| h.to_ascii_lowercase()).collect();
        self.lock()
            .iter()
            .filter(|(id, _)| lowered.iter().any(|h| h.contains(id.as_str())))
            .map(|(_, at)| *at)
            .max()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Instant>> {
        // A poisoned lock only means another task panicked while inserting; the map is
        // still usable.
        self.ids.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Is this answer one of the known "object not replicated yet" errors?
///
/// * 400 with `details[].code == NoBackingApplicationObject`, or whose message says the appId
///   "does not reference a valid application object" (POST /servicePrincipals right after
///   POST /applications), or "does not exist or one of its queried reference-property
///   objects are not present" (grants that name a just-created service principal), or
///   "Invalid value specified for property 'principalId'/'clientId'/'resourceId'" (what
///   appRoleAssignedTo and oauth2PermissionGrants answer while that principal is not
///   replicated yet; only retried when the request names an id exowiz just created);
/// * 404 `Request_ResourceNotFound` / `ResourceNotFound`, or a 404 whose message says the
///   resource "does not exist".
pub(crate) fn is_replication_error(status: u16, body: &ErrorBody) -> bool {
    let message = body
        .message
        .as_deref()
        .unwrap_or_default()
        .to_ascii_lowercase();
    match status {
        400 => {
            body.has_code("NoBackingApplicationObject")
                || message.contains("does not reference a valid application object")
                || message.contains("does not exist or one of its queried reference-property")
                || ["principalid", "clientid", "resourceid"]
                    .iter()
                    .any(|field| {
                        message.contains(&format!("invalid value specified for property '{field}'"))
                    })
        }
        404 => {
            // `Directory_ObjectNotFound` "Unable to read the company information from the
            // directory" answers grants right after the service principal was made.
            matches!(
                body.code.as_deref(),
                Some("Request_ResourceNotFound")
                    | Some("ResourceNotFound")
                    | Some("Directory_ObjectNotFound")
            ) || message.contains("does not exist")
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(json: &str) -> ErrorBody {
        ErrorBody::parse(json.as_bytes())
    }

    #[test]
    fn recognises_replication_answers() {
        assert!(is_replication_error(
            400,
            &body(
                r#"{"error":{"code":"Request_BadRequest","message":"x","details":[{"code":"NoBackingApplicationObject","target":"appId"}]}}"#
            )
        ));
        assert!(is_replication_error(
            400,
            &body(
                r#"{"error":{"code":"Request_BadRequest","message":"The appId 'a' of the service principal does not reference a valid application object."}}"#
            )
        ));
        assert!(is_replication_error(
            404,
            &body(
                r#"{"error":{"code":"Request_ResourceNotFound","message":"Resource 'a' does not exist or one of its queried reference-property objects are not present."}}"#
            )
        ));
        assert!(!is_replication_error(
            400,
            &body(r#"{"error":{"code":"Request_BadRequest","message":"Invalid value."}}"#)
        ));
        assert!(!is_replication_error(
            403,
            &body(r#"{"error":{"code":"Authorization_RequestDenied","message":"does not exist"}}"#)
        ));
        assert!(!is_replication_error(
            404,
            &body(
                r#"{"error":{"code":"MailboxNotEnabledForRESTAPI","message":"The mailbox is either inactive, soft-deleted, or is hosted on-premise."}}"#
            )
        ));
    }

    #[test]
    fn an_invalid_principal_reference_counts_as_replication() {
        assert!(is_replication_error(
            400,
            &body(
                r#"{"error":{"code":"Request_BadRequest","message":"Invalid value specified for property 'principalId' of resource 'AppRoleAssignment'."}}"#
            )
        ));
        assert!(!is_replication_error(
            400,
            &body(
                r#"{"error":{"code":"Request_BadRequest","message":"Invalid value specified for property 'appRoleId' of resource 'AppRoleAssignment'."}}"#
            )
        ));
    }

    #[test]
    fn finds_the_newest_mentioned_id_case_insensitively() {
        let c = CreatedObjects::default();
        let t0 = Instant::now();
        let t1 = t0 + Duration::from_secs(5);
        c.remember("AAAA-1111", t0, Duration::from_secs(120));
        c.remember("bbbb-2222", t1, Duration::from_secs(120));
        assert_eq!(
            c.newest_mentioned(&["/v1.0/applications/aaaa-1111"]),
            Some(t0)
        );
        assert_eq!(
            c.newest_mentioned(&[
                "/v1.0/servicePrincipals",
                r#"{"appId":"aaaa-1111","x":"BBBB-2222"}"#
            ]),
            Some(t1)
        );
        assert_eq!(c.newest_mentioned(&["/v1.0/applications/cccc"]), None);
    }

    #[test]
    fn old_entries_are_forgotten() {
        let c = CreatedObjects::default();
        let t0 = Instant::now();
        c.remember("old", t0, Duration::from_secs(10));
        c.remember("new", t0 + Duration::from_secs(11), Duration::from_secs(10));
        assert_eq!(c.newest_mentioned(&["old"]), None);
        assert!(c.newest_mentioned(&["new"]).is_some());
    }
}
