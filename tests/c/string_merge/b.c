const char *lit_b(void) { return "a string literal shared by objects"; }
const char *const table_b[] = {"a string literal shared by objects", "another literal", "unique to b"};
