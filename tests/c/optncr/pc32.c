/* Compiled -fno-pic: a PC-relative load of the library's data, which only a copy relocation serves. */
extern int dso_var;
int main(void) { return dso_var == 5 ? 0 : 1; }
