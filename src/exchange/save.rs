//! Writing the script to a file: owner-only where the OS allows (it names the tenant's apps),
//! and never over a file that is there unless the admin asked for it.

use crate::i18n::tf;
use std::io;
use std::path::{Path, PathBuf};

/// Why a path cannot take the script ([`check_target`]), naming the path (and the directory
/// that is missing); the `Display` is the sentence shown.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BadTarget {
    /// Not a `.ps1` file name.
    #[error("{}", tf("exchange_save.not_ps1", &[("path", &path.display().to_string())]))]
    NotPs1 { path: PathBuf },
    #[error("{}", tf("exchange_save.is_directory", &[("path", &path.display().to_string())]))]
    IsDirectory { path: PathBuf },
    /// The directory to write in does not exist.
    #[error("{}", tf("exchange_save.no_directory", &[("path", &path.display().to_string()), ("dir", &dir.display().to_string())]))]
    NoDirectory { path: PathBuf, dir: PathBuf },
    /// A file is there and overwriting was not asked for.
    #[error("{}", tf("exchange_save.exists", &[("path", &path.display().to_string())]))]
    Exists { path: PathBuf },
}

/// What `--save-commands` may write to: a `.ps1` file (Windows PowerShell runs scripts by that
/// extension only) in a directory that exists, not there yet unless `overwrite`. Checked before
/// anything changes in the tenant.
pub fn check_target(path: &Path, overwrite: bool) -> Result<(), BadTarget> {
    let is_ps1 = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("ps1"));
    let path_buf = || path.to_path_buf();
    if !is_ps1 {
        return Err(BadTarget::NotPs1 { path: path_buf() });
    }
    if path.is_dir() {
        return Err(BadTarget::IsDirectory { path: path_buf() });
    }
    let parent = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if !parent.is_dir() {
        return Err(BadTarget::NoDirectory {
            path: path_buf(),
            dir: parent.to_path_buf(),
        });
    }
    if path.exists() && !overwrite {
        return Err(BadTarget::Exists { path: path_buf() });
    }
    Ok(())
}

/// Writes `bytes` to `path`: a new file, or (with `overwrite`) a replacement made beside it and
/// renamed over it, so an interrupted write never leaves half a script.
pub fn write(path: &Path, bytes: &[u8], overwrite: bool) -> io::Result<()> {
    if !overwrite {
        return write_new(path, bytes);
    }
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".exowiz-tmp");
    let tmp = PathBuf::from(tmp);
    let _ = std::fs::remove_file(&tmp);
    write_new(&tmp, bytes)?;
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

