/* --warn-unresolved-symbols: seven calls to one missing function (bfd shows five, then "more
   undefined references ... follow"), one to another, never executed. */
extern int missing_a(void);
extern int missing_b(void);
int f(int n)
{
    if (n < 100)
        return n;
    return missing_a() + missing_a() + missing_a() + missing_a() + missing_a() + missing_a() + missing_a();
}
int main(int argc, char **argv) { (void)argv; return argc > 100 ? f(argc) + missing_b() + missing_a() : 0; }
