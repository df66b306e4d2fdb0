// placeholder: the WLCS integration is being written
