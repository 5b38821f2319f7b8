//! The HTML pages a browser sees: sign-in, device code entry, admin consent, results.
//! Deliberately simple and clearly labelled as the exowiz demo tenant.

use super::super::shared::Shared;
use super::super::util::html_escape as esc;

const STYLE: &str = r#"
body{font-family:"Segoe UI",system-ui,-apple-system,sans-serif;background:#f2f2f2;margin:0;color:#1b1b1b}
.banner{background:#5c2d91;color:#fff;padding:.5em 1em;font-size:.9em}
.card{background:#fff;max-width:30em;margin:3em auto;padding:2em 2.5em;box-shadow:0 2px 6px rgba(0,0,0,.2)}
h1{font-size:1.5em;font-weight:600;margin-top:0}
input[type=text]{width:100%;box-sizing:border-box;padding:.5em;font-size:1em;border:0;border-bottom:1px solid #666;margin:.3em 0 1em}
button{padding:.5em 1.5em;font-size:1em;border:0;margin-right:.5em;cursor:pointer}
button.primary{background:#0067b8;color:#fff}
button.secondary{background:#ccc}
.error{color:#e81123;margin:.5em 0}
table{border-collapse:collapse;width:100%;font-size:.9em}
td,th{text-align:left;padding:.3em;border-bottom:1px solid #ddd;vertical-align:top}
.muted{color:#666;font-size:.85em}
code{background:#eee;padding:0 .2em}
"#;

/// A full page with the demo-tenant banner.
pub fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{t} – exowiz demo tenant</title><style>{STYLE}</style></head><body><div class=\"banner\">exowiz demo tenant – Contoso Ltd (emulated, not Microsoft)</div><div class=\"card\"><h1>{t}</h1>{body}</div></body></html>",
        t = esc(title)
    )
}

pub fn message(title: &str, text: &str) -> String {
    page(title, &format!("<p>{}</p>", esc(text)))
}

fn error_html(error: Option<&str>) -> String {
    error
        .map(|e| format!("<p class=\"error\">{}</p>", esc(e)))
        .unwrap_or_default()
}

fn hidden(name: &str, value: &str) -> String {
    format!(
        "<input type=\"hidden\" name=\"{}\" value=\"{}\">",
        esc(name),
        esc(value)
    )
}

/// Sign-in page for the authorization code flow.
pub fn sign_in(
    action: &str,
    request: &str,
    client_name: &str,
    account: &str,
    permissions: &[String],
    error: Option<&str>,
) -> String {
    let perms: String = permissions
        .iter()
        .map(|p| format!("<li>{}</li>", esc(p)))
        .collect();
    page(
        "Sign in",
        &format!(
            "<p><b>{app}</b> wants to sign you in.</p>{err}<form method=\"post\" action=\"{action}\">{req}<label>Account<input type=\"text\" name=\"account\" value=\"{acc}\"></label><p class=\"muted\">It asks for:</p><ul class=\"muted\">{perms}</ul><button class=\"primary\" name=\"action\" value=\"accept\">Accept</button><button class=\"secondary\" name=\"action\" value=\"cancel\">Cancel</button></form>",
            app = esc(client_name),
            err = error_html(error),
            action = esc(action),
            req = hidden("request", request),
            acc = esc(account),
        ),
    )
}

/// Device code entry page.
pub fn device_entry(code: &str, account: &str, error: Option<&str>) -> String {
    page(
        "Enter code",
        &format!(
            "<p>Enter the code displayed on your app or device.</p>{err}<form method=\"post\" action=\"/devicelogin\">{step}<label>Code<input type=\"text\" name=\"otc\" value=\"{code}\" autofocus autocomplete=\"off\"></label><label>Account<input type=\"text\" name=\"account\" value=\"{acc}\"></label><button class=\"primary\" name=\"action\" value=\"next\">Next</button></form>",
            err = error_html(error),
            step = hidden("step", "lookup"),
            code = esc(code),
            acc = esc(account),
        ),
    )
}

/// "Are you trying to sign in to …?" confirmation of a device code.
pub fn device_confirm(code: &str, account: &str, client_name: &str, scope: &str) -> String {
    page(
        "Are you trying to sign in?",
        &format!(
            "<p>Only continue if you downloaded the app from a store or website that you trust.</p><p>Application: <b>{app}</b><br>Account: <b>{acc}</b><br><span class=\"muted\">Scopes: {scope}</span></p><form method=\"post\" action=\"/devicelogin\">{step}{code}{account}<button class=\"primary\" name=\"action\" value=\"approve\">Continue</button><button class=\"secondary\" name=\"action\" value=\"decline\">Cancel</button></form>",
            app = esc(client_name),
            acc = esc(account),
            scope = esc(scope),
            step = hidden("step", "confirm"),
            code = hidden("otc", code),
            account = hidden("account", account),
        ),
    )
}

/// One line of the admin consent page.
pub struct ConsentLine {
    pub resource: String,
    pub value: String,
    pub kind: &'static str,
    pub description: String,
}

/// Admin consent page listing the permissions of the registration.
pub fn consent(
    action: &str,
    request: &str,
    app_name: &str,
    account: &str,
    lines: &[ConsentLine],
    error: Option<&str>,
) -> String {
    let rows: String = if lines.is_empty() {
        "<tr><td colspan=\"3\">This application does not request any permissions.</td></tr>".into()
    } else {
        lines
            .iter()
            .map(|l| {
                format!(
                    "<tr><td>{}</td><td><b>{}</b><br><span class=\"muted\">{}</span></td><td>{}</td></tr>",
                    esc(&l.resource),
                    esc(&l.value),
                    esc(&l.description),
                    l.kind
                )
            })
            .collect()
    };
    page(
        "Permissions requested",
        &format!(
            "<p><b>{app}</b> asks for these permissions for the whole organisation <b>Contoso Ltd</b>. Accepting grants them for all users (admin consent).</p>{err}<table><tr><th>API</th><th>Permission</th><th>Type</th></tr>{rows}</table><form method=\"post\" action=\"{action}\">{req}<label>Administrator account<input type=\"text\" name=\"account\" value=\"{acc}\"></label><button class=\"primary\" name=\"action\" value=\"accept\">Accept</button><button class=\"secondary\" name=\"action\" value=\"cancel\">Cancel</button></form>",
            app = esc(app_name),
            err = error_html(error),
            action = esc(action),
            req = hidden("request", request),
            acc = esc(account),
        ),
    )
}

/// `response_mode=form_post`: an auto-submitting form.
pub fn form_post(redirect_uri: &str, params: &[(String, String)]) -> String {
    let inputs: String = params.iter().map(|(k, v)| hidden(k, v)).collect();
    format!(
        "<!DOCTYPE html><html><head><title>Working...</title></head><body onload=\"document.forms[0].submit()\"><form method=\"POST\" action=\"{}\">{inputs}<noscript><button>Continue</button></noscript></form></body></html>",
        esc(redirect_uri)
    )
}

/// Overview at the base URL.
pub fn landing(shared: &Shared) -> String {
    let (tid, users) = shared.read(|t| {
        (
            t.tenant_id.clone(),
            t.users
                .iter()
                .map(|u| {
                    format!(
                        "<tr><td><code>{}</code></td><td>{}</td></tr>",
                        esc(u.upn()),
                        esc(u.directory_role.label())
                    )
                })
                .collect::<String>(),
        )
    });
    let base = shared.login_base().as_str();
    page(
        "Contoso Ltd",
        &format!(
            "<p>Tenant id <code>{tid}</code>. This server answers like <code>login.microsoftonline.com</code> and <code>graph.microsoft.com/v1.0</code> under <code>{b}</code>.</p><p>Device code sign-in: <a href=\"/devicelogin\">{b}devicelogin</a></p><table><tr><th>User</th><th>Role</th></tr>{users}</table><p class=\"muted\">Control: <code>GET /_emulator/requests</code>, <code>POST /_emulator/throttle</code>, <code>GET /_emulator/state</code></p>",
            tid = esc(&tid),
            b = esc(base),
        ),
    )
}
