// Wires the IM service into a handler-API app: one shard_service per shard (created by that
// shard's start handler), the store attached to every shard, and the events of namespace "/".
#pragma once

#include "im_options.hpp"
#include "jwt_verifier.hpp"
#include "shard_service.hpp"

#include "server/api/app.hpp"
#include "store/store.hpp"

#include <memory>
#include <vector>

namespace imedge::im {

/// Everything the IM service owns for the life of the process. Must outlive the running
/// server; `services[i]` is created and used on shard i only.
struct im_runtime {
    im_options options;
    jwt_verifier verifier;
    std::unique_ptr<store::store> db;
    std::vector<std::unique_ptr<shard_service>> services;

    im_runtime(im_options o, std::unique_ptr<store::store> s)
        : options(std::move(o)), verifier(options.jwt), db(std::move(s)) {}
};

/// Registers the IM handlers on `server` (call after the shard count is known).
void register_im(server::app& server, im_runtime& runtime);

} // namespace imedge::im
