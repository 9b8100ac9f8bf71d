int bar = 42;
int arr[4] = {1, 2, 3, 4};
int baz(void) { return 7; }
