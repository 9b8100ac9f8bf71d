/* A second reference to old_api: bfd warns once per symbol, at the first reference only. */
int old_api(int);

int via_helper(int x) { return old_api(x) + 1; }
