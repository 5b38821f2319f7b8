//! Well-known first-party applications and the permissions they expose.
//!
//! Ids and values are the real ones (graph-facts §2, cross-checked against a captured Graph
//! service principal). Descriptions follow Microsoft's style but are written for the emulator.

use serde_json::{Value, json};

pub const GRAPH_APP_ID: &str = "00000003-0000-0000-c000-000000000000";
pub const EXCHANGE_APP_ID: &str = "00000002-0000-0ff1-ce00-000000000000";
pub const GRAPH_CLI_APP_ID: &str = "14d82eec-204b-4c2f-b7e8-296a70dab67e";
pub const AZURE_CLI_APP_ID: &str = "04b07795-8ddb-461a-bbee-02f9e1bf7b46";
/// Microsoft's own tenant, owner of the first-party applications.
pub const MICROSOFT_TENANT_ID: &str = "f8cdef31-a31e-4b4a-93e4-5f571e91255a";

pub const GRAPH_RESOURCE: &str = "https://graph.microsoft.com";
pub const EXCHANGE_RESOURCE: &str = "https://outlook.office365.com";

/// An application permission (app role).
pub struct Role {
    pub value: &'static str,
    pub id: &'static str,
    pub display: &'static str,
    pub description: &'static str,
}

/// A delegated permission (OAuth2 permission scope).
pub struct Scope {
    pub value: &'static str,
    pub id: &'static str,
    /// Needs admin consent (`type: "Admin"`), otherwise users may consent (`"User"`).
    pub admin: bool,
    pub admin_display: &'static str,
    pub admin_description: &'static str,
    pub user_display: &'static str,
    pub user_description: &'static str,
}

const fn role(
    value: &'static str,
    id: &'static str,
    display: &'static str,
    description: &'static str,
) -> Role {
    Role {
        value,
        id,
        display,
        description,
    }
}

const fn scope(
    value: &'static str,
    id: &'static str,
    admin: bool,
    admin_display: &'static str,
    admin_description: &'static str,
    user_display: &'static str,
    user_description: &'static str,
) -> Scope {
    Scope {
        value,
        id,
        admin,
        admin_display,
        admin_description,
        user_display,
        user_description,
    }
}

