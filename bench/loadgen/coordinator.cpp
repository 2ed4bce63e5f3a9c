// Fork, shared-memory barrier, progress line and result merging of the load generator.
#include "coordinator.hpp"

#include "report.hpp"
#include "shared_state.hpp"
#include "worker.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <new>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace imedge::bench {

namespace {

constexpr std::int64_t second = 1'000'000'000;

void sleep_ms(int ms) {
    ::usleep(static_cast<useconds_t>(ms) * 1000);
}

// CPU seconds used so far by the worker processes.
double children_cpu(const std::vector<pid_t>& children) {
    double sum = 0;
    for (pid_t pid : children)
        sum += std::max(0.0, sample_proc(pid).cpu_s);
    return sum;
}

void append_to(const std::string& path, const std::string& text) {
    if (path.empty())
        return;
    std::ofstream out(path, std::ios::app);
    out << text;
}

} // namespace

int run_coordinator(const config& cfg) {
    void* memory = ::mmap(nullptr, sizeof(shared_state), PROT_READ | PROT_WRITE,
                          MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (memory == MAP_FAILED) {
        std::perror("loadgen: mmap");
        return 2;
    }
    auto& state = *new (memory) shared_state{};

    run_result r;
    r.clients = cfg.connections + (cfg.scenario == scenario_kind::broadcast ? 1 : 0);
    r.before = sample_proc(cfg.server_pid);
    const std::int64_t start = now_ns();

    std::fflush(nullptr);
    std::vector<pid_t> children;
    for (unsigned p = 0; p < cfg.procs; ++p) {
        const pid_t pid = ::fork();
        if (pid < 0) {
            std::perror("loadgen: fork");
            state.abort = 1;
            break;
        }
        if (pid == 0) {
            run_process(cfg, state, p);
            std::fflush(nullptr);
            ::_exit(0);
        }
        children.push_back(pid);
    }

    const std::int64_t hard_deadline =
        start +
        static_cast<std::int64_t>((cfg.setup_timeout + cfg.duration + cfg.drain + 60) * 1e9);
    std::int64_t go = 0, mid_at = 0, end_at = 0, next_progress = start + second;
    std::uint64_t last_received = 0;
    bool mid_taken = false, end_taken = false;
    std::size_t running = children.size();
    std::vector<bool> exited(children.size(), false);
    int status_sum = 0;

    while (running > 0) {
        const std::int64_t now = now_ns();
        const std::uint64_t ready = state.total(&counters::ready);
        const std::uint64_t failed = state.total(&counters::failed);
        if (go == 0 && (ready + failed >= r.clients ||
                        now - start > static_cast<std::int64_t>(cfg.setup_timeout * 1e9))) {
            r.setup_s = (now - start) / 1e9;
            r.ready_at = sample_proc(cfg.server_pid);
            r.loadgen_cpu_ready = children_cpu(children);
            go = now + second / 10;
            mid_at = go + static_cast<std::int64_t>(cfg.duration * 1e9 / 2);
            end_at = go + static_cast<std::int64_t>(cfg.duration * 1e9);
            state.go_ns = go;
        }
        if (go && !mid_taken && now >= mid_at) {
            r.mid = sample_proc(cfg.server_pid);
            mid_taken = true;
        }
        if (go && !end_taken && now >= end_at) {
            r.after = sample_proc(cfg.server_pid);
            r.loadgen_cpu_end = children_cpu(children);
            end_taken = true;
        }
        if (cfg.progress && now >= next_progress) {
            const std::uint64_t received = state.total(&counters::received);
            fmt::print(stderr,
                       "[{:6.1f}s] {} {}: connected {}/{} failed {} ready {} sent {} received {} "
                       "({:.0f}/s) disc {}\n",
                       (now - start) / 1e9, cfg.label, scenario_name(cfg.scenario),
                       state.total(&counters::connected), r.clients, failed, ready,
                       state.total(&counters::sent), received,
                       static_cast<double>(received - last_received),
                       state.total(&counters::disconnects));
            last_received = received;
            next_progress += second;
        }
        for (std::size_t i = 0; i < children.size(); ++i) {
            if (exited[i])
                continue;
            int status = 0;
            if (::waitpid(children[i], &status, WNOHANG) == children[i]) {
                exited[i] = true;
                --running;
                if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
                    status_sum = 1;
            }
        }
        if (now > hard_deadline) {
            fmt::print(stderr, "loadgen: workers overran the deadline; stopping them\n");
            state.abort = 1;
            for (std::size_t i = 0; i < children.size(); ++i)
                if (!exited[i])
                    ::kill(children[i], SIGKILL);
            for (std::size_t i = 0; i < children.size(); ++i)
                if (!exited[i])
                    ::waitpid(children[i], nullptr, 0);
            return 3;
        }
        sleep_ms(20);
    }
    if (!end_taken)
        r.after = sample_proc(cfg.server_pid);
    if (!mid_taken)
        r.mid = r.after;

    r.connected = state.total(&counters::connected);
    r.failed = state.total(&counters::failed);
    r.ready = state.total(&counters::ready);
    r.sent = state.total(&counters::sent);
    r.expected = state.total(&counters::expected);
    r.received = state.total(&counters::received);
    r.received_window = state.total(&counters::received_window);
    r.disconnects = state.total(&counters::disconnects);
    r.skipped = state.total(&counters::skipped);
    r.measured_s = cfg.duration;
    for (unsigned p = 0; p < cfg.procs; ++p) {
        r.latency.merge(state.results[p].latency);
        r.connect.merge(state.results[p].connect);
    }

    const std::string json = to_json(cfg, r) + "\n";
    std::fputs(json.c_str(), stdout);
    append_to(cfg.json_out, json);
    const std::string row = to_markdown_row(cfg, r);
    if (cfg.progress)
        fmt::print(stderr, "{}{}", markdown_header(), row);
    append_to(cfg.md_out, row);
    ::munmap(memory, sizeof(shared_state));
    return status_sum;
}

} // namespace imedge::bench
