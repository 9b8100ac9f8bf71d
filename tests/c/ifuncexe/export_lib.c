int called(int);
int taken(int);
int lib_calls(void) { return called(10) + taken(20); }
void *lib_taken(void) { return (void *)&taken; }
