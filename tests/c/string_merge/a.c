const char *lit_a(void) { return "a string literal shared by objects"; }
const char *other_a(void) { return "another literal"; }
