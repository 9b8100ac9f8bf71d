int helper(void) { return 41; }
int unused_fn(void) { return 3; }
int unused_data[16] = {1};
