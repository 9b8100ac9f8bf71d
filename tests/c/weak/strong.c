int weak_fn(void) { return 2; }
int weak_var = 6;
extern int weak_only(void);
int strong_user(void) { return weak_fn() * 100 + weak_only(); }
