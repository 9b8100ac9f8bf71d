#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

// A tiny work queue: worker threads pull jobs until told to stop.
struct Pool {
    std::mutex m;
    std::condition_variable cv;
    std::deque<std::function<void()>> jobs;
    bool stop = false;
    std::vector<std::thread> workers;
};

Pool *pool_start(int n)
{
    Pool *p = new Pool;
    for (int i = 0; i < n; i++)
        p->workers.emplace_back([p] {
            for (;;) {
                std::function<void()> job;
                {
                    std::unique_lock<std::mutex> lk(p->m);
                    p->cv.wait(lk, [p] { return p->stop || !p->jobs.empty(); });
                    if (p->jobs.empty()) return;
                    job = std::move(p->jobs.front());
                    p->jobs.pop_front();
                }
                job();
            }
        });
    return p;
}

void pool_submit(Pool *p, std::function<void()> job)
{
    {
        std::lock_guard<std::mutex> lk(p->m);
        p->jobs.push_back(std::move(job));
    }
    p->cv.notify_one();
}

void pool_finish(Pool *p)
{
    {
        std::lock_guard<std::mutex> lk(p->m);
        p->stop = true;
    }
    p->cv.notify_all();
    for (auto &t : p->workers) t.join();
    delete p;
}
