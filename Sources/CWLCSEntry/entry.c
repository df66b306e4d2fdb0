#include "CWLCSEntry.h"
