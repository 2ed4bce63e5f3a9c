// Where decoded publisher messages go, one per broker connection: an action is applied, a drop
// is counted under its reason and logged (each of the first 100 of a reason, then at powers of
// two, so a flood of bad messages cannot flood the log), an ignorable message is counted.
// Called from one thread (its subscriber's); the counters may be read from any thread.
#pragma once

#include "push/action.hpp"
#include "push/applier.hpp"

#include <string>
#include <string_view>

namespace imedge::push {

class intake {
public:
    intake(server::running_server& server, std::string broker)
        : broker_(std::move(broker)), applier_(server) {}

    /// `source` names the channel or queue the message came from (for the log).
    void take(outcome o, std::string_view source);

    const push_counters& counters() const { return counters_; }
    /// One line: the broker, received, applied, ignored, dropped by reason.
    std::string summary() const;

private:
    std::string broker_;
    push_counters counters_;
    applier applier_;
};

} // namespace imedge::push
