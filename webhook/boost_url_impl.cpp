// The one translation unit that compiles Boost.URL's implementation (it parses the webhook URL).
#include <boost/url/src.hpp>
