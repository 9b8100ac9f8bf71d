#include "events.h"
#include <map>
#include <vector>

static std::map<std::string, std::vector<Handler>> &table()
{
    static std::map<std::string, std::vector<Handler>> t;
    return t;
}

void on(const std::string &event, Handler h) { table()[event].push_back(std::move(h)); }

int fire(const std::string &event)
{
    int total = 0;
    auto it = table().find(event);
    if (it == table().end()) return -1;
    for (auto &h : it->second) total += h(event);
    return total;
}

Handler make_counter(int step)
{
    int count = 0;
    return [count, step](const std::string &e) mutable { count += step; return count + int(e.size()); };
}

int apply_twice(int (*fn)(int), int v) { return fn(fn(v)); }