#[rustfmt::skip]
pub const GRAPH_ROLES: &[Role] = &[
    role("Application.Read.All", "9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30", "Read all applications",
        "Allows the app to read all applications and service principals without a signed-in user."),
    role("Application.ReadWrite.All", "1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9", "Read and write all applications",
        "Allows the app to create, read, update and delete applications and service principals without a signed-in user. Does not allow management of consent grants."),
    role("Application.ReadWrite.OwnedBy", "18a4783c-866b-4cc7-a460-3d5e5662c884", "Manage apps that this app creates or owns",
        "Allows the app to create other applications, and fully manage those applications (read, update, update application secrets and delete), without a signed-in user. It cannot update any apps that it is not an owner of."),
    role("AppRoleAssignment.ReadWrite.All", "06b708a9-e830-4db3-a914-8e69da51d44f", "Manage app permission grants and app role assignments",
        "Allows the app to manage permission grants for application permissions to any API (including Microsoft Graph) and application assignments for any app, without a signed-in user."),
    role("DelegatedPermissionGrant.ReadWrite.All", "8e8e4742-1d95-4f68-9d56-6ee75648c72a", "Manage all delegated permission grants",
        "Allows the app to manage permission grants for delegated permissions exposed by any API (including Microsoft Graph), without a signed-in user."),
    role("Directory.Read.All", "7ab1d382-f21e-4acd-a863-ba3e13f7da61", "Read directory data",
        "Allows the app to read data in your organization's directory, such as users, groups and apps, without a signed-in user."),
    role("Directory.ReadWrite.All", "19dbc75e-c2e2-444c-a770-ec69d8559fc7", "Read and write directory data",
        "Allows the app to read and write data in your organization's directory, such as users, and groups, without a signed-in user. Does not allow user or group deletion."),
    role("Domain.Read.All", "dbb9058a-0e50-45d7-ae91-66909b5d4664", "Read domains",
        "Allows the app to read all domain properties without a signed-in user."),
    role("Organization.Read.All", "498476ce-e0fe-48b0-b801-37ba7e2685c6", "Read organization information",
        "Allows the app to read the organization and related resources, without a signed-in user. Related resources include things like subscribed skus and tenant branding information."),
    role("User.Read.All", "df021288-bdef-4463-88db-98f22de89214", "Read all users' full profiles",
        "Allows the app to read user profiles without a signed in user."),
    role("User.ReadWrite.All", "741f803b-c850-494e-b5df-cde7c675a1ca", "Read and write all users' full profiles",
        "Allows the app to read and update user profiles without a signed in user."),
    role("Group.Read.All", "5b567255-7703-4780-807c-7be8301ae99b", "Read all groups",
        "Allows the app to read group properties and memberships, and read conversations for all groups, without a signed-in user."),
    role("People.Read.All", "b528084d-ad10-4598-8b93-929746b4d7d6", "Read all users' relevant people lists",
        "Allows the app to read any user's scored list of relevant people, without a signed-in user. The list can include local contacts, contacts from social networking, your organization's directory, and people from recent communications."),
    role("Mail.Read", "810c84a8-4a9e-49e6-bf7d-12d183f40d01", "Read mail in all mailboxes",
        "Allows the app to read mail in all mailboxes without a signed-in user."),
    role("Mail.ReadBasic", "6be147d2-ea4f-4b5a-a3fa-3eab6f3c140a", "Read basic mail in all mailboxes",
        "Allows the app to read basic mail properties in all mailboxes without a signed-in user. Includes all properties except body, previewBody, attachments and any extended properties."),
    role("Mail.ReadBasic.All", "693c5e45-0940-467d-9b8a-1022fb9d42ef", "Read basic mail in all mailboxes",
        "Allows the app to read basic mail properties in all mailboxes without a signed-in user. Includes all properties except body, previewBody, attachments and any extended properties."),
    role("Mail.ReadWrite", "e2a3a72e-5f79-4c64-b1b1-878b674786c9", "Read and write mail in all mailboxes",
        "Allows the app to create, read, update, and delete mail in all mailboxes without a signed-in user. Does not include permission to send mail."),
    role("Mail.Send", "b633e1c5-b582-4048-a93e-9f11b44c7e96", "Send mail as any user",
        "Allows the app to send mail as any user without a signed-in user."),
    role("MailboxSettings.Read", "40f97065-369a-49f4-947c-6a255697ae91", "Read all user mailbox settings",
        "Allows the app to read user's mailbox settings without a signed-in user. Does not include permission to send mail."),
    role("MailboxSettings.ReadWrite", "6931bccd-447a-43d1-b442-00a195474933", "Read and write all user mailbox settings",
        "Allows the app to create, read, update, and delete user's mailbox settings without a signed-in user. Does not include permission to send mail."),
    role("Calendars.Read", "798ee544-9d2d-430c-a058-570e29e34338", "Read calendars in all mailboxes",
        "Allows the app to read events of all calendars without a signed-in user."),
    role("Calendars.ReadWrite", "ef54d2bf-783f-4e0f-bca1-3210c0444d99", "Read and write calendars in all mailboxes",
        "Allows the app to create, read, update, and delete events of all calendars without a signed-in user."),
    role("Contacts.Read", "089fe4d0-434a-44c5-8827-41ba8a0b17f5", "Read contacts in all mailboxes",
        "Allows the app to read all contacts in all mailboxes without a signed-in user."),
    role("Contacts.ReadWrite", "6918b873-d17a-4dc1-b314-35f528134491", "Read and write contacts in all mailboxes",
        "Allows the app to create, read, update, and delete all contacts in all mailboxes without a signed-in user."),
];

