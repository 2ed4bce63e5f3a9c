// imedge load generator: Socket.IO v5 / raw WebSocket scenarios against a loopback server.
#include "config.hpp"
#include "coordinator.hpp"

#include <string_view>

int main(int argc, char** argv) {
    const auto cfg = imedge::bench::parse_args(argc, argv);
    if (!cfg) {
        const bool help = argc >= 2 && (std::string_view(argv[1]) == "-h" ||
                                        std::string_view(argv[1]) == "--help");
        return help ? 0 : 2;
    }
    return imedge::bench::run_coordinator(*cfg);
}
