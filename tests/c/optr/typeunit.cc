// -g -fdebug-types-section: the type's DWARF is a type unit in a COMDAT group of its own (.debug_info
// only); -S strips every member, and bfd drops the group with them.
struct Shape { int sides; double size; int twice() const { return 2 * sides; } };
int shape_sides(const Shape *s) { return s->twice(); }
