int bar_data = 7;
int weak_hook(void) { return 9; }   /* only a weak reference names it: never pulled in */
