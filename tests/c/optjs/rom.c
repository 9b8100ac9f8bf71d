/* The "ROM" whose symbols --just-symbols gives the program: linked alone at 0x20000000 (never
   loaded; the program only takes its addresses). */
int rom_data = 42;
int rom_func(int x) { return x + rom_data; }
__attribute__((weak)) int rom_weak = 3;
__attribute__((visibility("hidden"))) int rom_hidden = 1;
__thread int rom_tls = 5;            /* bfd drops TLS symbols of a --just-symbols file */
int rom_dup = 9;                     /* app.c defines it too: whichever comes first stays */
extern int rom_needs;                /* undefined in the ROM: not a reference of the program */
int rom_entry(void) { return rom_func(rom_weak) + rom_tls + rom_hidden + rom_needs; }
