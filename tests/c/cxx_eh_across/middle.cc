#include "errors.h"
#include <cstdio>

int pass_through(int kind)
{
    Tracer t("pass_through");
    throw_kind(kind);
    return kind * 10;
}

int translate(int kind)
{
    try {
        return pass_through(kind);
    } catch (const IoError &e) {
        std::printf("  translate: IoError %s -> rethrow as-is\n", e.what());
        throw;
    } catch (const AppError &e) {
        std::printf("  translate: AppError %d -> logic_error\n", e.code);
        throw std::logic_error(std::string("translated: ") + e.what());
    }
}

std::exception_ptr capture(int kind)
{
    try {
        throw_kind(kind);
    } catch (...) {
        return std::current_exception();
    }
    return nullptr;
}

void throw_nested(int kind)
{
    try {
        throw_kind(kind);
    } catch (...) {
        std::throw_with_nested(std::runtime_error("outer context"));
    }
}
