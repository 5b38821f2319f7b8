//! Owner-only state file (issue 14.10): the saved tenant names the demo apps and users.
//!
//! exowiz has the same few lines in `store::private`; the demo tenant keeps its own copy on
//! purpose. It is the other side of the wire and must not depend on the product's code (so a
//! change there cannot change how the tenant behaves, and the tenant builds alone).

use std::io;
use std::path::Path;

/// Options that create a file owner-only (0600); an existing file keeps its mode, so
/// [`restrict`] follows the open.
pub fn open_options() -> std::fs::OpenOptions {
    #[allow(unused_mut)]
    let mut options = std::fs::OpenOptions::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options
}

/// Makes an existing file owner-only (0600).
#[cfg(unix)]
pub fn restrict(path: &Path) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
}

/// Unix mode bits only; on Windows the file inherits the ACL of its folder.
#[cfg(not(unix))]
pub fn restrict(_path: &Path) -> io::Result<()> {
    Ok(())
}
