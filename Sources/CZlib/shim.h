// zlib (the system's libz, zlib1g-dev on Debian): compresses the definitions stored in the catalog and inflates gzip model files.
#include <zlib.h>
