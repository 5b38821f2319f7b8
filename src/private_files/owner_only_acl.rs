//! Windows: the owner-only access list of the files and folders exowiz saves (issue 12.2).
//!
//! Without it a file inherits the ACL of its folder: in the user's profile that is the user,
//! SYSTEM and the Administrators group; elsewhere (a `--save-commands` path on a shared drive)
//! it can be anyone. The DACL set here is *protected* (inherits nothing from the folder above)
//! and has one entry: full access for the user exowiz runs as. A folder's entry is inherited by
//! what is created in it later, so a record written into the data folder is owner-only from its
//! first byte.

use std::ffi::OsStr;
use std::io;
use std::os::windows::ffi::OsStrExt;
use std::path::Path;
use std::ptr;

use windows_sys::Win32::Foundation::{CloseHandle, HANDLE, LocalFree};
use windows_sys::Win32::Security::Authorization::{
    ConvertSidToStringSidW, ConvertStringSecurityDescriptorToSecurityDescriptorW, SDDL_REVISION_1,
};
use windows_sys::Win32::Security::{
    DACL_SECURITY_INFORMATION, GetTokenInformation, PROTECTED_DACL_SECURITY_INFORMATION,
    PSECURITY_DESCRIPTOR, SetFileSecurityW, TOKEN_QUERY, TOKEN_USER, TokenUser,
};
use windows_sys::Win32::System::Threading::{GetCurrentProcess, OpenProcessToken};

/// Gives `path` (a file, or with `folder` a folder whose entry new files and subfolders
/// inherit) a protected DACL that lets only the current user in.
pub fn set_owner_only(path: &Path, folder: bool) -> io::Result<()> {
    let sddl = owner_only_sddl(&current_user_sid()?, folder);
    let descriptor = SecurityDescriptor::from_sddl(&sddl)?;
    let wide_path = wide(path.as_os_str());
    // SAFETY: `wide_path` is NUL-terminated and outlives the call; the descriptor is a valid
    // self-relative descriptor that `descriptor` owns until it is dropped after the call.
    let ok = unsafe {
        SetFileSecurityW(
            wide_path.as_ptr(),
            DACL_SECURITY_INFORMATION | PROTECTED_DACL_SECURITY_INFORMATION,
            descriptor.0,
        )
    };
    if ok == 0 {
        let e = io::Error::last_os_error();
        if matches!(
            e.raw_os_error(),
            Some(NO_ACLS_INVALID_FUNCTION | NO_ACLS_NOT_SUPPORTED)
        ) {
            // FAT, exFAT and some network shares keep no access lists: nothing to narrow.
            tracing::warn!("{} keeps no access list: {e}", path.display());
            return Ok(());
        }
        return Err(e);
    }
    Ok(())
}

/// ERROR_INVALID_FUNCTION and ERROR_NOT_SUPPORTED: what SetFileSecurityW answers on a file
/// system without access lists.
const NO_ACLS_INVALID_FUNCTION: i32 = 1;
const NO_ACLS_NOT_SUPPORTED: i32 = 50;

/// The SDDL of the owner-only DACL: `P` protected, one allow entry with full file access
/// (`FA`) for `sid`; on a folder inherited by objects and containers (`OICI`).
pub fn owner_only_sddl(sid: &str, folder: bool) -> String {
    let inherit = if folder { "OICI" } else { "" };
    format!("D:P(A;{inherit};FA;;;{sid})")
}

/// The current user's SID as a string (`S-1-5-21-…`), from the process token.
pub fn current_user_sid() -> io::Result<String> {
    let token = ProcessToken::open()?;
    let mut needed = 0u32;
    // SAFETY: a size query (null buffer, length 0): it only writes `needed`.
    unsafe { GetTokenInformation(token.0, TokenUser, ptr::null_mut(), 0, &mut needed) };
    if needed == 0 {
        return Err(io::Error::last_os_error());
    }
    // u64 words: TOKEN_USER holds pointers and needs their alignment.
    let mut buffer = vec![0u64; (needed as usize).div_ceil(8)];
    // SAFETY: `buffer` has at least `needed` writable bytes, aligned for TOKEN_USER.
    let ok = unsafe {
        GetTokenInformation(
            token.0,
            TokenUser,
            buffer.as_mut_ptr().cast(),
            needed,
            &mut needed,
        )
    };
    if ok == 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: on success the buffer starts with a TOKEN_USER whose SID points into the buffer.
    let sid = unsafe { (*buffer.as_ptr().cast::<TOKEN_USER>()).User.Sid };
    let mut text = ptr::null_mut();
    // SAFETY: `sid` is valid while `buffer` lives; the string is freed below with LocalFree.
    if unsafe { ConvertSidToStringSidW(sid, &mut text) } == 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: `text` is a NUL-terminated UTF-16 string allocated by the call above.
    let string = unsafe {
        let len = (0..).take_while(|&i| *text.add(i) != 0).count();
        String::from_utf16_lossy(std::slice::from_raw_parts(text, len))
    };
    // SAFETY: allocated with LocalAlloc by ConvertSidToStringSidW, freed once.
    unsafe { LocalFree(text.cast()) };
    Ok(string)
}

