extern int bt_collect(int);
int bt_level3(int x) { return bt_collect(x + 3) + x; }
int bt_level2(int x) { int r = bt_level3(x); return r * 2; }
int bt_level1(int x) { int r = bt_level2(x); return r + 1; }
