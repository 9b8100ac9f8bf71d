extern int app_hook(int x);
extern int optional_hook(int x) __attribute__((weak));
extern int never_defined(int x);

int lib_run(int x)
{
    return app_hook(x) + (optional_hook ? optional_hook(x) : 100);
}

int lib_unused(int x) { return never_defined(x); }
