"""The exception tree shared by every part of the product.

    EdgeError                 anything this package raises on purpose
    ├── ConfigError           a bad config file, key or environment override
    ├── ImageError            an image that cannot be read or decoded
    ├── ModelError            a model file missing, corrupted or not loadable by its runtime
    ├── SynthError            the generator cannot run (e.g. a font is missing)
    └── DataError             a ground-truth or prediction file that cannot be scored

Every message says what was wrong and, where it can, what to do about it; the CLI prints the
message and exits non-zero, never a traceback.
"""

from __future__ import annotations


class EdgeError(Exception):
    """Base of every error this package raises on purpose."""


class ConfigError(EdgeError):
    """The configuration is invalid; the message names the key."""


class ImageError(EdgeError):
    """An image cannot be read, decoded or written."""


class SynthError(EdgeError):
    """The synthetic generator cannot run."""


class DataError(EdgeError):
    """A ground-truth or prediction file is malformed."""


class ModelError(EdgeError):
    """A model file is missing, does not match its manifest, or its runtime cannot load it."""
