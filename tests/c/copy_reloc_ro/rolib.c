/* Read-only and writable data exported by a shared library. */
const int ro_table[4] = {11, 22, 33, 44};
const char ro_name[] = "read-only name";
int rw_counter = 5;