/// Saves `bytes` in `dir` as `<stem>.ps1`, or `<stem>-2.ps1`, `-3`, … when taken: never over
/// an existing file. Returns the path written.
pub fn write_in_dir(dir: &Path, stem: &str, bytes: &[u8]) -> io::Result<PathBuf> {
    for n in 1..=99 {
        let name = if n == 1 {
            format!("{stem}.ps1")
        } else {
            format!("{stem}-{n}.ps1")
        };
        let path = dir.join(name);
        match write_new(&path, bytes) {
            Ok(()) => return Ok(path),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::new(
        io::ErrorKind::AlreadyExists,
        format!("{stem}.ps1 to {stem}-99.ps1 exist already"),
    ))
}

/// A new file only (`create_new`: fails when one is there, with no window between a check and
/// the write), readable by its owner only: created 0600 on Unix; on Windows given the
/// owner-only DACL before the first byte is written (the admin's folder may let others in).
fn write_new(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = crate::private_files::private_open_options()
        .write(true)
        .create_new(true)
        .open(path)?;
    #[cfg(windows)]
    if let Err(e) = crate::private_files::restrict_file(path) {
        drop(file);
        let _ = std::fs::remove_file(path);
        return Err(e);
    }
    io::Write::write_all(&mut file, bytes)?;
    file.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(windows)]
    #[test]
    fn a_saved_script_is_for_the_user_alone() {
        let root = tempfile::tempdir().unwrap();
        let script = root.path().join("exo.ps1");
        write(&script, b"x", false).unwrap();
        crate::private_files::assert_owner_only(&script);
        write(&script, b"y", true).unwrap();
        crate::private_files::assert_owner_only(&script);
    }

    #[test]
    fn the_target_must_be_a_new_ps1_file_in_a_directory_that_exists() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("exo.ps1");
        assert_eq!(check_target(&path, false), Ok(()));
        let txt = dir.path().join("exo.txt");
        assert_eq!(
            check_target(&txt, false),
            Err(BadTarget::NotPs1 { path: txt.clone() })
        );
        assert!(
            check_target(&txt, false)
                .unwrap_err()
                .to_string()
                .contains(".ps1")
        );
        let missing = dir.path().join("nowhere").join("exo.ps1");
        assert!(
            check_target(&missing, false)
                .unwrap_err()
                .to_string()
                .contains("does not exist")
        );
        std::fs::write(&path, b"mine").unwrap();
        let taken = check_target(&path, false).unwrap_err().to_string();
        assert!(taken.contains("--overwrite-commands"), "{taken}");
        assert_eq!(check_target(&path, true), Ok(()));
        assert!(check_target(dir.path(), true).is_err());
    }

    #[test]
    fn an_existing_file_is_kept_unless_overwriting_was_asked_for() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("exo.ps1");
        std::fs::write(&path, b"the admin's own").unwrap();
        let e = write(&path, b"new", false).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(std::fs::read(&path).unwrap(), b"the admin's own");
        write(&path, b"new", true).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"new");
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temp file left"
        );
    }

    #[cfg(unix)]
    #[test]
    fn the_file_is_for_its_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("exo.ps1");
        write(&path, b"x", false).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        write(&path, b"y", true).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "a replaced file too");
    }

    /// What Windows PowerShell 5.1 needs, checked on the file as saved (on every platform: the
    /// bytes must not depend on where exowiz ran): a UTF-8 byte-order mark, every line ended by
    /// CRLF, no bare CR or LF, and the non-ASCII words intact.
    #[test]
    fn the_saved_script_is_utf8_with_a_bom_and_crlf_on_disk() {
        let profile = crate::profile::by_id("moveit").unwrap();
        let app = "5d3f9a27-1c4e-4b8d-a6f2-8e0b3c7d1a95";
        let header = crate::exchange::ScriptHeader {
            product: "moveIT Grüße".into(),
            app_name: "moveIT".into(),
            client_id: app.into(),
            tenant_id: None,
        };
        let commands = crate::exchange::commands::for_profile(
            &profile,
            app,
            None,
            "moveIT",
            Some("fax-transfer@contoso.com"),
        );
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("moveit.ps1");
        write(
            &path,
            &crate::exchange::script_file(&header, &commands),
            false,
        )
        .unwrap();

        let bytes = std::fs::read(&path).unwrap();
        let body = bytes
            .strip_prefix(&[0xEF, 0xBB, 0xBF])
            .expect("a UTF-8 BOM");
        let text = std::str::from_utf8(body).expect("UTF-8");
        assert!(text.contains("Grüße"), "{text}");
        assert!(text.ends_with("\r\n"), "the last line ends in CRLF too");
        let lines: Vec<&str> = text.split_terminator("\r\n").collect();
        assert!(lines.len() > 3, "{text}");
        for line in lines {
            assert!(!line.contains(['\r', '\n']), "a bare CR or LF in {line:?}");
        }
    }

    #[test]
    fn a_name_in_a_directory_is_never_taken_twice() {
        let dir = tempfile::tempdir().unwrap();
        let first = write_in_dir(dir.path(), "exowiz-moveit", b"1").unwrap();
        let second = write_in_dir(dir.path(), "exowiz-moveit", b"2").unwrap();
        assert_eq!(first.file_name().unwrap(), "exowiz-moveit.ps1");
        assert_eq!(second.file_name().unwrap(), "exowiz-moveit-2.ps1");
        assert_eq!(std::fs::read(first).unwrap(), b"1");
    }
}
