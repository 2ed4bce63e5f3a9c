// The bounded queue of frames waiting for a connection's single writer.
#pragma once

#include "server/engineio/frame.hpp"

#include <vector>

namespace imedge::server {

/// FIFO of frames with a byte bound. Shard-local. An idle outbox holds no heap memory.
class outbox {
public:
    explicit outbox(std::size_t limit_bytes) : limit_(limit_bytes) {}

    /// Queues `f`; returns false (and queues nothing) when that would pass the bound.
    bool push(frame f) {
        std::size_t size = f.bytes->size();
        if (bytes_ + size > limit_ && !empty())
            return false;
        bytes_ += size;
        frames_.push_back(std::move(f));
        return true;
    }

    bool empty() const { return head_ == frames_.size(); }
    std::size_t bytes() const { return bytes_; }
    std::size_t size() const { return frames_.size() - head_; }
    const frame& front() const { return frames_[head_]; }

    frame pop() {
        frame f = std::move(frames_[head_++]);
        bytes_ -= f.bytes->size();
        if (empty())
            release();
        return f;
    }

    void clear() {
        bytes_ = 0;
        release();
    }

private:
    // Keeps a little capacity for busy connections, gives back anything larger.
    void release() {
        head_ = 0;
        if (frames_.capacity() > 64)
            std::vector<frame>().swap(frames_);
        else
            frames_.clear();
    }

    std::vector<frame> frames_;
    std::size_t head_ = 0;
    std::size_t bytes_ = 0;
    std::size_t limit_;
};

} // namespace imedge::server
