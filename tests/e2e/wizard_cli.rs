//! The wizard's commands without a terminal.

use std::process::{Command, Stdio};

fn exowiz(args: &[&str], data: &std::path::Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_exowiz"))
        .args(args)
        .env("EXOWIZ_DATA_DIR", data)
        .env("EXOWIZ_NO_BROWSER", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .expect("exowiz runs")
}

#[test]
fn without_a_terminal_the_wizard_points_to_register() {
    let data = tempfile::tempdir().unwrap();
    for args in [
        &["wizard"][..],
        &[][..],
        &["demo"][..],
        &["--lang", "de"][..],
    ] {
        let out = exowiz(args, data.path());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains("exowiz register"), "{args:?}: {stderr}");
        assert!(stderr.contains("terminal"), "{args:?}: {stderr}");
        assert!(out.stdout.is_empty(), "nothing on stdout");
    }
    // The demo tenant did not start.
    assert!(!data.path().join("demo-tenant.json").exists());
}

#[test]
fn wizard_flags_are_accepted() {
    let data = tempfile::tempdir().unwrap();
    let out = exowiz(
        &[
            "demo",
            "--reset",
            "--lang",
            "de",
            "--clear-clipboard-after",
            "0",
        ],
        data.path(),
    );
    // Parsed fine; stops only because there is no terminal. Exit code 2 is also clap's usage
    // error, so the sentence decides: the one about the terminal, not a usage message.
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("terminal") && stderr.contains("exowiz register"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("Usage:") && !stderr.contains("error:"),
        "a usage error, not the terminal sentence: {stderr}"
    );
    let out = exowiz(&["wizard", "--clear-clipboard-after", "soon"], data.path());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "clap's usage error");
    assert!(stderr.contains("--clear-clipboard-after"), "{stderr}");
    assert!(!stderr.contains("exowiz register"), "{stderr}");
}
