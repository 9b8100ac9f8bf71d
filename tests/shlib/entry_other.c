/* A second object with its own local library-init entry (ambiguous with entry.c -DLOCAL_ENTRY). */
static void _rt0_amd64_linux_lib(int argc, char **argv, char **envp) { (void)argc; (void)argv; (void)envp; }
void *keep_other_entry = (void *)_rt0_amd64_linux_lib;
