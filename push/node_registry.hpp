// Where the nodes of a cluster listen, kept in Redis: this node's tag and address under
// `<key>-node#<tag>` (SET with a 15 s expiry, refreshed every 5 s, deleted at a clean stop), and
// the other nodes' looked up by tag when a shard has a request for one of their sessions
// (server::node_directory, used by server/engineio/node_relay.hpp). A node that dies stops
// refreshing, so its key is gone within the expiry and its sessions' requests get 503.
//
// One thread of its own with one blocking hiredis connection; shards only queue lookups (one
// short mutex hold each, and only for a tag their own cache does not have).
#pragma once

#include "push/redis_url.hpp"

#include "server/api/node_directory.hpp"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

namespace imedge::push {

class node_registry final : public server::node_directory {
public:
    /// Draws this node's tag. Nothing runs until start().
    node_registry(redis_endpoint endpoint, std::string key);
    ~node_registry() override;

    /// Starts the thread: registers `address` ("IP:port") under this node's tag and keeps it
    /// fresh. Called once, when the server listens (the address may name its port).
    void start(std::string address);
    /// Deletes this node's key (if Redis answers within a second), drops pending lookups and
    /// joins the thread; idempotent. Before the server stops: no answer is posted after it.
    void stop();

    const std::string& own_tag() const override { return tag_; }
    void find(std::string tag, std::function<void(std::string address)> done) override;

private:
    struct lookup {
        std::string tag;
        std::function<void(std::string)> done;
    };
    void run();
    std::string session(); // one connection's life; returns why it ended
    std::string key_of(std::string_view tag) const;

    redis_endpoint endpoint_;
    std::string key_;
    std::string tag_;
    std::string address_; // set by start(), before the thread

    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<lookup> lookups_; // guarded by mutex_
    bool stopping_ = false;      // guarded by mutex_
    std::thread thread_;
};

} // namespace imedge::push
