int startup_lib_value(int x) { return x * 7 + 1; }
