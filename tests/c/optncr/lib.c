int dso_var = 5;
int dso_arr[4] = {1, 2, 3, 4};
int dso_func(void) { return dso_var * 10; }
