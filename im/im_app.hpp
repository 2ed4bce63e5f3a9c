// Wires the IM service into a handler-API app: one shard_service per shard (created by that
// shard's start handler), the store attached to every shard, and the events of namespace "/".
#pragma once

#include "im_options.hpp"
#include "jwt_verifier.hpp"
#include "shard_service.hpp"

#include "server/api/app.hpp"
#include "store/store.hpp"

#include <functional>
#include <memory>
#include <string>
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

/// Registers the IM handlers on `server` (call after the shard count is known), and, when the
/// runtime uses a generated development secret (and only then), GET /dev/token?user=NAME.
void register_im(server::app& server, im_runtime& runtime);

/// The revocation hook (the HTTP API calls it): every device of `user`, on every shard of
/// `server`, receives `auth.revoked` {"reason": reason} and is disconnected. Thread-safe; returns
/// at once. `done` (optional) runs once with the number of devices disconnected, on the shard
/// that finished last. A device may reconnect with a token that is still valid: revoking the
/// user's tokens themselves is the token issuer's part (short `exp`, refusing refreshes).
void disconnect_user(server::running_server& server, im_runtime& runtime, const std::string& user,
                     const std::string& reason, std::function<void(std::size_t)> done = {});

} // namespace imedge::im