#[rustfmt::skip]
pub const GRAPH_SCOPES: &[Scope] = &[
    scope("openid", "37f7f235-527c-4136-accd-4a02d197296e", false, "Sign users in",
        "Allows users to sign in to the app with their work or school accounts and allows the app to see basic user profile information.",
        "Sign you in", "Allows you to sign in to the app with your work or school account and allows the app to read your basic profile information."),
    scope("profile", "14dad69e-099b-42c9-810b-d002981feec1", false, "View users' basic profile",
        "Allows the app to see your users' basic profile (e.g., name, picture, user name, email address)",
        "View your basic profile", "Allows the app to see your basic profile (e.g., name, picture, user name, email address)"),
    scope("email", "64a6cdd6-aab1-4aaf-94b8-3cc8405e90d0", false, "View users' email address",
        "Allows the app to read your users' primary email address",
        "View your email address", "Allows the app to read your primary email address"),
    scope("offline_access", "7427e0e9-2fba-42fe-b0c0-848c9e6a8182", false, "Maintain access to data you have given it access to",
        "Allows the app to see and update the data you gave it access to, even when users are not currently using the app. This does not give the app any additional permissions.",
        "Maintain access to data you have given it access to", "Allows the app to see and update the data you gave it access to, even when you are not currently using the app. This does not give the app any additional permissions."),
    scope("User.Read", "e1fe6dd8-ba31-4d61-89e7-88639da4683d", false, "Sign in and read user profile",
        "Allows users to sign-in to the app, and allows the app to read the profile of signed-in users. It also allows the app to read basic company information of signed-in users.",
        "Sign in and read your profile", "Allows you to sign in to the app with your organizational account and let the app read your profile. It also allows the app to read basic company information."),
    scope("User.ReadBasic.All", "b340eb25-3456-403f-be2f-af7a0d370277", false, "Read all users' basic profiles",
        "Allows the app to read a basic set of profile properties of other users in your organization on behalf of the signed-in user. This includes display name, first and last name, email address and photo.",
        "Read all users' basic profiles", "Allows the app to read a basic set of profile properties of other users in your organization on your behalf. Includes display name, first and last name, email address and photo."),
    scope("User.Read.All", "a154be20-db9c-4678-8ab7-66f6cc099a59", true, "Read all users' full profiles",
        "Allows the app to read the full set of profile properties, reports, and managers of other users in your organization, on behalf of the signed-in user.",
        "Read all users' full profiles", "Allows the app to read the full set of profile properties, reports, and managers of other users in your organization, on your behalf."),
    scope("User.ReadWrite.All", "204e0828-b5ca-4ad8-b9f3-f32a958e7cc4", true, "Read and write all users' full profiles",
        "Allows the app to read and write the full set of profile properties, reports, and managers of other users in your organization, on behalf of the signed-in user.",
        "Read and write all users' full profiles", "Allows the app to read and write the full set of profile properties, reports, and managers of other users in your organization, on your behalf."),
    scope("Application.Read.All", "c79f8feb-a9db-4090-85f9-90d820caa0eb", true, "Read applications",
        "Allows the app to read applications and service principals on behalf of the signed-in user.",
        "Read applications", "Allows the app to read applications and service principals on your behalf."),
    scope("Application.ReadWrite.All", "bdfbf15f-ee85-4955-8675-146e8e5296b5", true, "Read and write all applications",
        "Allows the app to create, read, update and delete applications and service principals on behalf of the signed-in user. Does not allow management of consent grants.",
        "Read and write applications", "Allows the app to create, read, update and delete applications and service principals on your behalf. Does not allow management of consent grants."),
    scope("AppRoleAssignment.ReadWrite.All", "84bccea3-f856-4a8a-967b-dbe0a3d53a64", true, "Manage app permission grants and app role assignments",
        "Allows the app to manage permission grants for application permissions to any API (including Microsoft Graph) and application assignments for any app, on behalf of the signed-in user.",
        "Manage app permission grants and app role assignments", "Allows the app to manage permission grants for application permissions to any API (including Microsoft Graph) and application assignments for any app, on your behalf."),
    scope("DelegatedPermissionGrant.ReadWrite.All", "41ce6ca6-6826-4807-84f1-1c82854f7ee5", true, "Manage all delegated permission grants",
        "Allows the app to manage permission grants for delegated permissions exposed by any API (including Microsoft Graph), on behalf of the signed in user.",
        "Manage all delegated permission grants", "Allows the app to manage permission grants for delegated permissions exposed by any API (including Microsoft Graph), on your behalf."),
    scope("Directory.Read.All", "06da0dbc-49e2-44d2-8312-53f166ab848a", true, "Read directory data",
        "Allows the app to read data in your organization's directory, such as users, groups and apps.",
        "Read directory data", "Allows the app to read data in your organization's directory."),
    scope("Directory.ReadWrite.All", "c5366453-9fb0-48a5-a156-24f0c49a4b84", true, "Read and write directory data",
        "Allows the app to read and write data in your organization's directory, such as users, and groups. It does not allow the app to delete users or groups, or reset user passwords.",
        "Read and write directory data", "Allows the app to read and write data in your organization's directory, such as other users, groups. It does not allow the app to delete users or groups, or reset user passwords."),
    scope("Directory.AccessAsUser.All", "0e263e50-5827-48a4-b97c-d940288653c7", true, "Access directory as the signed in user",
        "Allows the app to have the same access to information in the directory as the signed-in user.",
        "Access the directory as you", "Allows the app to have the same access to information in your work or school directory as you do."),
    scope("Organization.Read.All", "4908d5b9-3fb2-4b1e-9336-1888b7937185", true, "Read organization information",
        "Allows the app to read the organization and related resources, on behalf of the signed-in user. Related resources include things like subscribed skus and tenant branding information.",
        "Read organization information", "Allows the app to read the organization and related resources, on your behalf. Related resources include things like subscribed skus and tenant branding information."),
    scope("Domain.Read.All", "2f9ee017-59c1-4f1d-9472-bd5529a7b311", true, "Read domains.",
        "Allows the app to read all domain properties on behalf of the signed-in user.",
        "Read domains.", "Allows the app to read all domain properties on your behalf."),
    scope("Group.Read.All", "5f8c59db-677d-491f-a6b8-5f174b11ec1d", true, "Read all groups",
        "Allows the app to list groups, and to read their properties and all group memberships on behalf of the signed-in user.",
        "Read all groups", "Allows the app to list groups, and to read their properties and all group memberships on your behalf."),
    scope("People.Read.All", "b89f9189-71a5-4e70-b041-9887f0bc7e4a", true, "Read all users' relevant people lists",
        "Allows the app to read a scored list of people relevant to the signed-in user or other users in the signed-in user's organization.",
        "Read all users' relevant people lists", "Allows the app to read a list of people in the order that is most relevant to you or other users in your organization."),
    scope("Mail.Read", "570282fd-fa5c-430d-a7fd-fc8dc98a9dca", false, "Read user mail",
        "Allows the app to read the signed-in user's mailbox.",
        "Read your mail", "Allows the app to read email in your mailbox."),
    scope("Mail.ReadBasic", "a4b8392a-d8d1-4954-a029-8e668a39a170", false, "Read user basic mail",
        "Allows the app to read email in the signed-in user's mailbox except body, previewBody, attachments and any extended properties.",
        "Read user basic mail", "Allows the app to read email in the signed-in user's mailbox except body, previewBody, attachments and any extended properties."),
    scope("Mail.ReadWrite", "024d486e-b451-40bb-833d-3e66d98c5c73", false, "Read and write access to user mail",
        "Allows the app to create, read, update, and delete email in user mailboxes. Does not include permission to send mail.",
        "Read and write access to your mail", "Allows the app to read, update, create and delete email in your mailbox. Does not include permission to send mail."),
    scope("Mail.Send", "e383f46e-2787-4529-855e-0e479a3ffac0", false, "Send mail as a user",
        "Allows the app to send mail as users in the organization.",
        "Send mail as you", "Allows the app to send mail as you."),
    scope("Mail.Read.Shared", "7b9103a5-4610-446b-9670-80643382c1fa", false, "Read user and shared mail",
        "Allows the app to read mail a user can access, including their own and shared mail.",
        "Read mail you can access", "Allows the app to read mail you can access, including shared mail."),
    scope("Mail.ReadWrite.Shared", "5df07973-7d5d-46ed-9847-1271055cbd51", false, "Read and write user and shared mail",
        "Allows the app to create, read, update, and delete mail a user has permission to access, including their own and shared mail. Does not include permission to send mail.",
        "Read and write mail you can access", "Allows the app to read, update, create, and delete mail you have permission to access, including your own and shared mail. Does not allow the app to send mail on your behalf."),
    scope("Mail.Send.Shared", "a367ab51-6b49-43bf-a716-a1fb06d2a174", false, "Send mail on behalf of others",
        "Allows the app to send mail as the signed-in user, including sending on-behalf of others.",
        "Send mail on behalf of others or yourself", "Allows the app to send mail as you or on-behalf of someone else."),
    scope("MailboxSettings.Read", "87f447af-9fa4-4c32-9dfa-4a57a73d18ce", false, "Read user mailbox settings",
        "Allows the app to the read user's mailbox settings. Does not include permission to send mail.",
        "Read your mailbox settings", "Allows the app to read your mailbox settings."),
    scope("MailboxSettings.ReadWrite", "818c620a-27a9-40bd-a6a5-d96f7d610b4b", false, "Read and write user mailbox settings",
        "Allows the app to create, read, update, and delete user's mailbox settings. Does not include permission to send mail.",
        "Read and write to your mailbox settings", "Allows the app to read, update, create, and delete your mailbox settings."),
    scope("Calendars.Read", "465a38f9-76ea-45b9-9f34-9e8b0d4b0b42", false, "Read user calendars",
        "Allows the app to read events in user calendars.",
        "Read your calendars", "Allows the app to read events in your calendars."),
    scope("Calendars.ReadWrite", "1ec239c2-d7c9-4623-a91a-a9775856bb36", false, "Have full access to user calendars",
        "Allows the app to create, read, update, and delete events in user calendars.",
        "Have full access to your calendars", "Allows the app to read, update, create and delete events in your calendars."),
    scope("Contacts.Read", "ff74d97f-43af-4b68-9f2a-b77ee6968c5d", false, "Read user contacts",
        "Allows the app to read user contacts.",
        "Read your contacts", "Allows the app to read contacts in your contact folders."),
    scope("Contacts.ReadWrite", "d56682ec-c09e-4743-aaf4-1a3aac4caa21", false, "Have full access to user contacts",
        "Allows the app to create, read, update, and delete user contacts.",
        "Have full access of your contacts", "Allows the app to read, update, create and delete contacts in your contact folders."),
    scope("IMAP.AccessAsUser.All", "652390e4-393a-48de-9484-05f9b1212954", false, "Read and write access to mailboxes via IMAP.",
        "Allows the app to have the same access to mailboxes as the signed-in user via IMAP protocol.",
        "Read and write access to your mail.", "Allows the app to read, update, create and delete email in your mailbox. Does not include permission to send mail."),
    scope("POP.AccessAsUser.All", "d7b7f2d9-0f45-4ea1-9d42-e50810c06991", false, "Read and write access to mailboxes via POP.",
        "Allows the app to have the same access to mailboxes as the signed-in user via POP protocol.",
        "Read and write access to your mail.", "Allows the app to read, update, create and delete email in your mailbox. Does not include permission to send mail."),
    scope("SMTP.Send", "258f6531-6087-4cc4-bb90-092c5fb3ed3f", false, "Send emails from mailboxes using SMTP AUTH.",
        "Allows the app to be able to send emails from the user's mailbox using the SMTP AUTH client submission protocol.",
        "Access to sending emails from your mailbox.", "Allows the app to send emails on your behalf from your mailbox."),
    scope("EWS.AccessAsUser.All", "9769c687-087d-48ac-9cb3-c37dde652038", false, "Access mailboxes as the signed-in user via Exchange Web Services",
        "Allows the app to have the same access to mailboxes as the signed-in user via Exchange Web Services.",
        "Access your mailboxes", "The app can access your mailboxes."),
];

