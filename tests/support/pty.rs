//! Running the real exowiz binary in a pseudo-terminal: spawn it, read the screen it draws (a
//! vt100 emulator keeps the screen), type keys, wait for text, and count the bytes it writes.
//!
//! ```ignore
//! let data = tempfile::tempdir().unwrap();
//! let mut pty = Pty::exowiz(&["demo"], data.path());
//! pty.wait_for_text("Welcome", Duration::from_secs(20)).unwrap();
//! pty.send_key(Key::Down);
//! pty.send_key(Key::Enter);
//! pty.wait_for_text("Contoso Ltd", Duration::from_secs(20)).unwrap();
//! pty.send_key(Key::CtrlC);
//! assert_eq!(pty.wait_exit(Duration::from_secs(10)).unwrap().exit_code(), 0);
//! ```
#![allow(dead_code)]

use portable_pty::{Child, CommandBuilder, ExitStatus, MasterPty, PtySize, native_pty_system};
use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::{AsRawFd, BorrowedFd};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Screen size the tests use unless they say otherwise.
pub const ROWS: u16 = 30;
pub const COLS: u16 = 100;

/// A key as a terminal sends it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Enter,
    Esc,
    Tab,
    BackTab,
    Backspace,
    Up,
    Down,
    Left,
    Right,
    CtrlC,
    /// Ctrl plus a letter.
    Ctrl(char),
    Char(char),
}

impl Key {
    /// The bytes an xterm-compatible terminal sends for the key.
    pub fn bytes(self) -> Vec<u8> {
        match self {
            Key::Enter => b"\r".to_vec(),
            Key::Esc => b"\x1b".to_vec(),
            Key::Tab => b"\t".to_vec(),
            Key::BackTab => b"\x1b[Z".to_vec(),
            Key::Backspace => b"\x7f".to_vec(),
            Key::Up => b"\x1b[A".to_vec(),
            Key::Down => b"\x1b[B".to_vec(),
            Key::Right => b"\x1b[C".to_vec(),
            Key::Left => b"\x1b[D".to_vec(),
            Key::CtrlC => vec![0x03],
            Key::Ctrl(c) => vec![(c.to_ascii_lowercase() as u8) & 0x1f],
            Key::Char(c) => c.to_string().into_bytes(),
        }
    }
}

fn nonzero(n: u16) -> std::num::NonZeroU16 {
    std::num::NonZeroU16::new(n).expect("a terminal has at least one row and column")
}

/// What the reader thread collected.
struct Output {
    parser: vt100::Parser,
    raw: Vec<u8>,
    /// When the last byte arrived.
    last_byte: Instant,
    /// The child closed the terminal (exited).
    closed: bool,
}

struct SharedOutput {
    output: Mutex<Output>,
    changed: Condvar,
    /// Set by [`Pty::hang_up`]: the reader closes its descriptor of the terminal's master side.
    hang_up: AtomicBool,
}

/// A program running in a pseudo-terminal.
///
/// The test holds the master side through three descriptors (the master, a writer, the
/// reader thread's); [`Pty::hang_up`] closes all of them, which hangs the terminal up as a
/// closed terminal window does.
pub struct Pty {
    child: Box<dyn Child + Send + Sync>,
    writer: Option<File>,
    master: Option<Box<dyn MasterPty + Send>>,
    reader: Option<JoinHandle<()>>,
    shared: Arc<SharedOutput>,
    exit: Option<ExitStatus>,
}

/// Another descriptor of the master side. (Not portable-pty's `take_writer`: its writer types
/// a newline and Ctrl+D into the terminal when dropped.)
fn duplicate(master: &dyn MasterPty) -> File {
    let fd = master
        .as_raw_fd()
        .expect("a Unix pseudo-terminal has a descriptor");
    // SAFETY: the master is open for the duration of this borrow.
    let borrowed = unsafe { BorrowedFd::borrow_raw(fd) };
    File::from(
        borrowed
            .try_clone_to_owned()
            .expect("dup of the master side"),
    )
}

