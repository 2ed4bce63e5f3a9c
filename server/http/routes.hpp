// Today's endpoints, registered with a shard's router.
#pragma once

#include "server/http/router.hpp"

namespace imedge::server {

struct app_config;

/// The routes of `config`: its bare Engine.IO paths, the Socket.IO path (when a namespace is
/// registered), its plain WebSocket paths, and GET /healthz.
router make_routes(const app_config& config);

} // namespace imedge::server