#[rustfmt::skip]
pub const EXCHANGE_ROLES: &[Role] = &[
    role("full_access_as_app", "dc890d15-9560-4a4c-9b7f-a736ec74ec40", "Use Exchange Web Services with full access to all mailboxes",
        "Allows the app to have full access via Exchange Web Services to all mailboxes without a signed-in user."),
    role("IMAP.AccessAsApp", "5e5addcd-3e8d-4e90-baf5-964efab2b20a", "IMAP.AccessAsApp",
        "Allows the app to access mailboxes through IMAP without a signed-in user (mailbox access is granted in Exchange Online)."),
    role("POP.AccessAsApp", "cb842b43-da6e-4506-86fe-bb12199c656d", "POP.AccessAsApp",
        "Allows the app to access mailboxes through POP without a signed-in user (mailbox access is granted in Exchange Online)."),
    role("SMTP.SendAsApp", "7146a1f0-8703-45b3-9eae-527a64c00995", "SMTP.SendAsApp",
        "Allows the app to send mail through SMTP AUTH without a signed-in user (mailbox access is granted in Exchange Online)."),
    role("Exchange.ManageAsApp", "dc50a0fb-09a3-484d-be87-e023b12c6440", "Manage Exchange As Application",
        "Allows the app to manage the organization's Exchange environment without any user interaction. This includes mailboxes, groups, and other configuration objects. To enable management actions, an admin must assign the appropriate roles directly to the app."),
    role("Mail.Read", "810c84a8-4a9e-49e6-bf7d-12d183f40d01", "Read mail in all mailboxes",
        "Allows the app to read mail in all mailboxes without a signed-in user."),
    role("Mail.ReadWrite", "e2a3a72e-5f79-4c64-b1b1-878b674786c9", "Read and write mail in all mailboxes",
        "Allows the app to create, read, update, and delete mail in all mailboxes without a signed-in user. Does not include permission to send mail."),
    role("Mail.Send", "b633e1c5-b582-4048-a93e-9f11b44c7e96", "Send mail as any user",
        "Allows the app to send mail as any user without a signed-in user."),
];