/// Whether `file` has something to read within `ms` milliseconds (or has hung up).
fn readable_within(file: &File, ms: i32) -> bool {
    let mut poll = libc::pollfd {
        fd: file.as_raw_fd(),
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: one valid pollfd for the duration of the call.
    let n = unsafe { libc::poll(&mut poll, 1, ms) };
    n > 0
}

impl Pty {
    /// Starts `program args` in a `rows`×`cols` terminal with the given environment added (and
    /// `remove` taken away) and `cwd` as working directory.
    pub fn spawn(
        program: &str,
        args: &[&str],
        env: &[(&str, &str)],
        remove: &[&str],
        cwd: &Path,
        rows: u16,
        cols: u16,
    ) -> Pty {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("a pseudo-terminal");
        let mut cmd = CommandBuilder::new(program);
        cmd.args(args);
        cmd.cwd(cwd);
        for name in remove {
            cmd.env_remove(name);
        }
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = pair.slave.spawn_command(cmd).expect("the program starts");
        // Only the child holds the terminal's slave side, so reading ends when it exits.
        drop(pair.slave);
        let mut reader = duplicate(&*pair.master);
        let writer = duplicate(&*pair.master);
        let shared = Arc::new(SharedOutput {
            output: Mutex::new(Output {
                parser: vt100::Parser::new(nonzero(rows), nonzero(cols), 0),
                raw: Vec::new(),
                last_byte: Instant::now(),
                closed: false,
            }),
            changed: Condvar::new(),
            hang_up: AtomicBool::new(false),
        });
        let sink = shared.clone();
        let reader = std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            loop {
                // Polls with a short timeout so a hang-up is noticed while the program is
                // quiet (a blocked read would keep the master open).
                if sink.hang_up.load(Ordering::SeqCst) {
                    let mut out = sink.output.lock().unwrap_or_else(|p| p.into_inner());
                    out.closed = true;
                    sink.changed.notify_all();
                    return;
                }
                if !readable_within(&reader, 50) {
                    continue;
                }
                let n = match reader.read(&mut buf) {
                    Ok(0) | Err(_) => 0,
                    Ok(n) => n,
                };
                let mut out = sink.output.lock().unwrap_or_else(|p| p.into_inner());
                if n == 0 {
                    out.closed = true;
                    sink.changed.notify_all();
                    return;
                }
                out.parser.process(&buf[..n]);
                out.raw.extend_from_slice(&buf[..n]);
                out.last_byte = Instant::now();
                sink.changed.notify_all();
            }
        });
        Pty {
            child,
            writer: Some(writer),
            master: Some(pair.master),
            reader: Some(reader),
            shared,
            exit: None,
        }
    }

    /// The exowiz binary of this build with `EXOWIZ_DATA_DIR=data_dir`, no browser, no
    /// display, no SSH, `TERM=xterm-256color`, in a 100×30 terminal.
    pub fn exowiz(args: &[&str], data_dir: &Path) -> Pty {
        Self::exowiz_with_env(args, data_dir, &[])
    }

    /// Same, with more environment variables (given later, so they win over the defaults:
    /// `("LANG", "de_DE.UTF-8")` replaces `LANG=C.UTF-8`). The machine's `LC_ALL` and
    /// `LC_MESSAGES` are removed, so the screens are English whatever the machine's locale.
    pub fn exowiz_with_env(args: &[&str], data_dir: &Path, env: &[(&str, &str)]) -> Pty {
        Self::exowiz_under(&[], args, data_dir, env)
    }

    /// Same, started by `wrapper` (a program and its arguments, the exowiz command line
    /// appended), e.g. a shell that stays the terminal's session leader.
    pub fn exowiz_under(
        wrapper: &[&str],
        args: &[&str],
        data_dir: &Path,
        env: &[(&str, &str)],
    ) -> Pty {
        let exowiz = env!("CARGO_BIN_EXE_exowiz");
        let mut command: Vec<&str> = wrapper.to_vec();
        command.push(exowiz);
        command.extend_from_slice(args);
        let dir = data_dir.to_str().expect("a UTF-8 temp path");
        let mut all = vec![
            ("EXOWIZ_DATA_DIR", dir),
            ("EXOWIZ_NO_BROWSER", "1"),
            ("TERM", "xterm-256color"),
            ("LANG", "C.UTF-8"),
        ];
        all.extend_from_slice(env);
        Self::spawn(
            command[0],
            &command[1..],
            &all,
            &[
                "DISPLAY",
                "WAYLAND_DISPLAY",
                "SSH_CONNECTION",
                "SSH_TTY",
                "EXOWIZ_ACCESS_TOKEN",
                "EXOWIZ_LOGIN_URL",
                "EXOWIZ_GRAPH_URL",
                "EXOWIZ_LOG",
                "EXOWIZ_CLIPBOARD",
                "EXOWIZ_DEBUG_PANIC",
                "LC_ALL",
                "LC_MESSAGES",
            ],
            data_dir,
            ROWS,
            COLS,
        )
    }

    fn output(&self) -> MutexGuard<'_, Output> {
        self.shared.output.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Runs `f` on the current screen.
    pub fn screen<R>(&self, f: impl FnOnce(&vt100::Screen) -> R) -> R {
        f(self.output().parser.screen())
    }

    /// The screen's text, rows separated by newlines.
    pub fn screen_text(&self) -> String {
        self.screen(|s| s.contents())
    }

    /// Every byte the program wrote so far.
    pub fn raw_output(&self) -> Vec<u8> {
        self.output().raw.clone()
    }

    /// How many bytes the program wrote so far.
    pub fn bytes_written(&self) -> usize {
        self.output().raw.len()
    }

    /// Types raw bytes.
    pub fn send(&mut self, bytes: &[u8]) {
        let writer = self.writer.as_mut().expect("the terminal was not hung up");
        writer.write_all(bytes).expect("the terminal takes input");
        writer.flush().expect("the terminal takes input");
    }

    pub fn send_key(&mut self, key: Key) {
        self.send(&key.bytes());
    }

    /// Types text character by character (as one write).
    pub fn send_text(&mut self, text: &str) {
        self.send(text.as_bytes());
    }

    /// A bracketed paste.
    pub fn paste(&mut self, text: &str) {
        self.send(format!("\x1b[200~{text}\x1b[201~").as_bytes());
    }

    /// Resizes the terminal (the program gets SIGWINCH).
    /// The parser takes the new size first, under its lock: output the program writes for the
    /// new size is never read into the old one (which would scramble the screen).
    pub fn resize(&mut self, rows: u16, cols: u16) {
        let mut out = self.shared.output.lock().unwrap_or_else(|p| p.into_inner());
        out.parser.set_size(nonzero(rows), nonzero(cols));
        self.master
            .as_ref()
            .expect("the terminal was not hung up")
            .resize(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("resize");
        drop(out);
    }

    /// Waits until `done(screen)` holds; false on timeout.
    pub fn wait_until(&self, timeout: Duration, done: impl Fn(&vt100::Screen) -> bool) -> bool {
        let deadline = Instant::now() + timeout;
        let mut out = self.output();
        loop {
            if done(out.parser.screen()) {
                return true;
            }
            let now = Instant::now();
            if now >= deadline || out.closed {
                return done(out.parser.screen());
            }
            out = self
                .shared
                .changed
                .wait_timeout(out, deadline - now)
                .unwrap_or_else(|p| p.into_inner())
                .0;
        }
    }

    /// Waits until `text` is on the screen; the error shows the screen.
    pub fn wait_for_text(&self, text: &str, timeout: Duration) -> Result<(), String> {
        if self.wait_until(timeout, |s| s.contents().contains(text)) {
            Ok(())
        } else {
            Err(format!(
                "'{text}' did not appear within {timeout:?}. Screen:\n{}",
                self.screen_text()
            ))
        }
    }

    /// Waits until the program has written nothing for `quiet`; false if that does not happen
    /// within `timeout`.
    pub fn wait_quiet(&self, quiet: Duration, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        loop {
            let since = self.output().last_byte.elapsed();
            if since >= quiet {
                return true;
            }
            let now = Instant::now();
            if now >= deadline {
                return false;
            }
            std::thread::sleep((quiet - since).min(deadline - now));
        }
    }

    /// Waits for the program to exit and for its last output to be read.
    pub fn wait_exit(&mut self, timeout: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + timeout;
        while self.exit.is_none() {
            match self.child.try_wait() {
                Ok(Some(status)) => self.exit = Some(status),
                Ok(None) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(20))
                }
                _ => return None,
            }
        }
        // The reader sees the end once the last bytes are through.
        let left = deadline.saturating_duration_since(Instant::now()) + Duration::from_secs(2);
        let mut out = self.output();
        let until = Instant::now() + left;
        while !out.closed && Instant::now() < until {
            out = self
                .shared
                .changed
                .wait_timeout(out, Duration::from_millis(50))
                .unwrap_or_else(|p| p.into_inner())
                .0;
        }
        drop(out);
        self.exit.clone()
    }

    /// Closes the terminal's master side, as closing a terminal window does: the program's
    /// terminal hangs up (reads return end-of-file; the session leader gets SIGHUP). The output
    /// read so far stays available.
    pub fn hang_up(&mut self) {
        self.shared.hang_up.store(true, Ordering::SeqCst);
        if let Some(reader) = self.reader.take() {
            let _ = reader.join();
        }
        self.writer = None;
        self.master = None;
    }

    /// The child's process ID.
    pub fn pid(&self) -> u32 {
        self.child.process_id().expect("a running child")
    }
}

impl Drop for Pty {
    fn drop(&mut self) {
        if self.exit.is_none() && matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
