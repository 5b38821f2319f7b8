//! Issue 14.6: Graph's `Retry-After` never becomes a silent long wait. The demo tenant answers
//! 429 with a `Retry-After` (Microsoft's throttling answer, see
//! https://learn.microsoft.com/en-us/graph/throttling: "a Retry-After header … the number of
//! seconds to wait"). Beyond a minute exowiz ends the job with a sentence naming the wait;
//! shorter waits are announced on stderr with what is waited for; Ctrl+C during a wait ends
//! exowiz at once.

use crate::support;

use support::*;

fn register_args() -> Vec<&'static str> {
    vec![
        "register",
        "--profile",
        "bueroware",
        "--grant-consent",
        "--json",
    ]
}

#[tokio::test(flavor = "multi_thread")]
async fn a_retry_after_of_100000_seconds_ends_the_job_with_a_sentence_instead_of_waiting() {
    let emu = emulator(quick_config()).await;
    let data = tempfile::tempdir().unwrap();
    emu.throttle_next(1, 429, Some(100_000));
    let out = exowiz(
        &emu,
        data.path(),
        Some(&admin_token(&emu)),
        &register_args(),
    )
    .await;
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(4), "{err}");
    assert!(
        err.contains("Microsoft Graph asked exowiz to wait 28 h before trying again while"),
        "{err}"
    );
    assert!(err.contains("Try again later."), "{err}");
    let throttled = emu.requests().iter().filter(|r| r.status == 429).count();
    assert_eq!(throttled, 1, "asked once, then stopped");
    assert!(
        !emu.requests()
            .iter()
            .any(|r| r.method == "POST" && r.path_and_query.contains("applications")),
        "nothing was created after the refusal"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_short_retry_after_is_waited_out_and_announced_on_stderr() {
    let emu = emulator(quick_config()).await;
    let data = tempfile::tempdir().unwrap();
    emu.throttle_next(1, 429, Some(2));
    let out = exowiz(
        &emu,
        data.path(),
        Some(&admin_token(&emu)),
        &register_args(),
    )
    .await;
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    let line = err
        .lines()
        .find(|l| l.starts_with("Microsoft Graph asked exowiz to wait; trying again in 2 s while "))
        .unwrap_or_else(|| panic!("no waiting line: {err}"));
    assert!(line.ends_with("(Ctrl+C stops)."), "{line}");
    assert_eq!(
        err.matches("Microsoft Graph asked exowiz to wait;").count(),
        1,
        "into a pipe the wait is announced once, not every second: {err}"
    );
    assert_eq!(emu.requests().iter().filter(|r| r.status == 429).count(), 1);
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread")]
async fn ctrl_c_during_a_wait_ends_exowiz_at_once() {
    use std::os::unix::process::ExitStatusExt;
    use std::process::Stdio;
    use tokio::io::AsyncBufReadExt;
    let emu = emulator(quick_config()).await;
    let data = tempfile::tempdir().unwrap();
    emu.throttle_next(1, 429, Some(50));
    let base = emu.base_url().to_string();
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_exowiz"))
        .args(register_args())
        .env("EXOWIZ_LOGIN_URL", &base)
        .env("EXOWIZ_GRAPH_URL", &base)
        .env("EXOWIZ_DATA_DIR", data.path())
        .env("EXOWIZ_NO_BROWSER", "1")
        .env("EXOWIZ_ACCESS_TOKEN", admin_token(&emu))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = tokio::io::BufReader::new(child.stderr.take().unwrap()).lines();
    while let Some(line) = lines.next_line().await.unwrap() {
        if line.contains("trying again in 50 s") {
            break;
        }
    }
    let pid = child.id().unwrap().to_string();
    let sent = std::process::Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .unwrap();
    assert!(sent.success());
    let mut rest = Vec::new();
    while let Some(line) = lines.next_line().await.unwrap() {
        rest.push(line);
    }
    let status = child.wait().await.unwrap();
    let rest = rest.join("\n");
    // A sentence and exit code 130, not a silent death on the signal (issue 14.6).
    assert_eq!(
        (status.code(), status.signal()),
        (Some(130), None),
        "Ctrl+C ends exowiz with exit code 130: {status:?}; stderr: {rest}"
    );
    assert!(
        rest.contains(
            "Stopped by Ctrl+C. What was done so far is kept; run the same command again to continue."
        ),
        "{rest}"
    );
    assert!(!rest.contains("panic"), "{rest}");
    assert_eq!(emu.requests().iter().filter(|r| r.status == 429).count(), 1);
}