#[rustfmt::skip]
pub const EXCHANGE_SCOPES: &[Scope] = &[
    scope("EWS.AccessAsUser.All", "3b5f3d61-589b-4a3c-a359-5dd4b5ee5bd5", false, "Access mailboxes as the signed-in user via Exchange Web Services",
        "Allows the app to have the same access to mailboxes as the signed-in user via Exchange Web Services.",
        "Access your mailboxes", "Allows the app to access your mailboxes."),
    scope("IMAP.AccessAsUser.All", "195adc35-e27b-454b-a7ed-1ecdffa1c09f", false, "Read and write access to mailboxes via IMAP.",
        "Allows the app to have the same access to mailboxes as the signed-in user via IMAP protocol.",
        "Read and write access to your mail.", "Allows the app to read, update, create and delete email in your mailbox. Does not include permission to send mail."),
    scope("POP.AccessAsUser.All", "fb698133-92fa-453e-a9ed-688e10f2e5ac", false, "Read and write access to mailboxes via POP.",
        "Allows the app to have the same access to mailboxes as the signed-in user via POP protocol.",
        "Read and write access to your mail.", "Allows the app to read, update, create and delete email in your mailbox. Does not include permission to send mail."),
    scope("SMTP.Send", "76faac2a-0f20-42f1-928a-50de5b9dbe52", false, "Send emails from mailboxes using SMTP AUTH.",
        "Allows the app to be able to send emails from the user's mailbox using the SMTP AUTH client submission protocol.",
        "Access to sending emails from your mailbox.", "Allows the app to send emails on your behalf from your mailbox."),
];

