// Which format and encoding /metrics answers with, for the headers real scrapers send.
#include "metrics/negotiation.hpp"

#include <doctest/doctest.h>

#include <set>

using wte::metrics::accepts_gzip;
using wte::metrics::ExpositionFormat;
using wte::metrics::negotiate_format;

TEST_CASE("Prometheus' own Accept header gets OpenMetrics 1.0.0") {
  // What Prometheus 2.42 sends on every scrape.
  CHECK(negotiate_format("application/openmetrics-text;version=1.0.0,application/"
                         "openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,"
                         "*/*;q=0.1") == ExpositionFormat::openmetrics);
  CHECK(negotiate_format("application/openmetrics-text") == ExpositionFormat::openmetrics);
  CHECK(negotiate_format("Application/OpenMetrics-Text; Version=\"1.0.0\"; charset=utf-8") ==
        ExpositionFormat::openmetrics);
}

TEST_CASE("everything else gets the text format 0.0.4") {
  CHECK(negotiate_format(std::nullopt) == ExpositionFormat::text);
  CHECK(negotiate_format("") == ExpositionFormat::text);
  CHECK(negotiate_format("*/*") == ExpositionFormat::text);  // curl
  CHECK(negotiate_format("text/plain;version=0.0.4") == ExpositionFormat::text);
  CHECK(negotiate_format("text/html,application/xhtml+xml,*/*;q=0.8") == ExpositionFormat::text);
  CHECK(negotiate_format("application/json") == ExpositionFormat::text);  // nothing we have
  // A version we do not write.
  CHECK(negotiate_format("application/openmetrics-text;version=0.0.1") == ExpositionFormat::text);
  CHECK(negotiate_format("application/openmetrics-text;version=2.0.0,text/plain") ==
        ExpositionFormat::text);
}

TEST_CASE("quality values decide, in the client's order when equal") {
  CHECK(negotiate_format("text/plain;q=0.9,application/openmetrics-text;q=0.5") ==
        ExpositionFormat::text);
  CHECK(negotiate_format("text/plain;q=0.5,application/openmetrics-text;q=0.9") ==
        ExpositionFormat::openmetrics);
  CHECK(negotiate_format("text/plain,application/openmetrics-text") == ExpositionFormat::text);
  CHECK(negotiate_format("application/openmetrics-text;q=0,text/plain;q=0.1") ==
        ExpositionFormat::text);
  CHECK(negotiate_format("application/openmetrics-text;q=0") == ExpositionFormat::text);
  CHECK(negotiate_format("application/openmetrics-text;q=bogus,text/plain;q=0.1") ==
        ExpositionFormat::text);
}

TEST_CASE("gzip when Accept-Encoding allows it; q=0 refuses it") {
  CHECK(accepts_gzip("gzip"));
  CHECK(accepts_gzip("gzip, deflate, br"));
  CHECK(accepts_gzip("deflate, GZIP;q=0.5"));
  CHECK(accepts_gzip("x-gzip"));
  CHECK(accepts_gzip("*"));
  CHECK(accepts_gzip("identity;q=1, *;q=0.1"));
  CHECK_FALSE(accepts_gzip(std::nullopt));
  CHECK_FALSE(accepts_gzip(""));
  CHECK_FALSE(accepts_gzip("identity"));
  CHECK_FALSE(accepts_gzip("deflate, br"));
  CHECK_FALSE(accepts_gzip("gzip;q=0"));
  CHECK_FALSE(accepts_gzip("gzip;q=0.000"));
  CHECK_FALSE(accepts_gzip("*;q=0"));
  CHECK_FALSE(accepts_gzip("gzip;q=0, *"));  // named: its own q=0 wins over `*`
  CHECK(accepts_gzip("*;q=0, gzip"));
}

TEST_CASE("content types, slots, label names") {
  using wte::metrics::Exposition;
  CHECK(wte::metrics::content_type(ExpositionFormat::text) ==
        "text/plain; version=0.0.4; charset=utf-8");
  CHECK(wte::metrics::content_type(ExpositionFormat::openmetrics) ==
        "application/openmetrics-text; version=1.0.0; charset=utf-8");
  const std::set<std::string_view> keys{
      Exposition{ExpositionFormat::text, false}.cache_key(),
      Exposition{ExpositionFormat::text, true}.cache_key(),
      Exposition{ExpositionFormat::openmetrics, false}.cache_key(),
      Exposition{ExpositionFormat::openmetrics, true}.cache_key()};
  CHECK(keys.size() == 4);
  CHECK(wte::metrics::negotiate("application/openmetrics-text", "gzip") ==
        Exposition{ExpositionFormat::openmetrics, true});
  CHECK(wte::metrics::format_name(ExpositionFormat::openmetrics) == "openmetrics");
  CHECK(wte::metrics::encoding_name(false) == "identity");
}
