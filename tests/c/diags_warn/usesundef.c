int lib_uses_missing(int);
int main(int argc, char **argv) { (void)argv; return lib_uses_missing(argc) != argc; }
