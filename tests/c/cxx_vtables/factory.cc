#include "widgets.h"
Gadget *make_heavy3() { return new Heavy<3>; }
Widget *make_button(const char *l) { return new Button(2, l); }
const std::type_info &gadget_type_in_factory() { return typeid(Gadget); }
const void *gadget_vtable_probe(const Gadget *g) { return *reinterpret_cast<const void *const *>(g); }
