/* Archive member: the initialised definition of shared_counter, and nothing else anyone needs. */
int shared_counter = 42;
int member_marker(void) { return 7; }
