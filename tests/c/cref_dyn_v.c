/* --cref: built as several libraries with the same version node and names (vw weak, vs strong). */
__attribute__((weak)) int vw(void) { return 5; }
int vs(void) { return 6; }
