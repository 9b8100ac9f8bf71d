/* An EFI application for tests/test_scripts_dynamic.py, built with Debian's gnu-efi. */
#include <efi.h>
#include <efilib.h>

static CHAR16 *greeting = L"hello from braze";
static UINTN answer = 42;

EFI_STATUS EFIAPI efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st)
{
    InitializeLib(image, st);
    Print(L"%s %d\n", greeting, answer);
    return EFI_SUCCESS;
}
