// Include SOCI through this header only. Debian's SOCI is configured with
// Boost support, which pulls Boost headers into every user; nothing here
// uses SOCI's Boost integrations, so switch them off (header-only templates,
// no effect on the library ABI).
#pragma once

#include <soci/soci-config.h>
#undef SOCI_HAVE_BOOST
#undef SOCI_HAVE_BOOST_DATE_TIME
#include <soci/soci.h>
