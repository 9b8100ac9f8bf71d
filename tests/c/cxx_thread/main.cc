// std::thread, mutex, condition_variable, atomics, std::async/future and an exception carried
// from a thread through a future; only order-independent results are printed.
#include <atomic>
#include <cstdio>
#include <functional>
#include <future>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

struct Pool;
Pool *pool_start(int n);
void pool_submit(Pool *p, std::function<void()> job);
void pool_finish(Pool *p);

static long slow_sum(int from, int to)
{
    long s = 0;
    for (int i = from; i < to; i++) s += i % 7;
    return s;
}

int main()
{
    std::atomic<long> total{0};
    std::mutex m;
    std::vector<int> done;
    Pool *p = pool_start(3);
    for (int i = 0; i < 20; i++)
        pool_submit(p, [&, i] {
            total += slow_sum(i * 1000, (i + 1) * 1000);
            std::lock_guard<std::mutex> lk(m);
            done.push_back(i);
        });
    pool_finish(p);
    long check = 0;
    for (int i : done) check += i;
    std::printf("jobs=%zu index-sum=%ld total=%ld\n", done.size(), check, total.load());

    auto f1 = std::async(std::launch::async, slow_sum, 0, 50000);
    auto f2 = std::async(std::launch::async, [] { return slow_sum(50000, 100000); });
    auto f3 = std::async(std::launch::async, []() -> long { throw std::runtime_error("from a thread"); });
    std::printf("async sums %ld %ld\n", f1.get(), f2.get());
    try {
        f3.get();
    } catch (const std::exception &e) {
        std::printf("future rethrew: %s\n", e.what());
    }
    std::thread t([] { std::printf("hardware_concurrency>0: %d\n", std::thread::hardware_concurrency() > 0); });
    t.join();
    return 0;
}
