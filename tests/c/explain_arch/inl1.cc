// COMDAT groups for --print-gc-sections: a removed group (unused_inline) and, in inl2.cc, a
// duplicate copy of used_inline's group that the link discards
inline int used_inline(int x) { return x + 1; }
inline int unused_inline(int x) { return x + 2; }
int keep(int x) { return used_inline(x); }
int drop(int x) { return unused_inline(x); }
