#pragma once
// A Beast body like http::string_body, but whose string always keeps spare capacity past its
// end. RapidJSON's SSE4.2 scanner reads whole aligned 16-byte blocks and so may look up to 15
// bytes past the terminating NUL; with this slack the in-situ parse of a huge log stays inside
// the allocation without a copy to make room.
#include <algorithm>
#include <boost/asio/buffer.hpp>
#include <boost/beast/core/buffers_range.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/optional/optional.hpp>
#include <cstdint>
#include <cstring>
#include <string>

#include "whm/envelope.hpp"  // kScanSlack

namespace wte::whm {

struct PaddedStringBody {
  using value_type = std::string;

  static std::uint64_t size(const value_type& body) { return body.size(); }

  class reader {
   public:
    template <bool isRequest, class Fields>
    reader(boost::beast::http::header<isRequest, Fields>&, value_type& body) : body_(body) {}

    void init(const boost::optional<std::uint64_t>& length, boost::system::error_code& ec) {
      ec = {};
      if (!length) return;
      if (*length > body_.max_size() - kScanSlack) {
        ec = boost::beast::http::error::buffer_overflow;
        return;
      }
      body_.reserve(static_cast<std::size_t>(*length) + kScanSlack);
    }

    template <class ConstBufferSequence>
    std::size_t put(const ConstBufferSequence& buffers, boost::system::error_code& ec) {
      const std::size_t extra = boost::asio::buffer_size(buffers);
      const std::size_t size = body_.size();
      if (extra > body_.max_size() - size - kScanSlack) {
        ec = boost::beast::http::error::buffer_overflow;
        return 0;
      }
      ec = {};
      // std::string::reserve grows geometrically, so chunked bodies stay linear.
      if (body_.capacity() < size + extra + kScanSlack) body_.reserve(size + extra + kScanSlack);
      body_.resize(size + extra);
      char* out = body_.data() + size;
      for (const auto b : boost::beast::buffers_range_ref(buffers)) {
        std::memcpy(out, b.data(), b.size());
        out += b.size();
      }
      return extra;
    }

    void finish(boost::system::error_code& ec) { ec = {}; }

   private:
    value_type& body_;
  };
};

}  // namespace wte::whm
