// Vtables and typeinfo: emitted once with a key function, or as COMDAT in several objects.
#include "widgets.h"
#include <cstdio>
#include <memory>

int main()
{
    std::unique_ptr<Widget> ws[] = {std::make_unique<Widget>(4), std::unique_ptr<Widget>(make_button("ok")),
                                    std::make_unique<Button>(5, "cancel")};
    for (auto &w : ws)
        std::printf("%s area=%d typeid=%s\n", w->draw().c_str(), w->area(),
                    typeid(*w) == typeid(Button) ? "Button" : "Widget");
    std::unique_ptr<Gadget> gs[] = {std::make_unique<Gadget>(), std::unique_ptr<Gadget>(make_heavy3()),
                                    std::make_unique<Heavy<3>>(), std::make_unique<Heavy<7>>()};
    int total = 0;
    for (auto &g : gs) {
        total += g->weight();
        std::printf("%s weight=%d\n", g->kind().c_str(), g->weight());
    }
    Gadget local;
    Heavy<3> local3;
    std::printf("total weight %d; one Gadget vtable: %d; one Heavy<3> vtable: %d; typeid shared: %d\n",
                total, gadget_vtable_probe(&local) == gadget_vtable_probe(gs[0].get()),
                gadget_vtable_probe(&local3) == gadget_vtable_probe(gs[1].get()),
                &typeid(Gadget) == &gadget_type_in_factory());
    return total;
}
