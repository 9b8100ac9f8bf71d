/* A gnu-efi application (its own linker script /usr/lib/elf_x86_64_efi.lds, -shared -Bsymbolic):
   braze refuses the script in a dynamic link, which tests/test_scripts.py checks against bfd. */
#include <efi.h>
#include <efilib.h>

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
    InitializeLib(image, systab);
    Print(L"hello from an EFI application\n");
    return EFI_SUCCESS;
}
