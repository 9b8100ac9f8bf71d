#include "registry.hpp"

#include <exception>
#include <iostream>
#include <sstream>
#include <thread>

int registrations_seen_by_main;

namespace {
struct EarlyBird {
    EarlyBird() { registrations_seen_by_main = 1; }
} early_bird;

struct Job {
    std::string cmd;
    std::vector<long> args;
};

std::string run_job(const Job &job)
{
    std::ostringstream out;
    out << job.cmd << "(";
    for (size_t i = 0; i < job.args.size(); i++)
        out << (i ? "," : "") << job.args[i];
    out << ") = ";
    try {
        out << dispatch(job.cmd, job.args);
    } catch (const CommandError &e) {
        out << "CommandError[" << e.code() << "]: " << e.what();
    } catch (const std::out_of_range &) {
        out << "unknown command";
    }
    return out.str();
}
}  // namespace

int main()
{
    std::cout << "static constructor in main.cpp ran: " << registrations_seen_by_main << "\n";
    std::cout << "registered commands:";
    for (const auto &kv : registry())
        std::cout << " " << kv.first;
    std::cout << "\n";

    const std::vector<Job> jobs = {
        {"sum", {1, 2, 3, 4}}, {"max", {7, -2, 19, 4}}, {"max", {}},
        {"div", {100, 7}},     {"div", {1, 0}},         {"div", {1}},
        {"nope", {1}},         {"calls", {}},
    };
    for (const auto &job : jobs)
        std::cout << "main: " << run_job(job) << "\n";
    std::cout << "main thread stats: calls=" << tls_stats.calls
              << " failures=" << tls_stats.failures << " log.size=" << tls_stats.log.size() << "\n";

    // Each worker has its own tls_stats; results are printed after join.
    const int nthreads = 3;
    std::vector<std::string> results(nthreads);
    std::vector<std::exception_ptr> errors(nthreads);
    std::vector<std::thread> threads;
    for (int t = 0; t < nthreads; t++) {
        threads.emplace_back([t, &results, &errors] {
            try {
                std::ostringstream out;
                for (int i = 0; i <= t; i++)
                    dispatch("sum", {t, i});
                out << "worker " << t << ": calls=" << dispatch("calls", {})
                    << " failures=" << tls_stats.failures;
                results[t] = out.str();
                if (t == 2)
                    dispatch("div", {t, 0});          // exception crosses the thread boundary
            } catch (...) {
                errors[t] = std::current_exception();
            }
        });
    }
    for (auto &th : threads)
        th.join();
    for (int t = 0; t < nthreads; t++) {
        std::cout << results[t] << "\n";
        if (errors[t]) {
            try {
                std::rethrow_exception(errors[t]);
            } catch (const CommandError &e) {
                std::cout << "worker " << t << " threw: " << e.what() << " (code " << e.code() << ")\n";
            }
        }
    }
    std::cout << "thread_local Stats destroyed by worker exits: " << destroyed_stats() << "\n";
    std::cout << "main thread stats unchanged: calls=" << tls_stats.calls << "\n";
    return 0;
}
