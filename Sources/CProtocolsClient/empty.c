/* Header-only target: the generated client headers are in include/. */
