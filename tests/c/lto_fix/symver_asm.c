/* Top-level .symver on IR definitions, and a reference to the default version's bare name: GCC
   cannot see the asm's use of ver_new, so the link's resolutions let it drop the definition and
   its assembler then fails on the default version (with bfd as with braze). */
int ver_api(void);
int ver_old(void) { return 1; }
int ver_new(void) { return 2; }
__asm__(".symver ver_old,ver_api@VERS_1");
__asm__(".symver ver_new,ver_api@@VERS_2");
int ver_call(void) { return ver_api() * 10; }
