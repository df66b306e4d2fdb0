// placeholder: the DRM backend is being written
