/*
 * A stand-in for Windows' bcryptprimitives.dll, for running Allium.exe under Wine in
 * tests only; it is never shipped.
 *
 * Go's runtime (since Go 1.24) takes its random bytes from ProcessPrng in
 * bcryptprimitives.dll, which every Windows 10 and 11 has, and stops at start when the
 * function is missing. Debian 12's Wine (8.0) does not have it yet. This DLL answers it
 * with RtlGenRandom (SystemFunction036 in advapi32), the system's own random generator,
 * which Wine does have.
 *
 * x86_64-w64-mingw32-gcc -O2 -shared -o bcryptprimitives.dll processprng.c -ladvapi32
 */
#include <windows.h>
#include <ntsecapi.h>

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
	while (len > 0) {
		/* RtlGenRandom takes a ULONG length: ask in pieces. */
		ULONG n = len > 0x40000000 ? 0x40000000 : (ULONG)len;
		if (!RtlGenRandom(data, n))
			return FALSE;
		data += n;
		len -= n;
	}
	return TRUE;
}
