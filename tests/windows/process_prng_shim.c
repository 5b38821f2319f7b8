/* TEST-ONLY shim for running exowiz.exe under wine 8 (scripts/windows-smoke.sh builds it).
 *
 * Rust's standard library gets its random numbers from ProcessPrng in bcryptprimitives.dll
 * (Windows 10 and later); wine 8.0 has no such DLL, so the program would not even load. This
 * DLL supplies that one function from RtlGenRandom (advapi32's SystemFunction036), which wine
 * has. It is copied next to the .exe in the smoke test's temporary directory only: it is never
 * built into, shipped with or linked by the product, where Windows' own DLL is used. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    /* RtlGenRandom takes a ULONG: fill larger requests in pieces. */
    while (length > 0) {
        ULONG chunk = length > 0x10000000 ? 0x10000000 : (ULONG)length;
        if (!SystemFunction036(data, chunk))
            return FALSE;
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
