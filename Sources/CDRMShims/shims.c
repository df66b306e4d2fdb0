#include "CDRMShims.h"
