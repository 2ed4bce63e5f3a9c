// server_ref's way to its shard's per-shard services.
#include "server/api/handlers.hpp"
#include "server/core/shard.hpp"

namespace imedge::server {

void* server_ref::find_service(std::type_index type) const {
    return shard_->service(type);
}

} // namespace imedge::server
