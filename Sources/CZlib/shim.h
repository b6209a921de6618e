// zlib (the system's libz, zlib1g-dev on Debian): compresses the definitions stored in the catalog.
#include <zlib.h>