/// The process token, closed when dropped.
struct ProcessToken(HANDLE);

impl ProcessToken {
    fn open() -> io::Result<Self> {
        let mut handle = ptr::null_mut();
        // SAFETY: the pseudo handle of the current process needs no closing; `handle` receives
        // a token handle that `Drop` closes.
        if unsafe { OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &mut handle) } == 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(Self(handle))
    }
}

impl Drop for ProcessToken {
    fn drop(&mut self) {
        // SAFETY: a handle opened by OpenProcessToken, closed once.
        unsafe { CloseHandle(self.0) };
    }
}

/// A security descriptor made from SDDL, freed when dropped.
struct SecurityDescriptor(PSECURITY_DESCRIPTOR);

impl SecurityDescriptor {
    fn from_sddl(sddl: &str) -> io::Result<Self> {
        let wide_sddl = wide(OsStr::new(sddl));
        let mut descriptor = ptr::null_mut();
        // SAFETY: `wide_sddl` is NUL-terminated; the descriptor it allocates is freed in Drop.
        let ok = unsafe {
            ConvertStringSecurityDescriptorToSecurityDescriptorW(
                wide_sddl.as_ptr(),
                SDDL_REVISION_1,
                &mut descriptor,
                ptr::null_mut(),
            )
        };
        if ok == 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(Self(descriptor))
    }
}

impl Drop for SecurityDescriptor {
    fn drop(&mut self) {
        // SAFETY: allocated with LocalAlloc by the SDDL conversion, freed once.
        unsafe { LocalFree(self.0) };
    }
}

