//! The proxy Windows users set in Settings → Network → Proxy (or Internet Options), read from
//! `HKCU\Software\Microsoft\Windows\CurrentVersion\Internet Settings`: `ProxyEnable`,
//! `ProxyServer`, `ProxyOverride`. Automatic configuration (PAC, WPAD) is not read.

use super::ProxySettings;
use windows_sys::Win32::Foundation::ERROR_SUCCESS;
use windows_sys::Win32::System::Registry::{
    HKEY_CURRENT_USER, RRF_RT_REG_DWORD, RRF_RT_REG_SZ, RegGetValueW,
};

const KEY: &str = r"Software\Microsoft\Windows\CurrentVersion\Internet Settings";

/// The signed-in user's manual proxy, `None` when it is switched off or not set.
pub(super) fn internet_settings() -> Option<ProxySettings> {
    settings_under(KEY)
}

/// The proxy the values under `HKCU\<key>` describe (a parameter so that the test reads a key
/// of its own, never the user's real settings).
fn settings_under(key: &str) -> Option<ProxySettings> {
    let key = wide(key);
    // A DWORD comes as two UTF-16 units; any bit set means on.
    let enabled = read_value(&key, "ProxyEnable", RRF_RT_REG_DWORD)?;
    if enabled.iter().all(|unit| *unit == 0) {
        return None;
    }
    let server = read_string(&key, "ProxyServer")?;
    let overrides = read_string(&key, "ProxyOverride").unwrap_or_default();
    Some(ProxySettings::from_windows(&server, &overrides))
}

fn wide(text: &str) -> Vec<u16> {
    text.encode_utf16().chain(std::iter::once(0)).collect()
}

fn read_string(key: &[u16], name: &str) -> Option<String> {
    let buffer = read_value(key, name, RRF_RT_REG_SZ)?;
    let text = String::from_utf16_lossy(&buffer);
    let text = text.trim_end_matches('\0').trim();
    (!text.is_empty()).then(|| text.to_string())
}

/// The raw value `name` under `HKCU\key` as UTF-16 units (a DWORD is two units), if it exists
/// with a type `flags` allows.
fn read_value(key: &[u16], name: &str, flags: u32) -> Option<Vec<u16>> {
    let name = wide(name);
    let query = |buffer: *mut core::ffi::c_void, size: &mut u32| {
        // SAFETY: both names are NUL-terminated UTF-16; `buffer` is null (asking for the size
        // only) or holds `size` bytes, and RegGetValueW writes at most that many.
        unsafe {
            RegGetValueW(
                HKEY_CURRENT_USER,
                key.as_ptr(),
                name.as_ptr(),
                flags,
                std::ptr::null_mut(),
                buffer,
                size,
            )
        }
    };
    let mut size: u32 = 0;
    if query(std::ptr::null_mut(), &mut size) != ERROR_SUCCESS || size < 2 {
        return None;
    }
    let mut buffer = vec![0u16; (size as usize).div_ceil(2)];
    let mut written = (buffer.len() * 2) as u32;
    if query(buffer.as_mut_ptr().cast(), &mut written) != ERROR_SUCCESS {
        return None;
    }
    buffer.truncate((written as usize).div_ceil(2));
    Some(buffer)
}

/// Run under wine by scripts/windows-smoke.sh: the registry reading, on a key of the test's own.
#[cfg(test)]
mod tests {
    use super::*;
    use windows_sys::Win32::System::Registry::{
        REG_DWORD, REG_SZ, RegDeleteTreeW, RegSetKeyValueW,
    };

    /// A key under HKCU that lives as long as the test.
    struct TestKey(String);

    impl TestKey {
        fn new(name: &str) -> Self {
            TestKey(format!(
                r"Software\exowiz-test-{}-{name}",
                std::process::id()
            ))
        }

        fn set_dword(&self, name: &str, value: u32) {
            let (key, name) = (wide(&self.0), wide(name));
            // SAFETY: NUL-terminated names; `value` is 4 bytes.
            let status = unsafe {
                RegSetKeyValueW(
                    HKEY_CURRENT_USER,
                    key.as_ptr(),
                    name.as_ptr(),
                    REG_DWORD,
                    (&value as *const u32).cast(),
                    4,
                )
            };
            assert_eq!(status, ERROR_SUCCESS);
        }

        fn set_string(&self, name: &str, value: &str) {
            let (key, name, value) = (wide(&self.0), wide(name), wide(value));
            // SAFETY: NUL-terminated names; `value` holds its bytes including the NUL.
            let status = unsafe {
                RegSetKeyValueW(
                    HKEY_CURRENT_USER,
                    key.as_ptr(),
                    name.as_ptr(),
                    REG_SZ,
                    value.as_ptr().cast(),
                    (value.len() * 2) as u32,
                )
            };
            assert_eq!(status, ERROR_SUCCESS);
        }
    }

    impl Drop for TestKey {
        fn drop(&mut self) {
            let key = wide(&self.0);
            // SAFETY: a NUL-terminated name of the key this test made.
            unsafe { RegDeleteTreeW(HKEY_CURRENT_USER, key.as_ptr()) };
        }
    }

    #[test]
    fn the_manual_proxy_and_its_exceptions_are_read_from_the_registry() {
        let key = TestKey::new("on");
        key.set_dword("ProxyEnable", 1);
        key.set_string("ProxyServer", "proxy.corp:3128");
        key.set_string("ProxyOverride", "*.contoso.com;<local>");
        assert_eq!(
            settings_under(&key.0),
            Some(ProxySettings::from_windows(
                "proxy.corp:3128",
                "*.contoso.com;<local>"
            ))
        );
    }

    #[test]
    fn a_switched_off_or_missing_proxy_is_none() {
        let off = TestKey::new("off");
        off.set_dword("ProxyEnable", 0);
        off.set_string("ProxyServer", "proxy.corp:3128");
        assert_eq!(settings_under(&off.0), None);
        let no_server = TestKey::new("no-server");
        no_server.set_dword("ProxyEnable", 1);
        assert_eq!(settings_under(&no_server.0), None);
        assert_eq!(settings_under(r"Software\exowiz-test-no-such-key"), None);
    }
}
