// Result of one load-generator run and its renderings: one JSON line and one Markdown table row.
#pragma once

#include "config.hpp"
#include "histogram.hpp"

#include <cstdint>
#include <string>

namespace imedge::bench {

// What /proc tells about the server process and the kernel's TCP sockets at one moment.
struct proc_sample {
    long rss_kb = -1;        // VmRSS of the server
    double cpu_s = -1;       // utime + stime of the server, all threads
    long tcp_mem_pages = -1; // /proc/net/sockstat "TCP: ... mem", pages (client and server sides)
    long tcp_inuse = -1;
    long slab_kb = -1; // /proc/meminfo Slab: kernel objects, socket structures of both ends
};

proc_sample sample_proc(int pid);

struct run_result {
    std::uint64_t clients = 0; // connections attempted (broadcast: subscribers + publisher)
    std::uint64_t connected = 0, failed = 0, ready = 0;
    std::uint64_t sent = 0, expected = 0, received = 0, received_window = 0;
    std::uint64_t disconnects = 0, skipped = 0;
    double setup_s = 0;    // time until every client was connected (and joined)
    double measured_s = 0; // measurement window actually used
    histogram latency;
    histogram connect;
    double loadgen_cpu_ready = 0, loadgen_cpu_end = -1; // CPU seconds of the worker processes
    proc_sample before, ready_at, mid, after; // before fork, all ready, mid-run, end of measurement
};

std::string to_json(const config& cfg, const run_result& r);
std::string markdown_header();
std::string to_markdown_row(const config& cfg, const run_result& r);

} // namespace imedge::bench