fn wide(s: &OsStr) -> Vec<u16> {
    s.encode_wide().chain(std::iter::once(0)).collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use windows_sys::Win32::Foundation::GetLastError;
    use windows_sys::Win32::Security::{
        ACCESS_ALLOWED_ACE, ACE_HEADER, ACL, ACL_SIZE_INFORMATION, AclSizeInformation, GetAce,
        GetAclInformation, GetFileSecurityW, GetSecurityDescriptorControl,
        GetSecurityDescriptorDacl, SE_DACL_PROTECTED,
    };
    use windows_sys::Win32::Storage::FileSystem::FILE_ALL_ACCESS;
    use windows_sys::Win32::System::LibraryLoader::{GetModuleHandleW, GetProcAddress};
    use windows_sys::Win32::System::SystemServices::ACCESS_ALLOWED_ACE_TYPE;

    /// What a file's DACL says: protected or not, and the allow entries (SID, access mask).
    #[derive(Debug, PartialEq, Eq)]
    struct DaclView {
        protected: bool,
        allowed: Vec<(String, u32)>,
        other_entries: usize,
    }

    fn read_dacl(path: &Path) -> DaclView {
        let wide_path = wide(path.as_os_str());
        let mut needed = 0u32;
        // SAFETY: a size query; only `needed` is written.
        unsafe {
            GetFileSecurityW(
                wide_path.as_ptr(),
                DACL_SECURITY_INFORMATION,
                ptr::null_mut(),
                0,
                &mut needed,
            )
        };
        assert!(needed > 0, "GetFileSecurityW size: error {}", unsafe {
            GetLastError()
        });
        let mut buffer = vec![0u64; (needed as usize).div_ceil(8)];
        let descriptor: PSECURITY_DESCRIPTOR = buffer.as_mut_ptr().cast();
        // SAFETY: the buffer has `needed` bytes and lives until the end of this function,
        // which is as long as every pointer into it below is used.
        unsafe {
            assert_ne!(
                GetFileSecurityW(
                    wide_path.as_ptr(),
                    DACL_SECURITY_INFORMATION,
                    descriptor,
                    needed,
                    &mut needed
                ),
                0
            );
            let (mut control, mut revision) = (0u16, 0u32);
            assert_ne!(
                GetSecurityDescriptorControl(descriptor, &mut control, &mut revision),
                0
            );
            let (mut present, mut defaulted) = (0, 0);
            let mut dacl: *mut ACL = ptr::null_mut();
            assert_ne!(
                GetSecurityDescriptorDacl(descriptor, &mut present, &mut dacl, &mut defaulted),
                0
            );
            let mut view = DaclView {
                protected: control & SE_DACL_PROTECTED != 0,
                allowed: Vec::new(),
                other_entries: 0,
            };
            if present == 0 || dacl.is_null() {
                // No DACL at all: everyone has access.
                view.other_entries = usize::MAX;
                return view;
            }
            let mut size: ACL_SIZE_INFORMATION = std::mem::zeroed();
            assert_ne!(
                GetAclInformation(
                    dacl,
                    (&mut size as *mut ACL_SIZE_INFORMATION).cast(),
                    std::mem::size_of::<ACL_SIZE_INFORMATION>() as u32,
                    AclSizeInformation
                ),
                0
            );
            for index in 0..size.AceCount {
                let mut ace = ptr::null_mut();
                assert_ne!(GetAce(dacl, index, &mut ace), 0);
                let header = &*ace.cast::<ACE_HEADER>();
                if u32::from(header.AceType) != ACCESS_ALLOWED_ACE_TYPE {
                    view.other_entries += 1;
                    continue;
                }
                let allowed = ace.cast::<ACCESS_ALLOWED_ACE>();
                let sid = ptr::addr_of_mut!((*allowed).SidStart).cast();
                let mut text = ptr::null_mut();
                assert_ne!(ConvertSidToStringSidW(sid, &mut text), 0);
                let len = (0..).take_while(|&i| *text.add(i) != 0).count();
                let sid = String::from_utf16_lossy(std::slice::from_raw_parts(text, len));
                LocalFree(text.cast());
                view.allowed.push((sid, (*allowed).Mask));
            }
            view
        }
    }

    /// wine keeps a DACL only where its file system can (extended attributes); elsewhere it
    /// reports one made up from the Unix mode. Its ntdll exports `wine_get_version`.
    fn under_wine() -> bool {
        let ntdll = wide(OsStr::new("ntdll.dll"));
        // SAFETY: a NUL-terminated module name and a NUL-terminated ASCII export name.
        unsafe {
            let module = GetModuleHandleW(ntdll.as_ptr());
            !module.is_null()
                && GetProcAddress(module, c"wine_get_version".as_ptr().cast()).is_some()
        }
    }

    /// Asserts the protected one-entry DACL; other modules' Windows tests use it too.
    pub(crate) fn assert_owner_only(path: &Path) {
        let view = read_dacl(path);
        let expected = DaclView {
            protected: true,
            allowed: vec![(current_user_sid().unwrap(), FILE_ALL_ACCESS)],
            other_entries: 0,
        };
        if view != expected && under_wine() {
            eprintln!(
                "note: wine does not keep this DACL (read back {view:?}); the call succeeded, \
                 the read-back is checked on Windows only"
            );
            return;
        }
        assert_eq!(view, expected, "{}", path.display());
    }

    #[test]
    fn the_sddl_names_the_user_alone() {
        assert_eq!(
            owner_only_sddl("S-1-5-21-1-2-3-1001", false),
            "D:P(A;;FA;;;S-1-5-21-1-2-3-1001)"
        );
        assert_eq!(
            owner_only_sddl("S-1-5-21-1-2-3-1001", true),
            "D:P(A;OICI;FA;;;S-1-5-21-1-2-3-1001)"
        );
        assert!(current_user_sid().unwrap().starts_with("S-1-"));
    }

    #[test]
    fn a_file_and_a_folder_are_for_the_user_alone() {
        let root = tempfile::tempdir().unwrap();
        let folder = root.path().join("data");
        crate::private_files::ensure_private_dir(&folder).unwrap();
        assert_owner_only(&folder);
        let file = folder.join("registrations.json");
        std::fs::write(&file, b"{}").unwrap();
        crate::private_files::restrict_file(&file).unwrap();
        assert_owner_only(&file);
    }
}
