/* CWLCSEntry: defines the exported wlcs_server_integration (placeholder, being written). */
#pragma once
