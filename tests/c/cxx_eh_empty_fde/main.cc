// An exception thrown through middle(), whose FDE shares its start address with a zero-length FDE
// that comes later in .eh_frame (gcc leaves such FDEs for a function part that ended up empty, e.g.
// an empty .text.unlikely). bfd drops FDEs that cover no code; a linker that keeps it puts two
// entries with middle's address in .eh_frame_hdr, and the unwinder's binary search picks the later,
// empty one: middle's frame has no unwind info and the throw ends in terminate().
#include <cstdio>
#include <stdexcept>

extern "C" __attribute__((noinline)) void thrower(int n) {
    if (n > 2)
        throw std::runtime_error("too big");
    std::printf("thrower(%d) ok\n", n);
}

extern "C" __attribute__((noinline)) int middle(int n) {
    volatile int keep = n * 3;
    thrower(n);
    return keep + 1;
}

int main() {
    for (int i = 1; i < 5; i++) {
        try {
            std::printf("middle(%d) = %d\n", i, middle(i));
        } catch (const std::exception &e) {
            std::printf("caught for %d: %s\n", i, e.what());
        }
    }
    return 0;
}

// The zero-length FDE, with its own CIE, in a second .eh_frame section of this object (bfd wants an
// FDE's code in the FDE's own object), after the one gas fills with the compiler's CFI.
__asm__(
    "    .section .eh_frame,\"a\",@unwind\n"
    "    .section .eh_frame,\"a\",@unwind,unique,1\n"
    ".Lshadow_cie:\n"
    "    .long .Lshadow_cie_end - .Lshadow_cie - 4\n"
    "    .long 0\n"                     // CIE id
    "    .byte 1\n"                     // version
    "    .string \"zR\"\n"
    "    .uleb128 1\n"                  // code alignment
    "    .sleb128 -8\n"                 // data alignment
    "    .uleb128 16\n"                 // return address column
    "    .uleb128 1\n"                  // augmentation data length
    "    .byte 0x1b\n"                  // FDE encoding: pcrel sdata4
    "    .byte 0x0c, 7, 8\n"            // DW_CFA_def_cfa rsp+8
    "    .byte 0x90, 1\n"               // DW_CFA_offset rip, cfa-8
    "    .balign 8\n"
    ".Lshadow_cie_end:\n"
    "    .long .Lshadow_fde_end - .Lshadow_fde\n"
    ".Lshadow_fde:\n"
    "    .long .Lshadow_fde - .Lshadow_cie\n"   // CIE pointer
    "    .long middle - .\n"            // initial location
    "    .long 0\n"                     // address range: none
    "    .uleb128 0\n"
    "    .balign 8\n"
    ".Lshadow_fde_end:\n"
    "    .text\n");
