// JSON-line and Markdown renderings of a run, and the /proc sampling they report.
#include "report.hpp"

#include <fmt/format.h>

#include <fstream>
#include <sstream>
#include <string_view>
#include <unistd.h>
#include <vector>

namespace imedge::bench {

proc_sample sample_proc(int pid) {
    proc_sample s;
    if (pid > 0) {
        std::ifstream status(fmt::format("/proc/{}/status", pid));
        for (std::string line; std::getline(status, line);)
            if (line.rfind("VmRSS:", 0) == 0)
                s.rss_kb = std::stol(line.substr(6));
        std::ifstream stat(fmt::format("/proc/{}/stat", pid));
        std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
        const auto paren = text.rfind(')');
        if (paren != std::string::npos) {
            std::istringstream fields(text.substr(paren + 2));
            std::vector<std::string> f;
            for (std::string tok; fields >> tok && f.size() < 13;)
                f.push_back(tok);
            if (f.size() >= 13) // fields 14 and 15 of stat(5); f[0] is field 3
                s.cpu_s = (std::stod(f[11]) + std::stod(f[12])) /
                          static_cast<double>(sysconf(_SC_CLK_TCK));
        }
    }
    std::ifstream meminfo("/proc/meminfo");
    for (std::string line; std::getline(meminfo, line);)
        if (line.rfind("Slab:", 0) == 0)
            s.slab_kb = std::stol(line.substr(5));
    std::ifstream sockstat("/proc/net/sockstat");
    for (std::string line; std::getline(sockstat, line);) {
        if (line.rfind("TCP:", 0) != 0)
            continue;
        std::istringstream in(line.substr(4));
        for (std::string key, value; in >> key >> value;) {
            if (key == "mem")
                s.tcp_mem_pages = std::stol(value);
            if (key == "inuse")
                s.tcp_inuse = std::stol(value);
        }
    }
    return s;
}

namespace {

double us(std::uint64_t ns) {
    return static_cast<double>(ns) / 1000.0;
}

std::string quantiles_json(const histogram& h) {
    return fmt::format(
        R"({{"count":{},"mean":{:.1f},"p50":{:.1f},"p90":{:.1f},"p99":{:.1f},"p999":{:.1f},"max":{:.1f}}})",
        h.count(), h.mean() / 1000.0, us(h.quantile(0.5)), us(h.quantile(0.9)),
        us(h.quantile(0.99)), us(h.quantile(0.999)), us(h.max()));
}

// Latency at a ladder of percentiles, for the distribution plots.
std::string spectrum_json(const histogram& h) {
    static constexpr double qs[] = {0.0,   0.25,  0.5,    0.75,   0.9,     0.95, 0.99,
                                    0.995, 0.999, 0.9995, 0.9999, 0.99999, 1.0};
    std::string out = "[";
    for (double q : qs) {
        if (out.size() > 1)
            out += ',';
        out += fmt::format("[{:.3f},{:.1f}]", q * 100.0, us(q == 0.0 ? h.min() : h.quantile(q)));
    }
    return out + "]";
}

double throughput(const run_result& r) {
    return r.measured_s > 0 ? r.received_window / r.measured_s : 0;
}

std::string escaped(std::string_view text) {
    std::string out;
    for (char ch : text) {
        if (ch == '"' || ch == '\\')
            out += '\\';
        if (static_cast<unsigned char>(ch) >= 0x20)
            out += ch;
    }
    return out;
}

} // namespace

std::string to_json(const config& cfg, const run_result& r) {
    const auto conns = static_cast<double>(std::max<std::uint64_t>(r.connected, 1));
    const proc_sample& held = cfg.scenario == scenario_kind::connect ? r.mid : r.ready_at;
    const double rss_per_conn = held.rss_kb >= 0 && r.before.rss_kb >= 0
                                    ? (held.rss_kb - r.before.rss_kb) * 1024.0 / conns
                                    : -1;
    const double sock_per_conn =
        held.tcp_mem_pages >= 0 && r.before.tcp_mem_pages >= 0
            ? (held.tcp_mem_pages - r.before.tcp_mem_pages) * 4096.0 / conns
            : -1;
    const double slab_per_conn = held.slab_kb >= 0 && r.before.slab_kb >= 0
                                     ? (held.slab_kb - r.before.slab_kb) * 1024.0 / conns
                                     : -1;
    const double cpu = r.after.cpu_s >= 0 && r.ready_at.cpu_s >= 0 && r.measured_s > 0
                           ? (r.after.cpu_s - r.ready_at.cpu_s) / r.measured_s
                           : -1;
    return fmt::format(
        R"({{"server":"{}","scenario":"{}","transport":"{}","connections":{},"rooms":{},"payload":{},)"
        R"("rate":{},"window":{},"duration_s":{},"procs":{},"threads":{},)"
        R"("clients":{},"connected":{},"failed":{},"ready":{},"setup_s":{:.3f},)"
        R"("sent":{},"expected":{},"received":{},"received_in_window":{},"lost":{},"disconnects":{},"skipped":{},)"
        R"("throughput":{:.1f},"send_rate":{:.1f},"latency_us":{},"connect_us":{},"spectrum_us":{},)"
        R"("server_rss_kb":{{"before":{},"ready":{},"mid":{},"end":{}}},"server_rss_per_conn_b":{:.0f},)"
        R"("tcp_mem_per_conn_b":{:.0f},"kernel_slab_per_conn_b":{:.0f},"server_cpu_cores":{:.3f},"loadgen_cpu_cores":{:.3f}}})",
        escaped(cfg.label), scenario_name(cfg.scenario), transport_name(cfg.transport),
        cfg.connections, cfg.rooms, cfg.payload, cfg.rate, cfg.window, cfg.duration, cfg.procs,
        cfg.threads, r.clients, r.connected, r.failed, r.ready, r.setup_s, r.sent, r.expected,
        r.received, r.received_window, r.expected > r.received ? r.expected - r.received : 0,
        r.disconnects, r.skipped, throughput(r), r.measured_s > 0 ? r.sent / r.measured_s : 0,
        quantiles_json(r.latency), quantiles_json(r.connect), spectrum_json(r.latency),
        r.before.rss_kb, r.ready_at.rss_kb, r.mid.rss_kb, r.after.rss_kb, rss_per_conn,
        sock_per_conn, slab_per_conn, cpu,
        r.loadgen_cpu_end >= 0 && r.measured_s > 0
            ? (r.loadgen_cpu_end - r.loadgen_cpu_ready) / r.measured_s
            : -1);
}

std::string markdown_header() {
    return "| server | scenario | transport | conns | rooms | payload | rate | msgs/s | p50 µs | "
           "p90 µs | "
           "p99 µs | p99.9 µs | max µs | lost | disc |\n"
           "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n";
}

std::string to_markdown_row(const config& cfg, const run_result& r) {
    const histogram& h = cfg.scenario == scenario_kind::connect ? r.connect : r.latency;
    return fmt::format(
        "| {} | {} | {} | {} | {} | {} | {} | {:.0f} | {:.0f} | {:.0f} | {:.0f} | {:.0f} | {:.0f} "
        "| {} | {} |\n",
        cfg.label, scenario_name(cfg.scenario), transport_name(cfg.transport), cfg.connections,
        cfg.rooms, cfg.payload, cfg.rate == 0 ? std::string("max") : fmt::format("{}", cfg.rate),
        cfg.scenario == scenario_kind::connect ? r.connected / std::max(r.setup_s, 1e-9)
                                               : throughput(r),
        us(h.quantile(0.5)), us(h.quantile(0.9)), us(h.quantile(0.99)), us(h.quantile(0.999)),
        us(h.max()), r.expected > r.received ? r.expected - r.received : 0, r.disconnects);
}

} // namespace imedge::bench
