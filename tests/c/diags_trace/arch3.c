/* never needed: -t -t must not list it */
int arch_unused(void) { return 7; }
