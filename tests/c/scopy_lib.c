/* A library whose data the program reads directly (non-PIC code: copy relocations). */
const long lib_ro = 42;                      /* read-only: copied into .data.rel.ro (RELRO) */
long lib_rw = 7;                             /* writable: copied into .dynbss */
int lib_bump(void) { return (int)++lib_rw; }
