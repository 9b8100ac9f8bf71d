/* TLS definitions used from another object. */
__thread int shared_counter = 100;
__thread char shared_name[16] = "main";
__thread long shared_zero[4];
int get_counter_local(void) { return shared_counter; }
