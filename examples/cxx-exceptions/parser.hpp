#pragma once
#include <stdexcept>
#include <string>

struct ParseError : std::runtime_error {
    ParseError(const std::string &msg, size_t pos)
        : std::runtime_error(msg + " at position " + std::to_string(pos)), pos(pos) {}
    size_t pos;
};

// Evaluates "+ - * / ( )" integer expressions; throws ParseError or std::domain_error.
long evaluate(const std::string &expr);
