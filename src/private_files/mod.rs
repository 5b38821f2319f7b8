//! Owner-only files and folders (issue 14.10). The data folder names tenants, apps and
//! mailboxes, and the log holds tenant and client IDs: nobody else on the machine reads them.
//! A folder or file made earlier with wider modes (a umask of 022, an older exowiz) is narrowed
//! when exowiz next writes there.
//!
//! On Unix the mode bits (0700, 0600); on Windows a protected DACL with one entry, the current
//! user's (see `owner_only_acl`): the folder's entry is inherited by the files made in it.

#[cfg(windows)]
mod owner_only_acl;
#[cfg(all(test, windows))]
pub(crate) use owner_only_acl::tests::assert_owner_only;

use std::io;
use std::path::Path;

/// Creates `dir` (and its parents) if needed and makes `dir` itself owner-only (0700).
pub fn ensure_private_dir(dir: &Path) -> io::Result<()> {
    std::fs::create_dir_all(dir)?;
    restrict(dir, Kind::Folder)
}

/// Makes an existing file owner-only (0600).
pub fn restrict_file(path: &Path) -> io::Result<()> {
    restrict(path, Kind::File)
}

/// What is made owner-only: a folder's access is inherited by what is created in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Folder,
    File,
}

/// Options that create a file owner-only (0600); an existing file keeps its mode, so callers
/// that may meet one call [`restrict_file`] after opening.
pub fn private_open_options() -> std::fs::OpenOptions {
    #[allow(unused_mut)]
    let mut options = std::fs::OpenOptions::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options
}

#[cfg(unix)]
fn restrict(path: &Path, kind: Kind) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let mode = match kind {
        Kind::Folder => 0o700,
        Kind::File => 0o600,
    };
    let current = std::fs::metadata(path)?.permissions().mode() & 0o777;
    if current == mode {
        return Ok(());
    }
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
}

#[cfg(windows)]
fn restrict(path: &Path, kind: Kind) -> io::Result<()> {
    owner_only_acl::set_owner_only(path, kind == Kind::Folder)
}

#[cfg(not(any(unix, windows)))]
fn restrict(_path: &Path, _kind: Kind) -> io::Result<()> {
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(p: &Path) -> u32 {
        std::fs::metadata(p).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn a_wide_folder_and_file_are_narrowed() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("a/b");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        ensure_private_dir(&dir).unwrap();
        assert_eq!(mode(&dir), 0o700);
        let file = dir.join("f");
        std::fs::write(&file, b"x").unwrap();
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        restrict_file(&file).unwrap();
        assert_eq!(mode(&file), 0o600);
        let new = dir.join("g");
        private_open_options()
            .write(true)
            .create_new(true)
            .open(&new)
            .unwrap();
        assert_eq!(mode(&new), 0o600);
    }
}
