//! Every field each vendor manual (shared/seeds) asks the admin to enter in the product, written
//! down from the manuals themselves: the product's label, where exowiz takes the value from, the
//! manual's line, and the value on the demo tenant (Contoso Ltd, contoso.com) with the arguments
//! below. The profiles must list exactly these (`product_fields`), and every output must carry
//! each.

#![allow(dead_code)]

/// The mailbox the table's registrations name (it exists on the demo tenant).
pub const MAILBOX: &str = "fax-transfer@contoso.com";

/// What a field's value must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    TenantId,
    ClientId,
    Secret,
    Text(&'static str),
}

#[derive(Debug, Clone, Copy)]
pub struct ManualField {
    pub label: &'static str,
    pub source: &'static str,
    pub line: u32,
    pub expect: Expect,
}

const fn f(label: &'static str, source: &'static str, line: u32, expect: Expect) -> ManualField {
    ManualField {
        label,
        source,
        line,
        expect,
    }
}

/// One profile's row: (profile, register's extra arguments, the manual's fields in its order,
/// the next steps' manual lines).
pub type Row = (&'static str, Vec<&'static str>, Vec<ManualField>, Vec<u32>);

pub fn table() -> Vec<Row> {
    use Expect::*;
    vec![
        (
            "officemaster",
            vec!["--mailbox", MAILBOX, "--domain", "fax=fax.contoso"],
            vec![
                f("Tenant Id", "tenant_id", 296, TenantId),
                f("Client Id", "client_id", 300, ClientId),
                f("Client Secret", "client_secret", 304, Secret),
                f("Transferpostfach", "mailbox", 174, Text(MAILBOX)),
                // Given on the command line, and the manual's shorter default (line 175).
                f(
                    "Transferdomäne fax",
                    "transfer_domain",
                    175,
                    Text("fax.contoso"),
                ),
                f(
                    "Transferdomäne sms",
                    "transfer_domain",
                    175,
                    Text("sms.contoso"),
                ),
                f(
                    "Transferdomäne vox",
                    "transfer_domain",
                    176,
                    Text("vox.contoso"),
                ),
            ],
            vec![],
        ),
        (
            "myfactory",
            vec!["--mailbox", MAILBOX],
            vec![
                f(
                    "E-Mail-Adresse für Exchange-Server",
                    "mailbox",
                    9,
                    Text(MAILBOX),
                ),
                f("Verzeichnis-ID (Mandant)", "tenant_id", 13, TenantId),
                f("Anwendungs-ID (Client)", "client_id", 13, ClientId),
                f("Clientschlüssel", "client_secret", 80, Secret),
                f("Version", "fixed", 102, Text("Exchange2013")),
                f(
                    "URL zu Exchange EWS-Webservice",
                    "fixed",
                    126,
                    Text("https://outlook.office365.com/EWS/Exchange.asmx"),
                ),
            ],
            vec![114],
        ),
        (
            "flowfact",
            vec!["--mailbox", MAILBOX],
            vec![
                f(
                    "Posteingang: Server",
                    "fixed",
                    358,
                    Text("outlook.office365.com"),
                ),
                f("Posteingang: Login", "mailbox", 359, Text(MAILBOX)),
                f(
                    "Posteingang: Verschlüsselung",
                    "fixed",
                    360,
                    Text("OAuth TLS (auto)"),
                ),
                f(
                    "Postausgang: Server",
                    "fixed",
                    364,
                    Text("smtp.office365.com"),
                ),
                f(
                    "Postausgang: Verschlüsselung",
                    "fixed",
                    366,
                    Text("OAuth TLS (auto)"),
                ),
                f("StandardKontenBelegung", "fixed", 394, Text("O365")),
                f("Tenant Id (Mandanten ID)", "tenant_id", 394, TenantId),
                f("Client ID", "client_id", 394, ClientId),
                f("ClientSecret", "client_secret", 394, Secret),
            ],
            vec![394, 409, 596],
        ),
        (
            "moveit",
            vec!["--mailbox", MAILBOX],
            vec![
                f(
                    "Kontotyp",
                    "fixed",
                    108,
                    Text("Exchange Online (Mit geheimen Clientschlüssel)"),
                ),
                f("Sender-Adresse", "mailbox", 110, Text(MAILBOX)),
                f("E-Mail-Adresse", "mailbox", 110, Text(MAILBOX)),
                f("Anwendungs-ID (Client)", "client_id", 115, ClientId),
                f("Verzeichnis-ID (Mandant)", "tenant_id", 115, TenantId),
                f("Geheimer Clientschlüssel", "client_secret", 117, Secret),
            ],
            vec![119],
        ),
        (
            "bueroware",
            vec![],
            vec![
                f("Client-ID", "client_id", 19, ClientId),
                // The tenant's verified default domain (Graph /organization).
                f(
                    "Domain / Bezeichnung",
                    "mail_domain",
                    20,
                    Text("contoso.com"),
                ),
                f("Geheimer Schlüssel", "client_secret", 25, Secret),
            ],
            vec![],
        ),
    ]
}
