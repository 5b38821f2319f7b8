//! `--save-commands FILE.ps1` on `register`, `rotate` and `check`: the real binary against the
//! demo tenant writes ONE PowerShell script (UTF-8 with BOM, CRLF, Connect-ExchangeOnline first,
//! the IDs filled in, never a secret), owner-only, and never over an existing file unless
//! `--overwrite-commands` says so (checked before anything changes in the tenant).

use crate::support;

use std::path::Path;
use support::*;

const MAILBOX: &str = "fax-transfer@contoso.com";

/// The file as text after its BOM, and the BOM and CRLF checked.
fn script_text(path: &Path) -> String {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert_eq!(&bytes[..3], &[0xEF, 0xBB, 0xBF], "UTF-8 byte-order mark");
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    assert_eq!(
        text.matches('\n').count(),
        text.matches("\r\n").count(),
        "CRLF line ends only"
    );
    text
}

/// The first line that is not a comment or blank.
fn first_code_lines(text: &str) -> Vec<&str> {
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .take(2)
        .collect()
}

#[cfg(unix)]
fn assert_owner_only(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600, "{}", path.display());
}

#[cfg(not(unix))]
fn assert_owner_only(_: &Path) {}

#[tokio::test(flavor = "multi_thread")]
async fn register_rotate_and_check_save_one_script_without_a_secret() {
    let emu = emulator(quick_config()).await;
    let data = tempfile::tempdir().unwrap();
    let out_dir = tempfile::tempdir().unwrap();
    let token = admin_token(&emu);
    let file = out_dir.path().join("moveit.ps1");
    let file_arg = file.to_str().unwrap();

    let out = exowiz(
        &emu,
        data.path(),
        Some(&token),
        &[
            "register",
            "--profile",
            "moveit",
            "--mailbox",
            MAILBOX,
            "--grant-consent",
            "--json",
            "--save-commands",
            file_arg,
        ],
    )
    .await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json = stdout_json(&out);
    let client_id = json["client_id"].as_str().unwrap().to_string();
    let sp_id = json["service_principal_id"].as_str().unwrap();
    let secret = json["secret"]["value"].as_str().unwrap();
    assert_eq!(json["commands_saved_to"], file_arg, "{json}");
    let text = script_text(&file);
    assert_eq!(
        first_code_lines(&text),
        ["$ErrorActionPreference = 'Stop'", "Connect-ExchangeOnline"]
    );
    assert!(
        text.contains(&format!("-AppId '{client_id}' -ObjectId '{sp_id}'")),
        "{text}"
    );
    assert!(text.contains("-Role 'Application Mail.Send'"), "{text}");
    assert!(
        text.contains(&format!("PrimarySmtpAddress -eq '{MAILBOX}'")),
        "{text}"
    );
    assert!(!text.contains(secret), "never the secret");
    assert_owner_only(&file);

    // The same file again: refused before sign-in (exit 2), the file and the tenant unchanged.
    let before = std::fs::read(&file).unwrap();
    let requests = emu.requests().len();
    let again = exowiz(
        &emu,
        data.path(),
        Some(&token),
        &[
            "register",
            "--profile",
            "moveit",
            "--mailbox",
            MAILBOX,
            "--save-commands",
            file_arg,
        ],
    )
    .await;
    assert_eq!(again.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert!(
        stderr.contains("exists already") && stderr.contains("--overwrite-commands"),
        "{stderr}"
    );
    assert_eq!(std::fs::read(&file).unwrap(), before);
    assert_eq!(
        emu.requests().len(),
        requests,
        "nothing was asked of the tenant"
    );

    // rotate: the same commands for the app, the mailbox from the saved registration.
    let rotated = out_dir.path().join("rotate.ps1");
    let out = exowiz(
        &emu,
        data.path(),
        Some(&token),
        &[
            "rotate",
            "--app-id",
            &client_id,
            "--json",
            "--save-commands",
            rotated.to_str().unwrap(),
        ],
    )
    .await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json = stdout_json(&out);
    assert_eq!(
        json["commands_saved_to"],
        rotated.to_str().unwrap(),
        "{json}"
    );
    let text = script_text(&rotated);
    assert!(
        text.contains(&format!("PrimarySmtpAddress -eq '{MAILBOX}'")),
        "{text}"
    );
    assert!(text.contains(&format!("-ObjectId '{sp_id}'")), "{text}");
    let new_secret = json["secret"]["value"].as_str().unwrap();
    assert!(!text.contains(new_secret), "never the new secret");
    assert_owner_only(&rotated);

    // check (text), replacing the file register wrote, as asked.
    let out = exowiz(
        &emu,
        data.path(),
        Some(&token),
        &[
            "check",
            "--app-id",
            &client_id,
            "--save-commands",
            file_arg,
            "--overwrite-commands",
        ],
    )
    .await;
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains(&format!("Exchange Online commands saved to {file_arg}")),
        "says where: {stdout}"
    );
    let text = script_text(&file);
    assert!(
        text.contains("Test-ServicePrincipalAuthorization"),
        "{text}"
    );
    assert_owner_only(&file);
}

/// A name without .ps1, or in a directory that does not exist: a clear sentence, exit 2, and
/// nothing asked of the tenant.
#[tokio::test(flavor = "multi_thread")]
async fn a_bad_script_path_is_refused_before_anything_changes() {
    let emu = emulator(quick_config()).await;
    let data = tempfile::tempdir().unwrap();
    let out_dir = tempfile::tempdir().unwrap();
    let token = admin_token(&emu);
    let cases = [
        (out_dir.path().join("commands.txt"), "does not end in .ps1"),
        (
            out_dir.path().join("missing").join("commands.ps1"),
            "does not exist",
        ),
    ];
    for (path, why) in cases {
        for job in [
            vec!["register", "--profile", "bueroware"],
            vec!["rotate", "--app-id", "5d3f9a27-1c4e-4b8d-a6f2-8e0b3c7d1a95"],
            vec!["check", "--app-id", "5d3f9a27-1c4e-4b8d-a6f2-8e0b3c7d1a95"],
        ] {
            let mut args = job.clone();
            args.extend(["--save-commands", path.to_str().unwrap()]);
            let out = exowiz(&emu, data.path(), Some(&token), &args).await;
            assert_eq!(out.status.code(), Some(2), "{args:?}");
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(stderr.contains(why), "{args:?}: {stderr}");
            assert!(!path.exists());
        }
    }
    assert!(emu.requests().is_empty(), "{:?}", emu.requests().len());
}

/// A product without Exchange commands: nothing is written, and the output says so.
#[tokio::test(flavor = "multi_thread")]
async fn without_exchange_commands_no_file_is_written() {
    let emu = emulator(quick_config()).await;
    let data = tempfile::tempdir().unwrap();
    let out_dir = tempfile::tempdir().unwrap();
    let token = admin_token(&emu);
    let file = out_dir.path().join("custom.ps1");
    let out = exowiz(
        &emu,
        data.path(),
        Some(&token),
        &[
            "register",
            "--profile",
            "custom",
            "--permission",
            "graph:User.Read:delegated",
            "--save-commands",
            file.to_str().unwrap(),
        ],
    )
    .await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!file.exists());
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(all.contains("No Exchange Online commands"), "{all}");
}
