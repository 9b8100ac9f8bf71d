#include "errors.h"
#include <cstdio>

AppError::~AppError() {}

Tracer::Tracer(const char *w) : what(w) { std::printf("  enter %s\n", w); }
Tracer::~Tracer() { std::printf("  leave %s\n", what); }

void throw_kind(int kind)
{
    Tracer t("throw_kind");
    switch (kind) {
    case 0: return;
    case 1: throw AppError("app failure", 11);
    case 2: throw IoError("disk on fire", 12);
    case 3: throw 7;
    case 4: throw std::string("a string");
    case 5: throw std::out_of_range("range");
    case 6: { const char *p = "c string"; throw p; }
    default: throw 2.5;
    }
}
