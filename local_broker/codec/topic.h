#pragma once
// Topic names, topic filters and the matching rules of MQTT (spec 4.7).
// Pure functions over string_views.

#include <string_view>

namespace wg::codec {

// Valid UTF-8 as MQTT requires it (spec 1.5.3): well formed, no surrogates,
// no U+0000.
bool is_valid_utf8(std::string_view text);

// Well-formed UTF-8 as Unicode / RFC 3629 define it: like is_valid_utf8 but
// U+0000 is allowed. The rule for a payload whose Payload Format Indicator is
// 1 (MQTT 5.0 spec 3.3.2.3.2), which is character data, not an MQTT string.
bool is_well_formed_utf8(std::string_view text);

// A topic name for PUBLISH or a Will: non-empty, valid UTF-8, no '+' or '#',
// at most 65535 bytes.
bool is_valid_topic_name(std::string_view topic);

// A topic filter for SUBSCRIBE/UNSUBSCRIBE: non-empty, valid UTF-8, '+' only
// as a whole level, '#' only as the whole last level.
bool is_valid_topic_filter(std::string_view filter);

// Whether `filter` matches `topic`. Both must be valid. Topics starting with
// '$' are not matched by a filter starting with '+' or '#' (spec 4.7.2).
bool topic_matches(std::string_view filter, std::string_view topic);

}  // namespace wg::codec
