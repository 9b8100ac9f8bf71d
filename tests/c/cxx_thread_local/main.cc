// thread_local objects with constructors and destructors defined in another object: the TLS
// wrapper functions (_ZTW*) and __tls_init (_ZTH*) cross the object boundary.
#include "tl.h"
#include <cstdio>
#include <thread>
#include <vector>

static thread_local std::vector<int> local_log = {1};   // this object's own __tls_init

static void work(int id, std::string *out)
{
    int a = bump_in_defs();
    int b = tl_counter.next();
    local_log.push_back(id);
    *out = tl_name + " a=" + std::to_string(a) + " b=" + std::to_string(b) + " plain=" +
           std::to_string(tl_plain) + " log=" + std::to_string(local_log.size());
}

int main()
{
    std::string results[3];
    for (int i = 0; i < 3; i++) {
        std::thread t(work, i, &results[i]);   // one at a time: construction order is fixed
        t.join();
    }
    std::string mine;
    work(9, &mine);
    for (auto &r : results) std::printf("%s\n", r.c_str());
    std::printf("main: %s\n", mine.c_str());
    return 0;
}
