/* Header-only target: the generated server headers are in include/. */
