// Exceptions thrown in one object (thrower.cc), passing through or translated in a second
// (middle.cc, compiled differently) and caught in a third; exception_ptr, nested exceptions.
#include "errors.h"
#include <cstdio>
#include <exception>

static void report_nested(const std::exception &e, int depth)
{
    std::printf("%*snested: %s\n", depth * 2, "", e.what());
    try {
        std::rethrow_if_nested(e);
    } catch (const std::exception &inner) {
        report_nested(inner, depth + 1);
    } catch (int v) {
        std::printf("%*sinner int %d\n", depth * 2 + 2, "", v);
    }
}

int main()
{
    int caught = 0;
    for (int kind = 0; kind <= 7; kind++) {
        std::printf("kind %d\n", kind);
        try {
            int r = translate(kind);
            std::printf(" returned %d\n", r);
        } catch (const IoError &e) {
            std::printf(" IoError %s code=%d\n", e.what(), e.code); caught++;
        } catch (const std::logic_error &e) {
            std::printf(" logic_error %s\n", e.what()); caught++;
        } catch (const std::exception &e) {
            std::printf(" std::exception %s\n", e.what()); caught++;
        } catch (int v) {
            std::printf(" int %d\n", v); caught++;
        } catch (const std::string &s) {
            std::printf(" string %s\n", s.c_str()); caught++;
        } catch (const char *s) {
            std::printf(" const char* %s\n", s); caught++;
        } catch (...) {
            std::printf(" something else\n"); caught++;
        }
    }
    std::exception_ptr p = capture(2);
    try {
        std::rethrow_exception(p);
    } catch (const AppError &e) {
        std::printf("rethrown exception_ptr: %s %d\n", e.what(), e.code);
    }
    for (int kind : {1, 3}) {
        try {
            throw_nested(kind);
        } catch (const std::exception &e) {
            report_nested(e, 0);
        }
    }
    std::printf("caught %d\n", caught);
    return caught;
}