/// `appRoles` JSON for a service principal.
pub fn app_roles_json(roles: &[Role]) -> Vec<Value> {
    roles
        .iter()
        .map(|r| {
            json!({
                "allowedMemberTypes": ["Application"],
                "description": r.description,
                "displayName": r.display,
                "id": r.id,
                "isEnabled": true,
                "origin": "Application",
                "value": r.value,
            })
        })
        .collect()
}

/// `oauth2PermissionScopes` JSON for a service principal.
pub fn scopes_json(scopes: &[Scope]) -> Vec<Value> {
    scopes
        .iter()
        .map(|s| {
            json!({
                "adminConsentDescription": s.admin_description,
                "adminConsentDisplayName": s.admin_display,
                "id": s.id,
                "isEnabled": true,
                "type": if s.admin { "Admin" } else { "User" },
                "userConsentDescription": s.user_description,
                "userConsentDisplayName": s.user_display,
                "value": s.value,
            })
        })
        .collect()
}

/// Is `resource` (a scope prefix such as `https://graph.microsoft.com`) one of Graph's names?
pub fn is_graph_resource(resource: &str, base_no_slash: &str) -> bool {
    let r = resource.trim_end_matches('/');
    r.eq_ignore_ascii_case(GRAPH_RESOURCE)
        || r.eq_ignore_ascii_case(GRAPH_APP_ID)
        || r.eq_ignore_ascii_case(base_no_slash)
        || r.eq_ignore_ascii_case("https://canary.graph.microsoft.com")
}
