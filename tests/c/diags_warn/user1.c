int older_fn(int);
int old_fn(int);
int user1(int x) { return older_fn(x) + old_fn(x); }
