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
    if read_dword("ProxyEnable")? == 0 {
        return None;
    }
    let server = read_string("ProxyServer")?;
    let overrides = read_string("ProxyOverride").unwrap_or_default();
    Some(ProxySettings::from_windows(&server, &overrides))
}

fn wide(text: &str) -> Vec<u16> {
    text.encode_utf16().chain(std::iter::once(0)).collect()
}

fn read_dword(name: &str) -> Option<u32> {
    let (key, name) = (wide(KEY), wide(name));
    let mut value: u32 = 0;
    let mut size = std::mem::size_of::<u32>() as u32;
    // SAFETY: both names are NUL-terminated UTF-16; `value` has room for the `size` bytes
    // RegGetValueW may write.
    let status = unsafe {
        RegGetValueW(
            HKEY_CURRENT_USER,
            key.as_ptr(),
            name.as_ptr(),
            RRF_RT_REG_DWORD,
            std::ptr::null_mut(),
            (&mut value as *mut u32).cast(),
            &mut size,
        )
    };
    (status == ERROR_SUCCESS).then_some(value)
}

fn read_string(name: &str) -> Option<String> {
    let (key, name) = (wide(KEY), wide(name));
    let mut size: u32 = 0;
    // SAFETY: a null buffer asks only for the size in bytes (including the NUL).
    let status = unsafe {
        RegGetValueW(
            HKEY_CURRENT_USER,
            key.as_ptr(),
            name.as_ptr(),
            RRF_RT_REG_SZ,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            &mut size,
        )
    };
    if status != ERROR_SUCCESS || size < 2 {
        return None;
    }
    let mut buffer = vec![0u16; (size as usize).div_ceil(2)];
    let mut written = (buffer.len() * 2) as u32;
    // SAFETY: `buffer` holds `written` bytes; RegGetValueW NUL-terminates what it writes.
    let status = unsafe {
        RegGetValueW(
            HKEY_CURRENT_USER,
            key.as_ptr(),
            name.as_ptr(),
            RRF_RT_REG_SZ,
            std::ptr::null_mut(),
            buffer.as_mut_ptr().cast(),
            &mut written,
        )
    };
    if status != ERROR_SUCCESS {
        return None;
    }
    let text = String::from_utf16_lossy(&buffer);
    let text = text.trim_end_matches('\0').trim();
    (!text.is_empty()).then(|| text.to_string())
}
