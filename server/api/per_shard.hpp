// Per-shard service state (the shape of Seastar's sharded<T>): one instance of T per shard,
// created on that shard, reached from handlers running there, never shared between shards.
#pragma once

#include <functional>
#include <memory>
#include <stdexcept>
#include <typeindex>
#include <typeinfo>
#include <utility>
#include <vector>

namespace imedge::server {

/// A type-erased per-shard instance.
using service_ptr = std::unique_ptr<void, void (*)(void*)>;

/// How to make one shard's instance of a service: registered with app::per_shard<T>() before
/// run(), called once per shard on that shard's thread as it starts, with the shard's index.
struct service_factory {
    std::type_index type;
    std::function<service_ptr(std::size_t shard_index)> make;
};

/// One shard's instances, by type. Shard-local: created on the shard thread before any
/// handler runs; destroyed with the shard after its loop has ended (so no handler can still
/// run when a destructor does).
class service_table {
public:
    void create(const std::vector<service_factory>& factories, std::size_t shard_index) {
        for (const auto& f : factories)
            entries_.emplace_back(f.type, f.make(shard_index));
    }
    /// The instance of `type`, or nullptr when none was registered.
    void* find(std::type_index type) const {
        for (const auto& [t, p] : entries_)
            if (t == type)
                return p.get();
        return nullptr;
    }

private:
    std::vector<std::pair<std::type_index, service_ptr>> entries_;
};

/// The error of server_ref::local<T>() for a T that app::per_shard<T>() never registered.
class no_such_service : public std::logic_error {
public:
    no_such_service() : std::logic_error("no per_shard service of this type was registered") {}
};

} // namespace imedge::server
