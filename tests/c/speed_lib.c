/* One member of the archive of tests/test_speed_cache.py: compiled once per PART (0..7), each with
   60 functions and a table of pointers to them, so the archive is big enough (-g) to be cached. */
#ifndef PART
#define PART 0
#endif
#ifndef VALUE
#define VALUE 1
#endif
#define CAT2(a, b) a##b
#define CAT(a, b) CAT2(a, b)
#define F(n) long CAT(CAT(p, PART), _f##n)(long x) { return x * (n + 3) + PART * VALUE + (x > 0 ? CAT(CAT(p, PART), _f0)(x - 1) : 0); }
long CAT(CAT(p, PART), _f0)(long x);
F(1) F(2) F(3) F(4) F(5) F(6) F(7) F(8) F(9) F(10) F(11) F(12) F(13) F(14) F(15) F(16) F(17) F(18) F(19)
F(20) F(21) F(22) F(23) F(24) F(25) F(26) F(27) F(28) F(29) F(30) F(31) F(32) F(33) F(34) F(35) F(36)
F(37) F(38) F(39) F(40) F(41) F(42) F(43) F(44) F(45) F(46) F(47) F(48) F(49) F(50) F(51) F(52) F(53)
F(54) F(55) F(56) F(57) F(58) F(59)
long CAT(CAT(p, PART), _f0)(long x) { return x + VALUE; }
long (*const CAT(CAT(p, PART), _tab)[])(long) = {
    CAT(CAT(p, PART), _f1), CAT(CAT(p, PART), _f7), CAT(CAT(p, PART), _f13), CAT(CAT(p, PART), _f29), CAT(CAT(p, PART), _f59),
};
long CAT(CAT(p, PART), _entry)(long x) {
    long s = 0;
    for (unsigned i = 0; i < sizeof CAT(CAT(p, PART), _tab) / sizeof *CAT(CAT(p, PART), _tab); i++)
        s = s * 31 + CAT(CAT(p, PART), _tab)[i](x);
    return s;
}
#if defined EXTRA && PART == 0
long speed_extra(long x) { return x * EXTRA; }    /* only in the rebuilt library of the cache test */
#endif
