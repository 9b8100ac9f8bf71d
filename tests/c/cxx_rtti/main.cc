// RTTI across objects: dynamic_cast (down, cross, to void*), bad_cast, typeid equality of
// types whose typeinfo is emitted in several objects (vague linkage), catch by base class.
#include "animals.h"
#include <cstdio>

int main()
{
    for (int i = 0; i < 4; i++) {
        Animal *a = make_animal(i);
        Dog *d = dynamic_cast<Dog *>(a);
        Puppy *p = dynamic_cast<Puppy *>(a);
        Pet *pet = dynamic_cast<Pet *>(a);     // cross cast
        Fish *f = dynamic_cast<Fish *>(a);
        std::printf("%d: sound=%s dog=%d puppy=%d pet=%s fish=%d void*=%d\n", i, a->sound().c_str(),
                    d != nullptr, p != nullptr, pet ? pet->owner().c_str() : "-", f != nullptr,
                    dynamic_cast<void *>(a) == static_cast<void *>(a) || d != nullptr);
        std::printf("   typeid==Dog %d ==Puppy %d ==Fish %d ==Box<int> %d\n", typeid(*a) == typeid(Dog),
                    typeid(*a) == typeid(Puppy), typeid(*a) == fish_type_in_animals(),
                    typeid(*a) == typeid(Box<int>));
        try {
            Fish &fr = dynamic_cast<Fish &>(*a);
            std::printf("   is a fish: %s\n", fr.sound().c_str());
        } catch (const std::bad_cast &e) {
            std::printf("   bad_cast\n");
        }
        delete a;
    }
    std::printf("Fish typeinfo same object: %d, Box<int>: %d\n", &typeid(Fish) == &fish_type_in_animals(),
                &typeid(Box<int>) == &box_int_type_in_animals());
    std::printf("names equal: %d\n", std::string(typeid(Fish).name()) == fish_type_in_animals().name());
    try {
        throw_dog();
    } catch (const Pet &p) {
        std::printf("caught as Pet, owner %s, dynamic type Puppy: %d\n", p.owner().c_str(),
                    typeid(p) == typeid(Puppy));
    }
    return 0;
}
